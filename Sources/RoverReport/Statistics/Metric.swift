public import RoverSystem

/// The run schema: every quantity a run records, with how it is written, which direction is
/// better (in the manner of package-benchmark's metrics) and how the summary treats it. The raw
/// value is the runs.csv column name.
///
/// Belongs to RoverReport (statistics). `Sendable` enum. The catalog: runs.csv's measurement
/// columns are `allCases` in order (append new cases at the end: the file's column order is
/// append-only, pinned by a test), and every summary and exporter list is derived from the
/// properties below. A new metric is a case here plus its measurement in the runner's trial, or,
/// for a server counter, its counter (`serverCounter`), which the trial reads per app request.
public enum Metric: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable {
    case duration = "duration_s"
    case requests
    case rps
    case errorsConnect = "errors_connect"
    case errorsRead = "errors_read"
    case errorsWrite = "errors_write"
    case errorsTimeout = "errors_timeout"
    case non2xx
    case latMean = "lat_mean_us"
    case latP50 = "lat_p50_us"
    case latP90 = "lat_p90_us"
    case latP99 = "lat_p99_us"
    case latP999 = "lat_p999_us"
    case latMax = "lat_max_us"
    case serverCPU = "server_cpu_us_per_req"
    case clientCPU = "client_cpu_us_per_req"
    case closures = "closures_per_req"
    case luaAllocs = "lua_allocs_per_req"
    case luaBytes = "lua_bytes_per_req"
    case handoffs = "handoffs_per_req"
    case lockWaits = "lock_waits_per_req"
    case casRetries = "cas_retries_per_req"
    case ctxSwitches = "ctx_switches_per_req"
    case peakRSS = "server_peak_rss_kib"
    case generatorSaturated = "generator_saturated"

    public enum Polarity: String, Codable, Sendable {
        case higherIsBetter
        case lowerIsBetter
    }

    /// How a value is written in runs.csv: a whole number, a real (Swift's shortest round-trip
    /// form, so a CSV round trip is exact), or `true`/`false` (stored as 1/0).
    public enum Format: Sendable {
        case int, real, flag
    }

    /// What the summary does with a metric.
    public enum Role: Sendable {
        /// Bookkeeping of the run (duration, counts, errors): recorded, not summarized.
        case run
        /// A per-cell median only.
        case median
        /// A median with a bootstrap interval, compared against the baseline cell.
        case estimated
    }

    /// Throughput is better higher; latency, CPU, counters and memory are better lower.
    public var polarity: Polarity { self == .rps || self == .requests ? .higherIsBetter : .lowerIsBetter }

    public var format: Format {
        switch self {
        case .requests, .errorsConnect, .errorsRead, .errorsWrite, .errorsTimeout, .non2xx, .peakRSS: .int
        case .generatorSaturated: .flag
        default: .real
        }
    }

    public var role: Role {
        switch self {
        case .duration, .requests, .errorsConnect, .errorsRead, .errorsWrite, .errorsTimeout, .non2xx,
             .generatorSaturated: .run
        case .rps, .latMean, .latP50, .latP90, .latP99, .latP999, .serverCPU, .ctxSwitches: .estimated
        default: .median
        }
    }

    /// A server counter's metric: the counter (`GET /__rover/counters`, RoverSystem's wire format)
    /// whose delta per app request over a trial is its value (`Trial.values`); nil for the rest.
    public var serverCounter: KeyPath<CounterSnapshot, UInt64>? {
        switch self {
        case .closures: \.closures
        case .luaAllocs: \.luaAllocs
        case .luaBytes: \.luaBytes
        case .handoffs: \.handoffs
        case .lockWaits: \.lockContended
        case .casRetries: \.casRetries
        default: nil
        }
    }

    /// Counters that do not depend on timing or scheduling: the same code and requests give
    /// the same value, so CI gates them strictly.
    public var isDeterministic: Bool {
        switch self {
        case .closures, .luaAllocs, .luaBytes, .handoffs: true
        default: false
        }
    }

    /// Metrics the summary keeps a median of (``Role/median`` and ``Role/estimated``), in
    /// column order.
    public static let summarized: [Metric] = allCases.filter { $0.role != .run }

    /// Metrics with a bootstrap interval and a comparison against the baseline, in column order.
    public static let estimated: [Metric] = allCases.filter { $0.role == .estimated }

    /// The headline timings: written with their interval in summary.csv.
    public static let timed: [Metric] = [.rps, .latMean, .latP50, .latP99, .serverCPU]

    /// The headline comparisons: written with ratio and verdict in summary.csv.
    public static let headline: [Metric] = [.rps, .serverCPU, .latP99]

    /// The column name without its unit suffix: `server_cpu`, `lat_p99`, `rps`.
    public var stem: String {
        for suffix in ["_us_per_req", "_per_req", "_us", "_kib", "_s"] where rawValue.hasSuffix(suffix) {
            return String(rawValue.dropLast(suffix.count))
        }
        return rawValue
    }

    public var label: String {
        switch self {
        case .duration: "Measured duration"
        case .requests: "Requests"
        case .rps: "Throughput"
        case .errorsConnect: "Connect errors"
        case .errorsRead: "Read errors"
        case .errorsWrite: "Write errors"
        case .errorsTimeout: "Timeouts"
        case .non2xx: "Non-2xx responses"
        case .latMean: "Avg latency"
        case .latP50: "P50 latency"
        case .latP90: "P90 latency"
        case .latP99: "P99 latency"
        case .latP999: "P99.9 latency"
        case .latMax: "Max latency"
        case .serverCPU: "Server CPU per request"
        case .clientCPU: "Client CPU per request"
        case .closures: "Closures created per request"
        case .luaAllocs: "Lua allocations per request"
        case .luaBytes: "Lua bytes per request"
        case .handoffs: "Channel hand-offs per request"
        case .lockWaits: "Lock waits per request"
        case .casRetries: "CAS retries per request"
        case .ctxSwitches: "Context switches per request"
        case .peakRSS: "Server peak RSS"
        case .generatorSaturated: "Load generator saturated"
        }
    }

    public var unit: String {
        switch self {
        case .rps: "req/s"
        case .latMean, .latP50, .latP90, .latP99, .latP999, .latMax, .serverCPU, .clientCPU: "µs"
        case .peakRSS: "KiB"
        case .duration: "s"
        default: ""
        }
    }

    /// This metric's value in one run (0 when the run did not record it).
    public func value(in r: RunRecord) -> Double { r[self] }
}
