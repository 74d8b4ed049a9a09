/// How a load run offers its requests: the one type that says it, and the one switch that maps
/// it to behaviour (``behaviour(connections:threads:)``).
///
/// Belongs to RoverLoad's public API. The CLI's `--rate` / `--requests` become one at the edge
/// (``init(rate:requests:)``); the sweep runner picks one per trial. A plain value, `Sendable`.
public enum LoadMode: Sendable, Equatable {
    /// Each connection sends its next request when the last is answered, until the duration ends.
    case closedLoop
    /// Requests are sent on a schedule, `rate` per second in total, whatever the answers do
    /// (latency is corrected for coordinated omission); needs a duration.
    case openLoop(rate: Double)
    /// Closed loop until exactly this many requests are resolved (answered or failed); the
    /// duration, if any, is only a cap.
    case fixedCount(Int)

    /// From the CLI's options: `--rate` (open loop), `--requests` (fixed count), neither (closed loop).
    public init(rate: Double?, requests: Int?) throws(LoadConfigError) {
        switch (rate, requests) {
        case (nil, nil): self = .closedLoop
        case (let rate?, nil): self = .openLoop(rate: rate)
        case (nil, let n?): self = .fixedCount(n)
        case (.some, .some): throw .invalid("--rate", "cannot be combined with --requests")
        }
    }

    /// The offered rate of an open loop, nil otherwise.
    public var rate: Double? {
        if case .openLoop(let rate) = self { return rate }
        return nil
    }

    /// What the worker threads do under this mode.
    struct Behaviour {
        /// Nanoseconds between one connection's sends (open loop), nil: send on answer.
        var interval: UInt64?
        /// Requests each thread must resolve (fixed count), nil: run by time.
        var budgets: [Int?]
        /// Latency is also recorded from the intended send times (coordinated omission).
        var correctsLatency: Bool
    }

    /// `connections` is the total over all segments (it sets the open-loop interval, as in one
    /// process); a `segment` takes its share of a request budget.
    func behaviour(connections: Int, threads: Int, segment: LoadSegment? = nil) -> Behaviour {
        switch self {
        case .closedLoop:
            return Behaviour(interval: nil, budgets: Array(repeating: nil, count: threads), correctsLatency: false)
        case .openLoop(let rate):
            return Behaviour(interval: UInt64(max(1, 1e9 * Double(connections) / rate)),
                             budgets: Array(repeating: nil, count: threads), correctsLatency: true)
        case .fixedCount(var n):
            if let segment { n = segment.share(of: n) }
            return Behaviour(interval: nil, budgets: (0..<threads).map { n / threads + ($0 < n % threads ? 1 : 0) },
                             correctsLatency: false)
        }
    }

    /// Checks what this mode needs of the rest of `config`; throws naming the option.
    func validate(_ config: LoadConfig) throws(LoadConfigError) {
        switch self {
        case .closedLoop:
            if !(config.duration > 0) {
                throw .invalid("--duration", "must be greater than 0 (got \(config.duration))")
            }
        case .openLoop(let rate):
            if !(rate > 0) || !rate.isFinite { throw .invalid("--rate", "must be greater than 0 (got \(rate))") }
            if !(config.duration > 0) { throw .invalid("--rate", "needs a --duration greater than 0") }
            if config.pipeline != 1 { throw .invalid("--pipeline", "must be 1 with --rate (open loop)") }
        case .fixedCount(let n):
            if n < 1 { throw .invalid("--requests", "must be at least 1 (got \(n))") }
            if config.warmup > 0 { throw .invalid("--requests", "cannot be combined with --warmup") }
        }
    }
}
