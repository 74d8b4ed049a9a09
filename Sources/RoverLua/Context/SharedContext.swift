import CLua

/// Beyond the seed: the four accessors are created once per VM as plain C functions in the
/// metatable's `__index` table; each reads the request from the ctx it is called on
/// (`ctx:params()` passes ctx as `self`). No closure is ever created per request.
/// Per request: one table and one request ref. `ctx.params()` without the colon is an error.
///
/// Its C: `rover_ctx_shared.h`.
public struct SharedContext: ContextBuilder {
    public init() {}

    /// Per VM: a metatable whose `__index` is a table of the four shared C accessors, which read
    /// the request from the ctx's hidden slot, plus the ctx methods.
    public func prepare(_ vm: LuaVM) -> any PreparedContext {
        let metatable = vm.makeContextMetatable {
            rover_lua_createtable(vm.L, 0, 7)
            for a in LuaAccessor.allCases {
                rover_push_shared_accessor(vm.L, a.rawValue)
                vm.setField(a.name, of: -2)
            }
            vm.copyContextMethods(into: -1)
        }
        return HiddenRequestContext(metatable: metatable)
    }
}
