import CLua

/// Reading values without running Lua code: raw accesses only, so no metamethod can run and
/// nothing here can raise.
extension LuaVM {
    /// The bytes of a string at `index` (numbers are not converted). Stack: unchanged.
    public func bytes(at index: Int32) -> [UInt8]? {
        guard rover_lua_type(L, index) == LUA_TSTRING else { return nil }
        var n = 0
        guard let p = rover_lua_tolstring(L, index, &n) else { return nil }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    /// A string at `index`, decoded as UTF-8 with repair (for messages). Stack: unchanged.
    public func string(at index: Int32) -> String? {
        bytes(at: index).map { String(decoding: $0, as: UTF8.self) }
    }

    public func integer(at index: Int32) -> Int64 { Int64(rover_tointeger(L, index)) }
    public func number(at index: Int32) -> Double { rover_tonumber(L, index) }
    public func boolean(at index: Int32) -> Bool { rover_lua_toboolean(L, index) != 0 }

    /// `tostring` for numbers and booleans, exactly as Lua prints them (`1`, `1.0`, `1e+100`).
    /// Stack: unchanged.
    public func scalarText(at index: Int32) -> [UInt8]? {
        switch type(at: index) {
        case .boolean: return Array((boolean(at: index) ? "true" : "false").utf8)
        case .number:
            rover_lua_pushvalue(L, index)
            var n = 0
            let p = rover_lua_tolstring(L, -1, &n)
            defer { pop() }
            return p.map { Array(UnsafeRawBufferPointer(start: $0, count: n)) }
        case .string: return bytes(at: index)
        default: return nil
        }
    }

    /// Pushes `t[key]` without metamethods. Stack: +1.
    @discardableResult
    @usableFromInline func rawField(_ key: String, of index: Int32) -> LuaType {
        let t = rover_lua_absindex(L, index)
        rover_lua_pushstring(L, key)
        return LuaType(rawValue: rover_lua_rawget(L, t)) ?? .none
    }

    /// Pushes `t[i]` without metamethods. Stack: +1.
    @discardableResult
    func rawIndex(_ i: Int, of index: Int32) -> LuaType {
        LuaType(rawValue: rover_lua_rawgeti(L, index, lua_Integer(i))) ?? .none
    }

    /// `#t` without metamethods.
    func rawLength(of index: Int32) -> Int { Int(rover_lua_rawlen(L, index)) }

    /// Whether the value at `index` has, as its metatable, the registry value `ref`.
    public func hasMetatable(_ ref: LuaRef, at index: Int32) -> Bool {
        guard rover_lua_getmetatable(L, index) != 0 else { return false }
        push(ref)
        let same = rover_lua_rawequal(L, -1, -2) != 0
        pop(2)
        return same
    }

    /// The string → string pairs of the table at `index`, sorted by key (raw traversal: no
    /// metamethod runs); `nil` when a key or value is not a string. Stack: unchanged.
    public func stringPairs(of index: Int32) -> [(String, String)]? {
        let t = rover_lua_absindex(L, index)
        var out: [(String, String)] = []
        rover_lua_pushnil(L)
        while rover_lua_next(L, t) != 0 {
            guard rover_lua_type(L, -2) == LUA_TSTRING, rover_lua_type(L, -1) == LUA_TSTRING,
                  let k = string(at: -2), let v = string(at: -1) else {
                pop(2)
                return nil
            }
            out.append((k, v))
            pop()
        }
        return out.sorted { $0.0 < $1.0 }
    }

    /// Converts a relative index into an absolute one.
    @usableFromInline func absolute(_ index: Int32) -> Int32 { rover_lua_absindex(L, index) }
}

extension LuaVM {
    /// Pushes a copy of the value at `index`. Stack: +1.
    func pushValue(at index: Int32) { rover_lua_pushvalue(L, index) }

    /// Pushes nil. Stack: +1.
    func pushNil() { rover_lua_pushnil(L) }

    /// Removes the value at `index`, shifting the ones above it down. Stack: -1.
    func remove(at index: Int32) { rover_remove(L, index) }
}
