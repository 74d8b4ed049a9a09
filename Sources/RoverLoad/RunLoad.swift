import Glibc

/// Runs one load test as `config` describes and returns what it measured.
///
/// Entry point of RoverLoad for the CLI and the sweep runner (in-process). Validates the config
/// (throwing `LoadConfigError`), then starts `config.threads` worker threads, each an epoll loop
/// over its share of the connections, joins them and merges their per-thread histograms and
/// counters. Blocks the calling thread for warm-up + duration (or until the request budget is
/// resolved). Transport failures during the run are counted in the result, never thrown.
public func runLoad(_ config: LoadConfig) throws -> LoadResult {
    try config.validate()
    let address = try config.url.connectableAddress()
    let request = RequestEncoder.encode(config)
    if let startAt = config.startAt { WallClock.sleep(until: startAt) }
    if let barrier = config.barrier { try StartBarrier.wait(at: barrier, segment: config.segment, timeout: config.barrierTimeout) }
    let start = LoadClock.now()
    let actualStart = WallClock.now()
    let measureStart = start + nanos(config.warmup)
    let end = config.duration > 0 ? measureStart + nanos(config.duration) : UInt64.max
    let behaviour = config.mode.behaviour(connections: config.connections, threads: config.threads, segment: config.segment)
    let local = config.localConnections

    var plans: [WorkerPlan] = []
    var first = 0
    for t in 0..<config.threads {
        let count = local / config.threads + (t < local % config.threads ? 1 : 0)
        plans.append(WorkerPlan(
            address: address, request: request, depth: config.pipeline,
            isHead: config.method.uppercased() == "HEAD",
            firstConnection: first, connections: count, budget: behaviour.budgets[t],
            start: start, measureStart: measureStart, end: end,
            interval: behaviour.interval, totalConnections: config.connections, timeout: nanos(config.timeout),
            expectBody: config.expectBody, answered: config.answered,
            segmentOffset: config.segment?.index ?? 0, segmentStride: config.segment?.count ?? 1))
        first += count
    }
    let workers = plans.map { WorkerThread(plan: $0) }
    for w in workers { w.start() }
    for w in workers { w.join() }
    var result = LoadResult(config: config, stats: workers.map { $0.stats! })
    result.start = LoadResult.Start(intendedEpoch: config.startAt, actualEpoch: actualStart)
    return result
}

private func nanos(_ seconds: Double) -> UInt64 { UInt64(max(0, seconds) * 1e9) }

/// One pthread running one `WorkerLoop`.
///
/// @unchecked Sendable: `stats` is written only by the worker thread, before it exits, and read
/// only by the starting thread after `pthread_join` (which orders the two).
final class WorkerThread: @unchecked Sendable {
    let plan: WorkerPlan
    var stats: WorkerStats?
    private var thread = pthread_t()

    init(plan: WorkerPlan) { self.plan = plan }

    func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { arg in
            let me = Unmanaged<WorkerThread>.fromOpaque(arg!).takeRetainedValue()
            var loop = WorkerLoop(plan: me.plan)
            me.stats = loop.run()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
    }

    func join() { pthread_join(thread, nil) }
}
