import CLua

/// The primitives the context builders compose (call only between `beginRequest` and
/// `endRequest`, except the metatable makers, which run once per VM), and the C every builder
/// shares (`rover_ctx_common.h`).
extension LuaVM {
    /// Pushes a new ctx table holding `method` and `path`, with room for `extraFields` more
    /// fields. Returns its absolute index. Stack: +1.
    @discardableResult
    func pushContextTable(extraFields: Int32) -> Int32 {
        rover_lua_createtable(L, 0, 2 + extraFields)
        let t = rover_lua_gettop(L)
        rover_push_method_and_path(L, t, request)
        return t
    }

    /// Pushes a new request ref: the one per-request object the accessors share (the seed's
    /// `Arc<RequestData>`). Returns its absolute index. Stack: +1.
    @discardableResult
    func pushRequestRef() -> Int32 {
        _ = rover_push_request_ref(L, request)
        return rover_lua_gettop(L)
    }

    /// Pops the top value into `table[name]`; the table must have no metatable yet. Stack: -1.
    func setField(_ name: StaticString, of table: Int32) {
        name.withUTF8Buffer { n in
            n.withMemoryRebound(to: CChar.self) { rover_lua_setfield(L, table, $0.baseAddress) }
        }
    }

    /// Pops the top value into the table's hidden request slot (a key Lua code cannot name).
    /// Stack: -1.
    func setHiddenRequest(of table: Int32) {
        rover_push_hidden_key(L)
        rover_insert(L, -2)
        rover_lua_rawset(L, table)
    }

    /// Sets the table's metatable to a registry value. Stack: unchanged.
    func setMetatable(_ ref: LuaRef, of table: Int32) {
        _ = rover_lua_rawgeti(L, rover_registryindex(), lua_Integer(ref.raw))
        _ = rover_lua_setmetatable(L, table)
    }

    /// A ctx metatable whose `__index` is the value `pushIndex` pushes, kept in the registry.
    /// Once per VM. Stack: unchanged.
    func makeContextMetatable(index pushIndex: () -> Void) -> LuaRef {
        rover_lua_createtable(L, 0, 1)
        pushIndex()
        rover_lua_setfield(L, -2, "__index")
        return ref()
    }

    /// Copies set, get and request_id into the table at `table`. Stack: unchanged.
    func copyContextMethods(into table: Int32) {
        let t = rover_lua_absindex(L, table)
        rover_push_ctx_methods(L)
        for name in ["set", "get", "request_id"] {
            rover_lua_getfield(L, -1, name)
            rover_lua_setfield(L, t, name)
        }
        pop()
    }
}

/// The ctx shape the lazy, cached and shared contexts have in common: method, path, the request
/// ref in the hidden slot, and the builder's per-VM metatable (which is all that differs).
struct HiddenRequestContext: PreparedContext {
    let metatable: LuaRef

    func push(_ vm: LuaVM) {
        let ctx = vm.pushContextTable(extraFields: 1)
        vm.pushRequestRef()
        vm.setHiddenRequest(of: ctx)
        vm.setMetatable(metatable, of: ctx)
    }
}
