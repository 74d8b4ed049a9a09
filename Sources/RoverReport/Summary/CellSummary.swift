/// Per-cell statistics: medians with bootstrap intervals for the timed metrics, medians of the
/// counters, coefficients of variation, and run counts.
///
/// Belongs to RoverReport (summary). An immutable-by-convention value; thread-safe.
public struct CellSummary: Codable, Sendable, Equatable {
    public var key: CellKey
    public var okRuns: Int
    public var failedRuns: Int
    /// Ok runs in which the load generator, not the server, was the bottleneck.
    public var saturatedRuns: Int
    /// Median + 95% bootstrap interval for each of ``Metric/estimated`` (absent when no ok runs).
    public var estimates: [Metric: Estimate]
    /// Median over ok runs of every ``Metric/summarized`` metric (absent when no ok runs).
    public var medians: [Metric: Double]
    /// Coefficient of variation of throughput and of server CPU per request (needs ≥ 2 runs).
    public var cvRps: Double?
    public var cvServerCPU: Double?

    /// Metrics that get an interval, and a ratio + verdict against the baseline cell.
    public static var estimated: [Metric] { Metric.estimated }

    public init(key: CellKey, in set: RunSet, bootstrap: Bootstrap = .default) {
        self.key = key
        okRuns = set.runs[key]?.count ?? 0
        failedRuns = set.failures[key] ?? 0
        saturatedRuns = (set.runs[key] ?? []).filter(\.generatorSaturated).count
        var estimates: [Metric: Estimate] = [:]
        for m in Self.estimated { estimates[m] = bootstrap.median(set.samples(key, m)) }
        self.estimates = estimates
        var medians: [Metric: Double] = [:]
        for m in Metric.summarized { medians[m] = Stats.median(set.samples(key, m)) }
        self.medians = medians
        cvRps = Stats.coefficientOfVariation(set.samples(key, .rps))
        cvServerCPU = Stats.coefficientOfVariation(set.samples(key, .serverCPU))
    }

    public func estimate(_ metric: Metric) -> Estimate? { estimates[metric] }
    public func median(_ metric: Metric) -> Double? { medians[metric] }

    public var rps: Estimate? { estimates[.rps] }
    public var latP50: Estimate? { estimates[.latP50] }
    public var latP99: Estimate? { estimates[.latP99] }
    public var serverCPU: Estimate? { estimates[.serverCPU] }
}

