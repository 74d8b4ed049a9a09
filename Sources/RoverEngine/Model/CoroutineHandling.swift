import RoverLua

/// A handler that can run each request in a coroutine of its VM, so that a handler which yields
/// suspends only its own request (Rover's `execute_handler_coroutine`, rover-server/src/
/// http_task.rs). The `coroutine` dispatcher drives it; `Engine` conforms.
///
/// Not `Sendable`, like `RequestHandling`: one thread uses a handler and its suspended requests.
public protocol CoroutineHandling: RequestHandling {
    /// Starts `request` in a coroutine from the VM's pool. Never throws: Lua errors are 500s.
    func start(_ request: Request) -> CoroutineStep
    /// Runs a suspended request on from where it yielded. Call once per `.suspended` step.
    func resume(_ request: SuspendedRequest) -> CoroutineStep
}

/// What a start or a resume came to.
public enum CoroutineStep {
    /// The request is answered; its coroutine is back in the pool (or gone, after an error).
    case done(Response)
    /// The handler yielded: resume it later, on the same thread.
    case suspended(SuspendedRequest)
}

/// A request whose handler yielded: its coroutine, its request slot (ctx stays valid), and the
/// instructions it may still run. Opaque outside RoverEngine; not `Sendable`.
public final class SuspendedRequest {
    let slot: RequestSlot
    let coroutine: LuaCoroutine
    var remaining: Int64
    /// Under the Rover-defaults profile: what the request asked for, to finish its answer.
    var profile: (RoverDefaults.Incoming, Request)?

    init(slot: RequestSlot, coroutine: LuaCoroutine, remaining: Int64) {
        self.slot = slot
        self.coroutine = coroutine
        self.remaining = remaining
    }
}
