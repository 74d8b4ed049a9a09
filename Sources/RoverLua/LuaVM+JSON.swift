import CLua
import RoverCoding

/// Why a Lua value cannot be encoded as JSON. Each becomes a 500 with this message.
public struct JSONEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// JSON encoding of Lua values, reading tables with raw accesses only (no metamethod runs, so
/// nothing here can raise or loop in Lua).
///
/// - A table whose keys are exactly 1…n (n ≥ 1) is an array; any other table is an object, and an
///   empty table is `{}`. Object keys are emitted sorted (integer keys first, numerically, then
///   string keys bytewise): Lua's hash order depends on a per-state random seed, and the same app
///   must give byte-identical responses on every VM.
/// - Integers and floats stay distinct (`1` vs `1.0`); NaN and infinities are errors, as are
///   cycles, nesting deeper than 200, and values of other types.
/// - String bytes are escaped as JSON requires; invalid UTF-8 becomes U+FFFD (`JSONString`).
extension LuaVM {
    /// Appends the JSON text of the value at `index` to `out`. Stack: unchanged.
    public func appendJSON(at index: Int32, to out: inout [UInt8]) throws(JSONEncodingError) {
        let base = top
        let scratch = json
        defer { setTop(base) }
        do {
            try encode(rover_lua_absindex(L, index), &out, scratch)
        } catch {
            scratch.pointee.reset()  // a throw skips the lists' own clean-up on the way out
            throw error
        }
    }

    private func encode(_ idx: Int32, _ out: inout [UInt8], _ scratch: UnsafeMutablePointer<JSONScratch>) throws(JSONEncodingError) {
        switch rover_lua_type(L, idx) {
        case LUA_TNIL: out.append(contentsOf: "null".utf8)
        case LUA_TBOOLEAN: out.append(contentsOf: (rover_lua_toboolean(L, idx) != 0 ? "true" : "false").utf8)
        case LUA_TNUMBER:
            if rover_lua_isinteger(L, idx) != 0 {
                appendInteger(Int64(rover_tointeger(L, idx)), &out)
            } else {
                let d = rover_tonumber(L, idx)
                guard d.isFinite else { throw JSONEncodingError(message: "cannot encode \(d) as JSON") }
                out.append(contentsOf: d.description.utf8)  // shortest round-trip form; "1.0" stays a float
            }
        case LUA_TSTRING:
            var n = 0
            let p = rover_lua_tolstring(L, idx, &n)!
            JSONString.appendQuoted(UnsafeRawBufferPointer(start: p, count: n), to: &out)
        case LUA_TTABLE:
            guard let me = rover_lua_topointer(L, idx) else { return }
            if scratch.pointee.path.contains(me) { throw JSONEncodingError(message: "cannot encode a table that contains itself") }
            guard scratch.pointee.path.count < 200 else { throw JSONEncodingError(message: "JSON nesting deeper than 200") }
            guard rover_lua_checkstack(L, 4) != 0 else { throw JSONEncodingError(message: "Lua stack exhausted") }
            scratch.pointee.path.append(me)
            try encodeTable(idx, &out, scratch)
            scratch.pointee.path.removeLast()
        default:
            throw JSONEncodingError(message: "cannot encode a \(String(cString: rover_lua_typename(L, rover_lua_type(L, idx)))) as JSON")
        }
    }

    private func encodeTable(_ t: Int32, _ out: inout [UInt8], _ scratch: UnsafeMutablePointer<JSONScratch>) throws(JSONEncodingError) {
        let n = Int(rover_lua_rawlen(L, t))
        // Collect the keys at the end of the VM's scratch lists (nested tables use the space
        // after ours and give it back): string keys as (pointer, length) into the table's own
        // strings, which the table keeps alive.
        let s0 = scratch.pointee.strings.count, i0 = scratch.pointee.integers.count
        defer {  // give back our keys (and nothing when there were none: the common leaf case)
            if scratch.pointee.strings.count > s0 { scratch.pointee.strings.removeSubrange(s0...) }
            if scratch.pointee.integers.count > i0 { scratch.pointee.integers.removeSubrange(i0...) }
        }
        var allArray = true
        rover_lua_pushnil(L)
        while rover_lua_next(L, t) != 0 {
            rover_pop(L, 1)
            switch rover_lua_type(L, -1) {
            case LUA_TSTRING:
                var len = 0
                let p = rover_lua_tolstring(L, -1, &len)!
                scratch.pointee.strings.append((UnsafeRawPointer(p), len))
                allArray = false
            case LUA_TNUMBER where rover_lua_isinteger(L, -1) != 0:
                let k = Int64(rover_tointeger(L, -1))
                scratch.pointee.integers.append(k)
                if k < 1 || k > n { allArray = false }
            default:
                rover_pop(L, 1)
                throw JSONEncodingError(message: "cannot encode a table key of type \(String(cString: rover_lua_typename(L, rover_lua_type(L, -1)))) as JSON")
            }
        }
        let s1 = scratch.pointee.strings.count, i1 = scratch.pointee.integers.count
        if allArray && n > 0 && i1 - i0 == n {
            out.append(UInt8(ascii: "["))
            for i in 1...n {
                if i > 1 { out.append(UInt8(ascii: ",")) }
                rover_lua_rawgeti(L, t, lua_Integer(i))
                try encode(rover_lua_gettop(L), &out, scratch)
                rover_pop(L, 1)
            }
            out.append(UInt8(ascii: "]"))
            return
        }
        out.append(UInt8(ascii: "{"))
        var first = true
        if i1 - i0 > 1 { scratch.pointee.integers[i0..<i1].sort() }
        for i in i0..<i1 {
            let k = scratch.pointee.integers[i]
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            appendInteger(k, &out)
            out.append(contentsOf: "\":".utf8)
            rover_lua_rawgeti(L, t, lua_Integer(k))
            try encode(rover_lua_gettop(L), &out, scratch)
            rover_pop(L, 1)
        }
        if s1 - s0 > 1 {
            scratch.pointee.strings[s0..<s1].sort { a, b in
                let c = memcmp(a.0, b.0, min(a.1, b.1))
                return c != 0 ? c < 0 : a.1 < b.1
            }
        }
        for i in s0..<s1 {
            let (p, len) = scratch.pointee.strings[i]
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONString.appendQuoted(UnsafeRawBufferPointer(start: p, count: len), to: &out)
            out.append(UInt8(ascii: ":"))
            rover_lua_pushlstring(L, p.assumingMemoryBound(to: CChar.self), len)  // interned: finds the key
            rover_lua_rawget(L, t)
            try encode(rover_lua_gettop(L), &out, scratch)
            rover_pop(L, 1)
        }
        out.append(UInt8(ascii: "}"))
    }

    private func appendInteger(_ v: Int64, _ out: inout [UInt8]) {
        if v >= 0 && v < 10 { out.append(UInt8(ascii: "0") &+ UInt8(v)); return }
        out.append(contentsOf: String(v).utf8)
    }
}

/// Lists the JSON encoder reuses across calls, so encoding allocates only the output.
struct JSONScratch {
    var strings: [(UnsafeRawPointer, Int)] = []
    var integers: [Int64] = []
    var path: [UnsafeRawPointer] = []

    init() {
        strings.reserveCapacity(32)
        integers.reserveCapacity(32)
        path.reserveCapacity(16)
    }

    /// After an error the lists may hold leftovers; keep the capacity, drop the contents.
    mutating func reset() {
        strings.removeAll(keepingCapacity: true)
        integers.removeAll(keepingCapacity: true)
        path.removeAll(keepingCapacity: true)
    }
}
