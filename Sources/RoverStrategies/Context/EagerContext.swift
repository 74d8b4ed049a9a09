public import RoverEngine
public import RoverLua

/// The seed's current code: `ctx` holds method, path and four new accessor closures (headers,
/// query, params, body) that share one request-data object, whether or not the handler uses them.
/// Per request: one table, one request ref, four closures.
public struct EagerContext: ContextBuilder {
    public init() {}

    public func prepare(_ vm: LuaVM) -> LuaRef? { nil }

    public func pushContext(_ vm: LuaVM, prepared: LuaRef?) {
        let ctx = vm.pushContextTable(extraFields: 4)
        let data = vm.pushRequestRef()
        for accessor in LuaAccessor.allCases {
            vm.pushAccessorClosure(accessor, requestRef: data)
            vm.setField(accessor.name, of: ctx)
        }
        vm.pop()  // the request ref: the closures hold it
    }
}
