public import RoverEngine
public import RoverLua

/// The seed's Solution 2: as `LazyContext`, but `__index` stores the closure it created in the
/// ctx (rawset), so a second access of the same accessor is a plain table hit.
/// Per request: one table, one request ref, and one closure per distinct accessor used.
public struct CachedContext: ContextBuilder {
    public init() {}

    public func prepare(_ vm: LuaVM) -> any PreparedContext { vm.makeCachedContext() }
}
