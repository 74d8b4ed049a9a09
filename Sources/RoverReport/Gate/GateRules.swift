public import RoverKinds

/// The gate's rules, read from a committed JSON file (default `<baseline>/gate.json`).
///
/// Belongs to RoverReport (gate). A value type; thread-safe. Every key is optional:
///
/// ```json
/// {
///   "floor": 0.03,
///   "counters": ["closures_per_req", "lua_allocs_per_req", "lua_bytes_per_req", "handoffs_per_req"],
///   "counter_tolerance": { "relative": 0.01, "absolute": 0.05 },
///   "comparisons": [
///     { "scenario": "params-only", "dispatcher": "mutex-pool",
///       "better": "lazy", "worse": "eager", "metric": "server_cpu_us_per_req" }
///   ],
///   "throughput": { "tolerance": 0.10, "enforce": false },
///   "instruction_tolerance": 0.01,
///   "instruction_tolerance_by_subject": { ".luajit.": 0.05 },
///   "hotpath_tolerance": { "relative": 0, "absolute": 0.05 },
///   "hotpath_tolerance_by_subject": { ".channel.": { "relative": 0, "absolute": 0.1 } }
/// }
/// ```
/// - `counters` (a): per cell, current median vs baseline median must agree within
///   `max(absolute, relative × |baseline|)`; more is a regression, less an improvement.
/// - `comparisons` (b): within the *current* run, cell `better` must beat cell `worse` on
///   `metric` (bootstrap ratio + verdict with `floor`). Fix the other axis: give `dispatcher`
///   to compare contexts, or `context` to compare dispatchers (or say `"axis"` explicitly).
///   `workers`, `connections`, `rate` narrow the load groups; absent = every group of `scenario`.
///   A rule on a deterministic counter is enforced (a tie or the wrong winner is a regression);
///   a rule on a timing metric is advisory unless it says `"enforce": true` (then "slower" is a
///   regression and "cannot tell" is inconclusive, exit 4).
/// - `instruction_tolerance` (d): with `gate --instructions FILE`, each row's exact instructions
///   per request must stay within this fraction of the baseline's `instructions.csv`;
///   `instruction_tolerance_by_subject` gives rows whose subject contains a key that key's
///   tolerance instead (the largest when several match). LuaJIT's counts do not repeat exactly
///   (four runs of one binary, one row: 14,474 to 15,271 instructions per request, where every
///   Lua 5.4 row repeats to the instruction; `Results/luajit-20261202/instructions-repeat.txt`), so its rows get a wider tolerance.
/// - `hotpath_tolerance` (e): with `gate --hotpath FILE`, each row of hot-path counts per request
///   (heap allocations, reads, writes, epoll calls; `Scripts/hotpath.sh`) must stay within
///   `max(absolute, relative × baseline)` of the baseline's `hotpath.csv`, both ways: more is a
///   regression, fewer asks for a refresh. Absolute, because one allocation more per request is
///   what must show whatever the path's size. `hotpath_tolerance_by_subject` gives rows whose
///   subject contains a key that key's tolerance (the largest allowance when several match).
/// - `throughput` (c): current vs baseline median req/s per cell. Advisory (reported, never
///   failing) unless `enforce` is true.
public struct GateRules: Codable, Sendable, Equatable {
    public var floor: Double
    public var counters: [Metric]
    public var counterTolerance: Tolerance
    public var comparisons: [ComparisonRule]
    public var throughput: ThroughputRule
    public var instructionTolerance: Double
    public var instructionToleranceBySubject: [String: Double]
    public var hotpathTolerance: Tolerance
    public var hotpathToleranceBySubject: [String: Tolerance]

    public struct Tolerance: Codable, Sendable, Equatable {
        public var relative: Double
        public var absolute: Double
        public init(relative: Double = 0.01, absolute: Double = 0.05) {
            self.relative = relative
            self.absolute = absolute
        }
        /// Allowed absolute difference around `baseline`.
        public func allowance(around baseline: Double) -> Double { max(absolute, relative * abs(baseline)) }
    }

    public struct ThroughputRule: Codable, Sendable, Equatable {
        public var tolerance: Double
        public var enforce: Bool
        public init(tolerance: Double = 0.10, enforce: Bool = false) {
            self.tolerance = tolerance
            self.enforce = enforce
        }
    }

    public init(floor: Double = Verdict.defaultFloor,
                counters: [Metric] = Metric.allCases.filter(\.isDeterministic),
                counterTolerance: Tolerance = Tolerance(), comparisons: [ComparisonRule] = [],
                throughput: ThroughputRule = ThroughputRule(), instructionTolerance: Double = 0.01,
                instructionToleranceBySubject: [String: Double] = [:],
                hotpathTolerance: Tolerance = Tolerance(relative: 0, absolute: 0.05),
                hotpathToleranceBySubject: [String: Tolerance] = [:]) {
        self.floor = floor
        self.counters = counters
        self.counterTolerance = counterTolerance
        self.comparisons = comparisons
        self.throughput = throughput
        self.instructionTolerance = instructionTolerance
        self.instructionToleranceBySubject = instructionToleranceBySubject
        self.hotpathTolerance = hotpathTolerance
        self.hotpathToleranceBySubject = hotpathToleranceBySubject
    }

    /// The allowed difference per request of one `hotpath.csv` row around its baseline value.
    public func hotpathAllowance(for subject: String, around baseline: Double) -> Double {
        hotpathToleranceBySubject.filter { subject.contains($0.key) }.map { $0.value.allowance(around: baseline) }.max()
            ?? hotpathTolerance.allowance(around: baseline)
    }

    /// The instruction tolerance of one `instructions.csv` row.
    public func instructionTolerance(for subject: String) -> Double {
        instructionToleranceBySubject.filter { subject.contains($0.key) }.map(\.value).max() ?? instructionTolerance
    }

    enum CodingKeys: String, CodingKey {
        case floor, counters, counterTolerance = "counter_tolerance", comparisons, throughput
        case instructionTolerance = "instruction_tolerance"
        case instructionToleranceBySubject = "instruction_tolerance_by_subject"
        case hotpathTolerance = "hotpath_tolerance"
        case hotpathToleranceBySubject = "hotpath_tolerance_by_subject"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GateRules()
        floor = try c.decodeIfPresent(Double.self, forKey: .floor) ?? d.floor
        counters = try c.decodeIfPresent([Metric].self, forKey: .counters) ?? d.counters
        counterTolerance = try c.decodeIfPresent(Tolerance.self, forKey: .counterTolerance) ?? d.counterTolerance
        comparisons = try c.decodeIfPresent([ComparisonRule].self, forKey: .comparisons) ?? []
        throughput = try c.decodeIfPresent(ThroughputRule.self, forKey: .throughput) ?? d.throughput
        instructionTolerance = try c.decodeIfPresent(Double.self, forKey: .instructionTolerance) ?? d.instructionTolerance
        instructionToleranceBySubject = try c.decodeIfPresent([String: Double].self, forKey: .instructionToleranceBySubject) ?? [:]
        hotpathTolerance = try c.decodeIfPresent(Tolerance.self, forKey: .hotpathTolerance) ?? d.hotpathTolerance
        hotpathToleranceBySubject = try c.decodeIfPresent([String: Tolerance].self, forKey: .hotpathToleranceBySubject) ?? [:]
    }
}

/// A same-run comparison rule: `better` should beat `worse` on `metric`.
public struct ComparisonRule: Codable, Sendable, Equatable {
    public enum Axis: String, Codable, Sendable { case context, dispatcher }

    public var scenario: String
    public var context: ContextKind?
    public var dispatcher: DispatcherKind?
    public var workers: Int?
    public var connections: Int?
    public var rate: Int?
    public var axis: Axis?
    public var better: String
    public var worse: String
    public var metric: Metric
    /// Whether the rule can fail the gate; default: only for deterministic counters.
    public var enforce: Bool?

    public init(scenario: String, context: ContextKind? = nil, dispatcher: DispatcherKind? = nil, workers: Int? = nil,
                connections: Int? = nil, rate: Int? = nil, axis: Axis? = nil,
                better: String, worse: String, metric: Metric, enforce: Bool? = nil) {
        self.scenario = scenario
        self.context = context
        self.dispatcher = dispatcher
        self.workers = workers
        self.connections = connections
        self.rate = rate
        self.axis = axis
        self.better = better
        self.worse = worse
        self.metric = metric
        self.enforce = enforce
    }

    /// Enforced rules fail the gate; the others are reported as advisory.
    public var isEnforced: Bool { enforce ?? metric.isDeterministic }

    /// Which strategy `better`/`worse` name: explicit, or the one not fixed by the rule.
    /// `nil` when it cannot be told (both or neither of context and dispatcher given).
    public var resolvedAxis: Axis? {
        if let axis { return axis }
        switch (context, dispatcher) {
        case (nil, .some): return .context
        case (.some, nil): return .dispatcher
        default: return nil
        }
    }

    public func matches(_ group: LoadGroup) -> Bool {
        group.scenario == scenario && (workers ?? group.workers) == group.workers
            && (connections ?? group.connections) == group.connections && (rate ?? group.rate) == group.rate
    }

    /// The two cells this rule compares in `group` (`nil` when `better` or `worse` is not a
    /// kind of the rule's axis, like a cell that was not run).
    public func cells(in group: LoadGroup) -> (better: CellKey, worse: CellKey)? {
        guard let axis = resolvedAxis else { return nil }
        func key(_ name: String) -> CellKey? {
            let ctx = axis == .context ? ContextKind(rawValue: name) : context
            let disp = axis == .dispatcher ? DispatcherKind(rawValue: name) : dispatcher
            guard let ctx, let disp else { return nil }
            return CellKey(scenario: scenario, context: ctx, dispatcher: disp, workers: group.workers,
                           connections: group.connections, rate: group.rate, runtime: group.runtime)
        }
        guard let b = key(better), let w = key(worse) else { return nil }
        return (b, w)
    }

    /// `lazy > eager (mutex-pool)`
    public var title: String {
        let fixed = resolvedAxis == .context ? dispatcher?.rawValue : context?.rawValue
        return "\(better) vs \(worse)" + (fixed.map { " (\($0))" } ?? "")
    }
}
