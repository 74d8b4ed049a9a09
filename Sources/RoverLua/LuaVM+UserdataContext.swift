import CLua

/// The primitives of the `userdata` context (Rover's pooled `RequestContext`): a per-VM pool of
/// preallocated full-userdata contexts whose metatable reads the staged request (C in
/// `rover_udctx.h`).
extension LuaVM {
    /// Rover's pool size (`RequestContextPool::new(&lua, 1024)` in rover-server/src/event_loop.rs).
    public static let userdataContextPoolSize: Int32 = 1024

    /// Makes the ctx metatable and a pool of `size` ctx userdata, once per VM, outside any handler.
    /// Stack: unchanged.
    public func makeUserdataContextPool(size: Int32 = LuaVM.userdataContextPoolSize) -> LuaRef {
        precondition(size > 0, "a ctx pool needs at least one ctx")
        rover_udctx_newpool(L, size)
        return ref()
    }

    /// Binds a free pooled ctx to the staged request and pushes it (call only between
    /// `beginRequest` and `endRequest`). Allocates nothing unless every pooled ctx belongs to a
    /// live request. Stack: +1.
    public func pushUserdataContext(pool: LuaRef) {
        rover_udctx_push(L, pool.raw, request)
    }
}
