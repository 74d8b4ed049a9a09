import CLua

/// The seed's current code: `ctx` holds method, path and four new accessor closures (headers,
/// query, params, body) that share one request-data object, whether or not the handler uses them.
/// Per request: one table, one request ref, four closures. The ref also sits in ctx's hidden
/// slot and a per-VM metatable supplies `ctx:set/get/request_id` (neither allocates: the table
/// is presized for the slot).
///
/// Its C: `rover_ctx_eager.h`.
public struct EagerContext: ContextBuilder {
    public init() {}

    /// Per VM: the metatable whose `__index` is the per-VM table of ctx methods (the ctx carries
    /// its accessors itself).
    public func prepare(_ vm: LuaVM) -> any PreparedContext {
        Prepared(metatable: vm.makeContextMetatable { rover_push_ctx_methods(vm.L) })
    }

    struct Prepared: PreparedContext {
        let metatable: LuaRef

        func push(_ vm: LuaVM) {
            let ctx = vm.pushContextTable(extraFields: 5)
            let data = vm.pushRequestRef()
            for accessor in LuaAccessor.allCases {
                vm.pushAccessorClosure(accessor, requestRef: data)
                vm.setField(accessor.name, of: ctx)
            }
            vm.setHiddenRequest(of: ctx)  // pops the request ref (for ctx:request_id)
            vm.setMetatable(metatable, of: ctx)
        }
    }
}

extension LuaVM {
    /// Pushes a new accessor closure over the request ref at `requestRef`, counting it.
    /// Stack: +1.
    func pushAccessorClosure(_ accessor: LuaAccessor, requestRef: Int32) {
        rover_push_accessor_closure(L, requestRef, accessor.rawValue)
    }
}
