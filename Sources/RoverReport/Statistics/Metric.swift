/// A measured quantity of a run, with its polarity (which direction is better), in the manner
/// of package-benchmark's metrics. The raw value is the runs.csv column name.
///
/// Belongs to RoverReport (statistics). `Sendable` enum.
public enum Metric: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable {
    case rps
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

    public enum Polarity: String, Codable, Sendable {
        case higherIsBetter
        case lowerIsBetter
    }

    /// Throughput is better higher; latency, CPU, counters and memory are better lower.
    public var polarity: Polarity { self == .rps ? .higherIsBetter : .lowerIsBetter }

    /// Counters that do not depend on timing or scheduling: the same code and requests give
    /// the same value, so CI gates them strictly.
    public var isDeterministic: Bool {
        switch self {
        case .closures, .luaAllocs, .luaBytes, .handoffs: true
        default: false
        }
    }

    /// Metrics whose per-cell median gets a bootstrap interval in ``CellSummary``, and which
    /// are compared against the baseline cell with a ratio and a verdict.
    public static let timed: [Metric] = [.rps, .latMean, .latP50, .latP99, .serverCPU]

    public var label: String {
        switch self {
        case .rps: "Throughput"
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
        }
    }

    public var unit: String {
        switch self {
        case .rps: "req/s"
        case .latMean, .latP50, .latP90, .latP99, .latP999, .latMax, .serverCPU, .clientCPU: "µs"
        case .peakRSS: "KiB"
        default: ""
        }
    }

    /// This metric's value in one run.
    public func value(in r: RunRecord) -> Double {
        switch self {
        case .rps: r.rps
        case .latMean: r.latMeanUs
        case .latP50: r.latP50Us
        case .latP90: r.latP90Us
        case .latP99: r.latP99Us
        case .latP999: r.latP999Us
        case .latMax: r.latMaxUs
        case .serverCPU: r.serverCPUUsPerReq
        case .clientCPU: r.clientCPUUsPerReq
        case .closures: r.closuresPerReq
        case .luaAllocs: r.luaAllocsPerReq
        case .luaBytes: r.luaBytesPerReq
        case .handoffs: r.handoffsPerReq
        case .lockWaits: r.lockWaitsPerReq
        case .casRetries: r.casRetriesPerReq
        case .ctxSwitches: r.ctxSwitchesPerReq
        case .peakRSS: Double(r.serverPeakRSSKiB)
        }
    }
}
