public import RoverEngine
public import RoverLua

/// The seed's current code: `ctx` holds method, path and four new accessor closures (headers,
/// query, params, body) that share one request-data object, whether or not the handler uses them.
/// Per request: one table, one request ref, four closures. The ref also sits in ctx's hidden
/// slot and a per-VM metatable supplies `ctx:set/get/request_id` (neither allocates: the table
/// is presized for the slot).
public struct EagerContext: ContextBuilder {
    public init() {}

    public func prepare(_ vm: LuaVM) -> any PreparedContext { vm.makeEagerContext() }
}
