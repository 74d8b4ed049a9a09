import CLua

/// The primitives of the `shared` context (C in `rover_ctx_shared.h`): a per-VM metatable whose
/// `__index` table holds four shared C accessors and the ctx methods.
extension LuaVM {
    /// The shared context's per-VM state: a metatable whose `__index` is a table of the four
    /// shared C accessors, which read the request from the ctx's hidden slot, plus the ctx
    /// methods: no closure per request. Once per VM. Stack: unchanged.
    public func makeSharedContext() -> any PreparedContext {
        let metatable = makeContextMetatable {
            rover_lua_createtable(L, 0, 7)
            for a in LuaAccessor.allCases {
                rover_push_shared_accessor(L, a.rawValue)
                setField(a.name, of: -2)
            }
            copyContextMethods(into: -1)
        }
        return SharedContextState(metatable: metatable)
    }
}

/// ctx holds method, path and the request ref in the hidden slot, behind the shared metatable.
struct SharedContextState: PreparedContext {
    let metatable: LuaRef

    func push(_ vm: LuaVM) { vm.pushHiddenRequestContext(metatable: metatable) }
}
