import CLua

/// What Rover ships (commits 1508fe8 "RequestContext pooling" and 38552ec; rover-server/src/
/// http_task.rs): ctx is a full userdata taken from a per-VM pool of 1024 preallocated ones. Its
/// metatable reads the current request: `ctx.method` and `ctx.path` are getters, and
/// `ctx:headers()`, `query()`, `params()`, `body()` are shared C methods that build their table on
/// each call. Per request: no closure, no table, no userdata (a field the handler writes lives in a
/// per-request table made on first write).
///
/// Differences from the table contexts, both on error paths only: `ctx.params()` without the colon
/// is an error (as with `shared`), and a ctx kept past its request refuses `ctx.method`/`ctx.path`
/// too, not only the accessors (the getters read the request, which is gone). A kept ctx is
/// refused until its pooled userdata is handed out again, 1024 requests later on that VM.
///
/// Its C: `rover_ctx_userdata.h`.
public struct UserdataContext: ContextBuilder {
    /// Rover's pool size (`RequestContextPool::new(&lua, 1024)` in rover-server/src/event_loop.rs).
    public static let poolSize: Int32 = 1024

    public init() {}

    /// Per VM, outside any handler: the ctx metatable and a pool of `poolSize` ctx userdata.
    public func prepare(_ vm: LuaVM) -> any PreparedContext {
        rover_udctx_newpool(vm.L, Self.poolSize)
        return Prepared(pool: vm.ref())
    }

    /// Binds a free pooled ctx to the staged request and pushes it. Allocates nothing unless
    /// every pooled ctx belongs to a live request.
    struct Prepared: PreparedContext {
        let pool: LuaRef

        func push(_ vm: LuaVM) { rover_udctx_push(vm.L, pool.raw, vm.request) }
    }
}
