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

    /// Keys are collected with `lua_next`, the first ``keptValues`` values moved below their keys
    /// so that they stay on the stack (`slot`): after sorting, those are encoded from their slots,
    /// with no second lookup by key (a `lua_pushlstring` + `lua_rawget` per field, a `lua_rawgeti`
    /// per element); the values of longer tables are looked up again (slot 0), so the stack stays
    /// small (LuaJIT's holds fewer than 65,500 values).
    private func encodeTable(_ t: Int32, _ out: inout [UInt8], _ scratch: UnsafeMutablePointer<JSONScratch>) throws(JSONEncodingError) {
        let n = Int(rover_lua_rawlen(L, t))
        let base = rover_lua_gettop(L)
        // Collect the keys at the end of the VM's scratch lists (nested tables use the space
        // after ours and give it back): string keys as (pointer, length) into the table's own
        // strings, which the table keeps alive.
        let s0 = scratch.pointee.strings.count, i0 = scratch.pointee.integers.count
        defer {  // give back our keys (and nothing when there were none: the common leaf case)
            if scratch.pointee.strings.count > s0 { scratch.pointee.strings.removeSubrange(s0...) }
            if scratch.pointee.integers.count > i0 { scratch.pointee.integers.removeSubrange(i0...) }
            rover_lua_settop(L, base)
        }
        var allArray = true
        var kept = 0
        rover_lua_pushnil(L)
        while rover_lua_next(L, t) != 0 {
            // Stack: … kept values, key, value. Keep the value under the key for lua_next, or drop it.
            var slot: Int32 = 0
            if kept < Self.keptValues, rover_lua_checkstack(L, 2) != 0 {
                rover_insert(L, -2)
                slot = rover_lua_gettop(L) - 1
                kept += 1
            } else {
                rover_pop(L, 1)
            }
            switch rover_lua_type(L, -1) {
            case LUA_TSTRING:
                var len = 0
                let p = rover_lua_tolstring(L, -1, &len)!
                scratch.pointee.strings.append((UnsafeRawPointer(p), len, slot))
                allArray = false
            case LUA_TNUMBER where rover_lua_isinteger(L, -1) != 0:
                let k = Int64(rover_tointeger(L, -1))
                scratch.pointee.integers.append((k, slot))
                if k < 1 || k > n { allArray = false }
            default:
                throw JSONEncodingError(message: "cannot encode a table key of type \(String(cString: rover_lua_typename(L, rover_lua_type(L, -1)))) as JSON")
            }
        }
        let s1 = scratch.pointee.strings.count, i1 = scratch.pointee.integers.count
        if i1 - i0 > 1 { scratch.pointee.integers[i0..<i1].sort { $0.0 < $1.0 } }
        if allArray && n > 0 && i1 - i0 == n {
            out.append(UInt8(ascii: "["))
            for i in i0..<i1 {
                if i > i0 { out.append(UInt8(ascii: ",")) }
                let (k, slot) = scratch.pointee.integers[i]
                try encodeValue(t, slot, &out, scratch) { rover_lua_rawgeti(L, t, lua_Integer(k)) }
            }
            out.append(UInt8(ascii: "]"))
            return
        }
        out.append(UInt8(ascii: "{"))
        var first = true
        for i in i0..<i1 {
            let (k, slot) = scratch.pointee.integers[i]
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            appendInteger(k, &out)
            out.append(contentsOf: "\":".utf8)
            try encodeValue(t, slot, &out, scratch) { rover_lua_rawgeti(L, t, lua_Integer(k)) }
        }
        if s1 - s0 > 1 {
            scratch.pointee.strings[s0..<s1].sort { a, b in
                let c = memcmp(a.0, b.0, min(a.1, b.1))
                return c != 0 ? c < 0 : a.1 < b.1
            }
        }
        for i in s0..<s1 {
            let (p, len, slot) = scratch.pointee.strings[i]
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONString.appendQuoted(UnsafeRawBufferPointer(start: p, count: len), to: &out)
            out.append(UInt8(ascii: ":"))
            try encodeValue(t, slot, &out, scratch) {
                rover_lua_pushlstring(L, p.assumingMemoryBound(to: CChar.self), len)  // interned: finds the key
                rover_lua_rawget(L, t)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Values kept on the stack per table (the rest are looked up again by key).
    static let keptValues = 64

    /// Encodes the value in `slot`, or, when it was not kept (0), the one `lookup` pushes.
    @inline(__always)
    private func encodeValue(_ t: Int32, _ slot: Int32, _ out: inout [UInt8], _ scratch: UnsafeMutablePointer<JSONScratch>,
                             lookup: () -> Void) throws(JSONEncodingError) {
        if slot != 0 { return try encode(slot, &out, scratch) }
        lookup()
        try encode(rover_lua_gettop(L), &out, scratch)
        rover_pop(L, 1)
    }

    private func appendInteger(_ v: Int64, _ out: inout [UInt8]) {
        if v >= 0 && v < 10 { out.append(UInt8(ascii: "0") &+ UInt8(v)); return }
        out.append(contentsOf: String(v).utf8)
    }
}

/// Lists the JSON encoder reuses across calls, so encoding allocates only the output.
struct JSONScratch {
    /// Object keys: bytes, length, and the stack slot holding the value.
    var strings: [(UnsafeRawPointer, Int, Int32)] = []
    /// Integer keys and the stack slot holding the value.
    var integers: [(Int64, Int32)] = []
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
