import CLua

/// The primitives of the `eager` context (C in `rover_ctx_eager.h`): four accessor closures per
/// request over one request ref, and a per-VM metatable for `ctx:set/get/request_id`.
extension LuaVM {
    /// The eager context's per-VM state: the metatable whose `__index` is the per-VM table of ctx
    /// methods (the ctx carries its accessors itself). Once per VM. Stack: unchanged.
    public func makeEagerContext() -> any PreparedContext {
        EagerContextState(metatable: makeContextMetatable { rover_push_ctx_methods(L) })
    }

    /// Pushes a new accessor closure over the request ref at `requestRef`, counting it.
    /// Stack: +1.
    func pushAccessorClosure(_ accessor: LuaAccessor, requestRef: Int32) {
        rover_push_accessor_closure(L, requestRef, accessor.rawValue)
    }
}

/// ctx holds method, path and four new accessor closures that share one request ref; the ref
/// also sits in ctx's hidden slot (for `ctx:request_id`), and the table is presized for it.
struct EagerContextState: PreparedContext {
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
