import CLua

/// The seed's Solution 1: `ctx` holds method, path and the request-data object in a hidden slot;
/// one metatable per VM has an `__index` that creates the accessor closure on each access
/// (calling `ctx:headers()` twice creates two closures, as the seed describes).
/// Per request: one table, one request ref, and one closure per accessor access.
///
/// Its C: `rover_ctx_lazy.h`.
public struct LazyContext: ContextBuilder {
    public init() {}

    /// Per VM: the metatable whose `__index` makes an accessor closure on each access.
    public func prepare(_ vm: LuaVM) -> any PreparedContext {
        HiddenRequestContext(metatable: vm.makeContextMetatable { rover_push_lazy_index(vm.L, 0) })
    }
}
