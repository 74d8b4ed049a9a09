import CLua

/// The primitives of the `lazy` context (C in `rover_ctx_lazy.h`): a per-VM metatable whose
/// `__index` creates the accessor closure on each access.
extension LuaVM {
    /// The lazy context's per-VM state: its metatable. Once per VM. Stack: unchanged.
    public func makeLazyContext() -> any PreparedContext {
        LazyContextState(metatable: makeContextMetatable { rover_push_lazy_index(L, 0) })
    }
}

/// ctx holds method, path and the request ref in the hidden slot, behind the lazy metatable.
struct LazyContextState: PreparedContext {
    let metatable: LuaRef

    func push(_ vm: LuaVM) { vm.pushHiddenRequestContext(metatable: metatable) }
}
