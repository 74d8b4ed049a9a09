public import NIOCore

/// Gets a parsed request from the HTTP layer to a Lua VM, and its response back.
///
/// Lives in RoverEngine; the implementations (channel, mutex-pool, lockfree-pool, affine) live in
/// RoverStrategies, one type per file. Threading contract: `dispatch` is called on the connection's
/// event loop, and `reply` must be called exactly once, on that same event loop (synchronously,
/// inside `dispatch`, is allowed: the pools run the handler in place).
public protocol Dispatcher: Sendable {
    func dispatch(_ request: Request, on eventLoop: any EventLoop, reply: @escaping @Sendable (Response) -> Void)
    /// A snapshot of the dispatcher's and its engines' counters. Safe from any thread.
    func counters() -> CounterSnapshot
    /// Stops any threads the dispatcher owns, after the work in flight is answered.
    func shutdown()
}

/// Server-side counters, summed over every VM a dispatcher owns. All are totals since start;
/// the runner divides by `requests` for per-request figures.
public struct CounterSnapshot: Sendable, Equatable, Codable {
    public var requests: UInt64 = 0
    /// Accessor closures created by the context builder.
    public var closures: UInt64 = 0
    public var luaAllocs: UInt64 = 0
    public var luaBytes: UInt64 = 0
    /// Bytes live in all VMs now, and the sum of each VM's peak.
    public var luaLiveBytes: UInt64 = 0
    public var luaPeakBytes: UInt64 = 0
    public var luaErrors: UInt64 = 0
    public var budgetKills: UInt64 = 0
    public var memoryKills: UInt64 = 0
    /// Cross-thread hand-offs of a request or its response.
    public var handoffs: UInt64 = 0
    public var lockAcquisitions: UInt64 = 0
    public var lockContended: UInt64 = 0
    public var casRetries: UInt64 = 0
    public var queueHighWater: UInt64 = 0
    public var vms: Int = 0
    /// Coroutines the `coroutine` dispatcher's VMs created for requests, and requests that reused
    /// an idle one from the pool (counted in `CoroutinePools`).
    public var coroutineCreations: UInt64 = 0
    public var coroutineReuses: UInt64 = 0

    public init() {}

    /// Adds another snapshot's totals (high-water marks take the max).
    public mutating func add(_ o: CounterSnapshot) {
        requests += o.requests; closures += o.closures; luaAllocs += o.luaAllocs; luaBytes += o.luaBytes
        luaLiveBytes += o.luaLiveBytes; luaPeakBytes += o.luaPeakBytes; luaErrors += o.luaErrors
        budgetKills += o.budgetKills; memoryKills += o.memoryKills; handoffs += o.handoffs
        lockAcquisitions += o.lockAcquisitions; lockContended += o.lockContended; casRetries += o.casRetries
        queueHighWater = max(queueHighWater, o.queueHighWater); vms += o.vms
        coroutineCreations += o.coroutineCreations; coroutineReuses += o.coroutineReuses
    }
}
