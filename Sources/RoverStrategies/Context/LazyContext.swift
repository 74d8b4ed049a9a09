public import RoverEngine
public import RoverLua

/// The seed's Solution 1: `ctx` holds method, path and the request-data object in a hidden slot;
/// one metatable per VM has an `__index` that creates the accessor closure on each access
/// (calling `ctx:headers()` twice creates two closures, as the seed describes).
/// Per request: one table, one request ref, and one closure per accessor access.
public struct LazyContext: ContextBuilder {
    public init() {}

    public func prepare(_ vm: LuaVM) -> any PreparedContext { vm.makeLazyContext() }
}
