public import RoverKinds

/// One row of `runs.csv`: everything measured in one run (one trial) of one cell.
///
/// Belongs to RoverReport (records). Written by the sweep runner as soon as a trial ends
/// (see ``RunLogWriter``) and read back by the summary, the exporters and the gate.
/// A plain value type: `Sendable`, freely copied between threads.
///
/// CSV columns, in this order (``RunRecord/columns``), all snake_case and stable:
///
/// | column | type | meaning |
/// |---|---|---|
/// | run_id | text | unique id of the run within the sweep (the runner chooses it) |
/// | cell | text | ``CellKey/id`` of the cell, e.g. `params-only.lazy.mutex-pool.w2.c64` |
/// | scenario, context, dispatcher | text | the cell's axes |
/// | workers, connections | int | the cell's axes |
/// | rate | int | requests/s for an open-loop run; 0 = closed loop |
/// | repeat | int | 0-based repetition index of this cell |
/// | status | `ok` \| `failed` | a failed run keeps its row, with `reason`, and is left out of statistics |
/// | reason | text | why the run failed; empty when ok |
/// | duration_s | real | measured (post warm-up) duration |
/// | requests, rps | int, real | completed requests and requests per second |
/// | errors_connect, errors_read, errors_write, errors_timeout, non2xx | int | generator error counts |
/// | lat_mean_us … lat_max_us | real | client latency: mean, p50, p90, p99, p99.9, max (µs) |
/// | server_cpu_us_per_req, client_cpu_us_per_req | real | user+sys CPU per completed request (µs) |
/// | closures_per_req … ctx_switches_per_req | real | server counters divided by requests |
/// | server_peak_rss_kib | int | server max RSS |
/// | generator_saturated | `true` \| `false` | the load generator, not the server, was the bottleneck |
///
/// Reals are written with Swift's shortest round-trip form, so a CSV round trip is exact.
public struct RunRecord: Codable, Sendable, Equatable {
    public var runID: String
    public var cell: String
    public var scenario: String
    public var context: ContextKind
    public var dispatcher: DispatcherKind
    public var workers: Int
    public var connections: Int
    public var rate: Int
    public var repeatIndex: Int
    public var status: RunStatus
    public var reason: String
    public var durationSeconds: Double
    public var requests: Int
    public var rps: Double
    public var errorsConnect: Int
    public var errorsRead: Int
    public var errorsWrite: Int
    public var errorsTimeout: Int
    public var non2xx: Int
    public var latMeanUs: Double
    public var latP50Us: Double
    public var latP90Us: Double
    public var latP99Us: Double
    public var latP999Us: Double
    public var latMaxUs: Double
    public var serverCPUUsPerReq: Double
    public var clientCPUUsPerReq: Double
    public var closuresPerReq: Double
    public var luaAllocsPerReq: Double
    public var luaBytesPerReq: Double
    public var handoffsPerReq: Double
    public var lockWaitsPerReq: Double
    public var casRetriesPerReq: Double
    public var ctxSwitchesPerReq: Double
    public var serverPeakRSSKiB: Int
    public var generatorSaturated: Bool

    /// A record for `key`, every measurement zero: the runner fills in what it measured.
    public init(runID: String, key: CellKey, repeatIndex: Int, status: RunStatus = .ok, reason: String = "") {
        self.runID = runID
        self.cell = key.id
        self.scenario = key.scenario
        self.context = key.context
        self.dispatcher = key.dispatcher
        self.workers = key.workers
        self.connections = key.connections
        self.rate = key.rate
        self.repeatIndex = repeatIndex
        self.status = status
        self.reason = reason
        durationSeconds = 0; requests = 0; rps = 0
        errorsConnect = 0; errorsRead = 0; errorsWrite = 0; errorsTimeout = 0; non2xx = 0
        latMeanUs = 0; latP50Us = 0; latP90Us = 0; latP99Us = 0; latP999Us = 0; latMaxUs = 0
        serverCPUUsPerReq = 0; clientCPUUsPerReq = 0
        closuresPerReq = 0; luaAllocsPerReq = 0; luaBytesPerReq = 0; handoffsPerReq = 0
        lockWaitsPerReq = 0; casRetriesPerReq = 0; ctxSwitchesPerReq = 0
        serverPeakRSSKiB = 0; generatorSaturated = false
    }

    /// The cell this run belongs to, rebuilt from the axis columns.
    public var key: CellKey {
        CellKey(scenario: scenario, context: context, dispatcher: dispatcher,
                workers: workers, connections: connections, rate: rate)
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", cell, scenario, context, dispatcher, workers, connections, rate
        case repeatIndex = "repeat", status, reason
        case durationSeconds = "duration_s", requests, rps
        case errorsConnect = "errors_connect", errorsRead = "errors_read"
        case errorsWrite = "errors_write", errorsTimeout = "errors_timeout", non2xx
        case latMeanUs = "lat_mean_us", latP50Us = "lat_p50_us", latP90Us = "lat_p90_us"
        case latP99Us = "lat_p99_us", latP999Us = "lat_p999_us", latMaxUs = "lat_max_us"
        case serverCPUUsPerReq = "server_cpu_us_per_req", clientCPUUsPerReq = "client_cpu_us_per_req"
        case closuresPerReq = "closures_per_req", luaAllocsPerReq = "lua_allocs_per_req"
        case luaBytesPerReq = "lua_bytes_per_req", handoffsPerReq = "handoffs_per_req"
        case lockWaitsPerReq = "lock_waits_per_req", casRetriesPerReq = "cas_retries_per_req"
        case ctxSwitchesPerReq = "ctx_switches_per_req", serverPeakRSSKiB = "server_peak_rss_kib"
        case generatorSaturated = "generator_saturated"
    }
}

/// Outcome of one run. Failed runs are recorded (with a reason) but excluded from statistics.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case ok
    case failed
}
