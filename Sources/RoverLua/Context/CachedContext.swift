import CLua

/// The seed's Solution 2: as `LazyContext`, but `__index` stores the closure it created in the
/// ctx (rawset), so a second access of the same accessor is a plain table hit.
/// Per request: one table, one request ref, and one closure per distinct accessor used.
///
/// Its C: `rover_ctx_cached.h`.
public struct CachedContext: ContextBuilder {
    public init() {}

    /// Per VM: lazy's metatable with the cache flag set.
    public func prepare(_ vm: LuaVM) -> any PreparedContext {
        HiddenRequestContext(metatable: vm.makeContextMetatable { rover_push_cached_index(vm.L) })
    }
}
