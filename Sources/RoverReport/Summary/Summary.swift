/// The shared table every exporter formats: one ``CellSummary`` per cell and the comparison of
/// every cell against its baseline cell (`eager` + `channel`, same scenario, workers,
/// connections and rate) on each of ``CellSummary/estimated``.
///
/// Belongs to RoverReport (summary). Built once by ``init(records:bootstrap:floor:)``, a pure
/// function of the records; exporters only format it. An immutable value; thread-safe.
public struct Summary: Codable, Sendable, Equatable {
    /// In ``CellKey`` order: by load group, the baseline first.
    public var cells: [CellSummary]
    /// Non-baseline cells vs their baseline, in cell order then ``CellSummary/estimated`` order.
    /// Missing where the baseline cell has no ok runs.
    public var comparisons: [Comparison]
    public var bootstrap: Bootstrap
    public var floor: Double
    /// How the comparisons' p-values were adjusted before directional verdicts.
    public var multiplicity: Multiplicity? = .benjaminiHochberg
    /// The paired, simultaneous cost comparisons (pairs.csv), when the run had a duet phase.
    public var duet: DuetSummary?
    /// Each duet comparison against the same ratio measured standalone (``DuetValidity``);
    /// nil in summaries written before it existed.
    public var validity: [DuetValidity]?
    /// The latency phase measured as a duet (latency-duet.csv), when the run had one.
    public var latencyDuet: LatencyDuetSummary?

    public init(records: [RunRecord], bootstrap: Bootstrap = .default, floor: Double = Verdict.defaultFloor,
                pairs: [PairRecord] = [], pairedFloor: Double = Verdict.defaultPairedFloor,
                pairedMinEffect: Double = Verdict.defaultPairedMinEffect, latencyPairs: [RunRecord] = []) {
        let set = RunSet(records)
        self.init(set: set, bootstrap: bootstrap, floor: floor)
        if !pairs.isEmpty {
            let d = DuetSummary(records: pairs, floor: pairedFloor, minEffect: pairedMinEffect)
            duet = d
            let checks = Self.validity(d, set, pairs: pairs)
            validity = checks.isEmpty ? nil : checks
        }
        if !latencyPairs.isEmpty { latencyDuet = LatencyDuetSummary(records: latencyPairs, bootstrap: bootstrap, floor: floor) }
    }

    public init(set: RunSet, bootstrap: Bootstrap = .default, floor: Double = Verdict.defaultFloor) {
        self.bootstrap = bootstrap
        self.floor = floor
        cells = set.keys.map { CellSummary(key: $0, in: set, bootstrap: bootstrap) }
        var comparisons = cells.filter { !$0.key.isBaseline }.flatMap { cell in
            CellSummary.estimated.compactMap { metric in
                set.compare(cell.key, against: cell.key.baseline, on: metric, bootstrap: bootstrap, floor: floor)
            }
        }
        Self.adjust(&comparisons, by: .benjaminiHochberg, floor: floor)
        self.comparisons = comparisons
    }

    /// Adjusts the p-values of every comparison that has one (the ones that could be directional)
    /// together, and re-judges those verdicts with the adjusted p.
    static func adjust(_ comparisons: inout [Comparison], by method: Multiplicity, floor: Double) {
        let tested = comparisons.indices.filter { comparisons[$0].p != nil }
        let adjusted = method.adjust(tested.map { comparisons[$0].p! })
        for (k, i) in tested.enumerated() {
            comparisons[i].adjustedP = adjusted[k]
            comparisons[i].verdict = Verdict.judge(comparisons[i].ratio, polarity: comparisons[i].metric.polarity,
                                                   floor: floor, adjustedP: adjusted[k])
        }
    }

    public func cell(_ key: CellKey) -> CellSummary? { cells.first { $0.key == key } }

    /// The comparison a reader should see for `key` on `metric`: the duet's paired one for CPU
    /// per request and req/s when the run measured it, else the sequential one.
    public func bestComparison(_ key: CellKey, _ metric: Metric) -> Comparison? {
        duet?.comparison(key, metric) ?? comparison(key, metric)
    }

    /// `key` against its baseline on `metric`, if computed.
    public func comparison(_ key: CellKey, _ metric: Metric) -> Comparison? {
        comparisons.first { $0.cell == key && $0.metric == metric }
    }

    /// Load groups present, sorted.
    public var groups: [LoadGroup] { Array(Set(cells.map(\.key.group))).sorted() }

    public func cells(in group: LoadGroup) -> [CellSummary] { cells.filter { $0.key.group == group } }
}

