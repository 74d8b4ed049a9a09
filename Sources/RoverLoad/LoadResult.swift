public import Histogram

/// What one load run (or several merged runs) measured.
///
/// Belongs to RoverLoad's public API: returned by `runLoad(_:)`, decoded from `--json` files,
/// combined by `merged(_:)`. A value type, Sendable. Latencies are in µs in `LatencyHistogram`s:
/// `latency` holds successful (2xx) responses timed from the actual send; `failedLatency` holds
/// non-2xx responses and failed requests; `correctedLatency` (open loop only) holds successful
/// responses timed from their intended send time (coordinated-omission corrected).
public struct LoadResult: Sendable {
    /// How the run was set up (for the record; sums/merges across processes).
    public var run: RunInfo
    /// Generator processes merged into this result (1 for a single run).
    public var processes = 1
    /// Measured window in seconds (the longest among merged processes).
    public var duration: Double
    /// Responses received in the window, any status.
    public var requests: Int
    /// Sum over processes of requests / duration.
    public var requestsPerSecond: Double
    public var non2xx: Int
    /// 2xx responses whose body differed from `LoadConfig.expectBody` (0 when not checked).
    public var bodyMismatches = 0
    public var errors: ErrorCounts
    /// Connections the server closed after a complete response (re-opened, not errors).
    public var reconnects: Int
    public var latency: LatencyHistogram
    public var failedLatency: LatencyHistogram
    public var correctedLatency: LatencyHistogram?
    /// Open loop: requests whose intended send time passed without a send.
    public var missedSends: Int
    /// Generator worker threads' CPU (user+sys) inside the window, µs.
    public var generatorCPUMicros: Double
    /// Open-loop timer wake-ups and how late they fired (a late wake = the generator was busy).
    public var lateWakes: Int
    public var lateWakeMicrosSum: Double
    public var lateWakeMicrosMax: Double
    /// The segment this process ran (`--segment`), nil for a whole load or a merged result.
    public var segment: LoadSegment?
    /// When this process meant to start and did start (nil in files written before it was recorded).
    public var start: Start?
    /// Requests written inside the window, counted where they are written (nil in older files).
    public var sentRequests: Int?
    /// Open loop: sends the schedule intends inside the window (nil in closed loop and older files).
    public var intendedSends: Int?
    /// A merged result: one summary per generator process merged in, in input order (empty for one process).
    public var parts: [Part] = []

    /// Wall-clock start of one generator process, Unix epoch seconds.
    public struct Start: Sendable, Codable, Equatable {
        /// The instant asked for (`--start-at`), nil: started when launched.
        public var intendedEpoch: Double?
        /// The instant its load began (after waiting for `intendedEpoch`).
        public var actualEpoch: Double
        public init(intendedEpoch: Double?, actualEpoch: Double) {
            self.intendedEpoch = intendedEpoch
            self.actualEpoch = actualEpoch
        }
    }

    /// The run setup as recorded in results.
    public struct RunInfo: Sendable, Codable, Equatable {
        public var url: String
        public var method: String
        public var connections: Int
        public var threads: Int
        public var pipeline: Int
        public var targetRate: Double?
        public var warmupSeconds: Double
        public var timeoutSeconds: Double
    }

    /// Percentile summaries (µs) of the three histograms, for callers that do not import Histogram.
    public var latencySummary: LatencySummary { LatencySummary(latency) }
    public var failedLatencySummary: LatencySummary { LatencySummary(failedLatency) }
    public var correctedLatencySummary: LatencySummary? { correctedLatency.map(LatencySummary.init) }

    /// Generator CPU per response, µs.
    public var generatorCPUMicrosPerRequest: Double { requests > 0 ? generatorCPUMicros / Double(requests) : 0 }
    /// Generator CPU as a share of (threads × window): 1.0 means every generator thread was busy all the time.
    public var generatorCPUUtilization: Double {
        duration > 0 ? generatorCPUMicros / (Double(run.threads) * duration * 1e6) : 0
    }
    /// Open loop: the achieved rate fell short of the target by more than 5%.
    public var behindSchedule: Bool {
        guard let target = run.targetRate else { return false }
        return requestsPerSecond < 0.95 * target
    }
    /// Generator CPU share (of threads x wall time) at and above which a run is flagged: a loop
    /// busy 85% of the time leaves too little slack to be sure the server set the pace.
    public static let saturationUtilization = 0.85

    /// Why the generator itself (not the server) limited this run; empty if it did not.
    /// Flags generator CPU near its threads x wall time, and open-loop timer sends that fired
    /// more than 1 ms late on average (the loop was too busy to keep the schedule).
    public var saturationReasons: [String] {
        var reasons: [String] = []
        if generatorCPUUtilization >= Self.saturationUtilization {
            reasons.append("generator CPU \(Int(generatorCPUUtilization * 100))% of threads x wall time")
        }
        if lateWakes > 0 && lateWakeMicrosSum / Double(lateWakes) > 1000 {
            reasons.append("open-loop sends fired late by \(Int(lateWakeMicrosSum / Double(lateWakes))) us on average")
        }
        return reasons
    }
    public var generatorSaturated: Bool { !saturationReasons.isEmpty }

    /// Combines results of generator processes that ran at the same time against one server:
    /// counts and histograms add exactly; duration is the longest window; rates add.
    public static func merged(_ parts: [LoadResult]) -> LoadResult? {
        guard var total = parts.first else { return nil }
        total.parts = parts.flatMap { $0.parts.isEmpty ? [Part($0)] : $0.parts }
        total.segment = nil
        total.start = nil
        for p in parts.dropFirst() {
            total.processes += p.processes
            total.duration = max(total.duration, p.duration)
            total.requests += p.requests
            total.requestsPerSecond += p.requestsPerSecond
            total.non2xx += p.non2xx
            total.bodyMismatches += p.bodyMismatches
            total.errors.add(p.errors)
            total.reconnects += p.reconnects
            total.latency.add(p.latency)
            total.failedLatency.add(p.failedLatency)
            if let c = p.correctedLatency {
                if total.correctedLatency == nil { total.correctedLatency = c } else { total.correctedLatency!.add(c) }
            }
            total.missedSends += p.missedSends
            total.generatorCPUMicros += p.generatorCPUMicros
            total.lateWakes += p.lateWakes
            total.lateWakeMicrosSum += p.lateWakeMicrosSum
            total.lateWakeMicrosMax = max(total.lateWakeMicrosMax, p.lateWakeMicrosMax)
            total.run.connections += p.run.connections
            total.run.threads += p.run.threads
            if let r = p.run.targetRate { total.run.targetRate = (total.run.targetRate ?? 0) + r }
            total.sentRequests = total.sentRequests.flatMap { a in p.sentRequests.map { a + $0 } }
            total.intendedSends = total.intendedSends.flatMap { a in p.intendedSends.map { a + $0 } }
        }
        if total.parts.count < 2 { total.parts = [] }
        return total
    }
}

extension LoadResult {
    /// Merges the per-thread stats of one run.
    init(config: LoadConfig, stats: [WorkerStats]) {
        run = RunInfo(
            url: "http://\(config.url.hostHeader)\(config.url.pathAndQuery)", method: config.method,
            connections: config.connections, threads: config.threads, pipeline: config.pipeline,
            targetRate: config.mode.rate, warmupSeconds: config.warmup, timeoutSeconds: config.timeout)
        var success = LatencyHistogram.latency(), failed = LatencyHistogram.latency()
        var corrected = LatencyHistogram.latency()
        var errors = ErrorCounts()
        var window: UInt64 = 0
        var lateMax: UInt64 = 0, lateSum: UInt64 = 0
        for s in stats {
            success.add(s.success); failed.add(s.failed); corrected.add(s.corrected)
            errors.add(s.errors)
            window = max(window, s.windowNanos)
            lateMax = max(lateMax, s.lateNanosMax); lateSum += s.lateNanosSum
        }
        duration = Double(window) / 1e9
        requests = stats.reduce(0) { $0 + $1.requests }
        requestsPerSecond = duration > 0 ? Double(requests) / duration : 0
        non2xx = stats.reduce(0) { $0 + $1.non2xx }
        bodyMismatches = stats.reduce(0) { $0 + $1.bodyMismatches }
        self.errors = errors
        reconnects = stats.reduce(0) { $0 + $1.reconnects }
        latency = success
        failedLatency = failed
        correctedLatency = config.mode.behaviour(connections: config.connections, threads: config.threads, segment: config.segment)
            .correctsLatency ? corrected : nil
        missedSends = stats.reduce(0) { $0 + $1.missedSends }
        generatorCPUMicros = stats.reduce(0) { $0 + $1.cpuMicros }
        lateWakes = stats.reduce(0) { $0 + $1.lateWakes }
        lateWakeMicrosSum = Double(lateSum) / 1000
        lateWakeMicrosMax = Double(lateMax) / 1000
        segment = config.segment
        if let segment {
            run.connections = config.localConnections
            run.targetRate = config.mode.rate.map { $0 * Double(segment.share(of: config.connections)) / Double(config.connections) }
        }
        sentRequests = stats.reduce(0) { $0 + $1.sent }
        intendedSends = config.mode.rate == nil ? nil : stats.reduce(0) { $0 + $1.intendedSends }
    }
}
