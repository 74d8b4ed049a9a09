public import RoverEngine
public import RoverLua

/// Beyond the seed: the four accessors are created once per VM as plain C functions in the
/// metatable's `__index` table; each reads the request from the ctx it is called on
/// (`ctx:params()` passes ctx as `self`). No closure is ever created per request.
/// Per request: one table and one request ref. `ctx.params()` without the colon is an error.
public struct SharedContext: ContextBuilder {
    public init() {}

    public func prepare(_ vm: LuaVM) -> any PreparedContext { vm.makeSharedContext() }
}
