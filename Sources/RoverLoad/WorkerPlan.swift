public import Histogram

/// Latency histograms as the generator records them: µs, 1 µs to 1 hour, 3 significant digits.
public typealias LatencyHistogram = Histogram<UInt64>

extension Histogram where Count == UInt64 {
    /// An empty latency histogram with the generator's fixed layout (so any two merge exactly).
    public static func latency() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Records `ns` nanoseconds as µs (rounded), clamped into range; `count` times.
    @inline(__always)
    mutating func recordNanos(_ ns: UInt64, count: UInt64 = 1) {
        let us = Swift.min((ns &+ 500) / 1000, highestTrackableValue)
        record(us, count: count)
    }
}

/// What one worker thread is asked to do. Built by `runLoad`, read-only for the worker.
struct WorkerPlan: Sendable {
    var address: SocketAddress
    var request: [UInt8]
    var depth: Int
    var isHead: Bool
    /// Index (within this process) of this worker's first connection, and how many it owns.
    /// A process's connection `k` is connection `segmentOffset + k × segmentStride` of the whole
    /// load (0 and 1 without a segment); that global index sets its open-loop phase.
    var firstConnection: Int
    var connections: Int
    /// Requests this worker must resolve (budget mode), or nil (time mode).
    var budget: Int?
    var start: UInt64
    var measureStart: UInt64
    /// Monotonic ns at which to stop (UInt64.max: only the budget stops it).
    var end: UInt64
    /// Open loop: ns between sends on each connection; and the total connection count (for phases).
    var interval: UInt64?
    var totalConnections: Int
    var timeout: UInt64
    /// Every 2xx body must equal these bytes (nil: bodies are not checked).
    var expectBody: [UInt8]? = nil
    var answered: AnsweredCount? = nil
    var segmentOffset = 0
    var segmentStride = 1

    /// The global index (over all segments) of this worker's `local`-th connection.
    func global(_ local: Int) -> Int { segmentOffset + (firstConnection + local) * segmentStride }
}

/// Error counts by class, in the manner of wrk. Counted, never thrown.
public struct ErrorCounts: Sendable, Codable, Equatable {
    public var connect = 0
    public var read = 0
    public var write = 0
    public var timeout = 0
    public init() {}
    public var total: Int { connect + read + write + timeout }

    mutating func add(_ other: ErrorCounts) {
        connect += other.connect; read += other.read; write += other.write; timeout += other.timeout
    }
}

/// What one worker measured inside its window. Merged by `runLoad` after the threads join.
struct WorkerStats {
    var success = LatencyHistogram.latency()
    var failed = LatencyHistogram.latency()
    var corrected = LatencyHistogram.latency()
    var requests = 0
    var non2xx = 0
    /// 2xx responses whose body differed from the expected bytes.
    var bodyMismatches = 0
    var errors = ErrorCounts()
    var reconnects = 0
    var cpuMicros = 0.0
    var windowNanos: UInt64 = 0
    var lateWakes = 0
    var lateNanosSum: UInt64 = 0
    var lateNanosMax: UInt64 = 0
    var missedSends = 0
    /// Requests written inside the window (each batch counted where it is written).
    var sent = 0
    /// Open loop: sends the schedule intends inside the window (sent on time, late or never).
    var intendedSends = 0
}
