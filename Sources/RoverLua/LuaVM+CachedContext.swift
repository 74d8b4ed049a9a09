import CLua

/// The primitives of the `cached` context (C in `rover_ctx_cached.h`): lazy's metatable, whose
/// `__index` also stores the closure it creates in the ctx.
extension LuaVM {
    /// The cached context's per-VM state: its metatable. Once per VM. Stack: unchanged.
    public func makeCachedContext() -> any PreparedContext {
        CachedContextState(metatable: makeContextMetatable { rover_push_cached_index(L) })
    }
}

/// ctx holds method, path and the request ref in the hidden slot, behind the cached metatable.
struct CachedContextState: PreparedContext {
    let metatable: LuaRef

    func push(_ vm: LuaVM) { vm.pushHiddenRequestContext(metatable: metatable) }
}
