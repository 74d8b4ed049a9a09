import CLua

/// The primitives of the `userdata` context (Rover's pooled `RequestContext`): a per-VM pool of
/// preallocated full-userdata contexts whose metatable reads the staged request (C in
/// `rover_ctx_userdata.h`).
extension LuaVM {
    /// Rover's pool size (`RequestContextPool::new(&lua, 1024)` in rover-server/src/event_loop.rs).
    public static let userdataContextPoolSize: Int32 = 1024

    /// The userdata context's per-VM state: the ctx metatable and a pool of `size` ctx userdata,
    /// made once per VM, outside any handler. Stack: unchanged.
    public func makeUserdataContext(poolSize size: Int32 = LuaVM.userdataContextPoolSize) -> any PreparedContext {
        precondition(size > 0, "a ctx pool needs at least one ctx")
        rover_udctx_newpool(L, size)
        return UserdataContextState(pool: ref())
    }
}

/// Binds a free pooled ctx to the staged request and pushes it. Allocates nothing unless every
/// pooled ctx belongs to a live request.
struct UserdataContextState: PreparedContext {
    let pool: LuaRef

    func push(_ vm: LuaVM) { rover_udctx_push(vm.L, pool.raw, vm.request) }
}
