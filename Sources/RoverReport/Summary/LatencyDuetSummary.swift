/// The latency duet's statistics (latency-duet.csv): per pool cell and open-loop point, its
/// latency against the reference's **in the same process pair** (both at the same rate at the same
/// moment), on mean, p50, p99 and p99.9 (and CPU per request at that rate): the geometric mean of
/// the per-pair ratios with a Student-t interval over pairs (``PairedTest``, one pair a cluster),
/// p-values adjusted across the latency duet (Benjamini–Hochberg), verdicts by the sequential rule
/// (``Verdict/judge(_:polarity:floor:minEffect:adjustedP:alpha:)``, the run's floor).
///
/// Belongs to RoverReport (summary). Pure; an immutable value; thread-safe.
public struct LatencyDuetSummary: Codable, Sendable, Equatable {
    /// Per-cell medians over its ok rows (the reference pooled over every pair it was in).
    public var cells: [CellSummary]
    public var comparisons: [Comparison]
    public var floor: Double
    /// Per pool cell (open-loop point), its process pairs left out as not at steady state
    /// (``RunStatus/dropped``), with each pair's reason; cells with none are absent.
    public var dropped: [Dropped] = []

    /// How a dropped pair's reason begins (the runner writes it, the report reads past it).
    public static let notSteadyPrefix = "not at steady state: "

    /// One point's dropped pairs.
    public struct Dropped: Codable, Sendable, Equatable {
        public var cell: CellKey
        public var reasons: [String]
        public var pairs: Int { reasons.count }
    }

    /// The metrics compared.
    public static let metrics: [Metric] = [.latMean, .latP50, .latP99, .latP999, .serverCPU]

    public init(records: [RunRecord], bootstrap: Bootstrap = .default, floor: Double = Verdict.defaultFloor,
                confidence: Double = 0.95) {
        self.floor = floor
        let set = RunSet(records)
        cells = set.keys.map { CellSummary(key: $0, in: set, bootstrap: bootstrap) }
        // Pairs: a cell's row and the reference row with the same run id, both ok.
        var byRun: [String: [RunRecord]] = [:]
        for r in records where r.status == .ok { byRun[r.runID, default: []].append(r) }
        var droppedRuns: [CellKey: [String: String]] = [:]  // pool cell → run id → reason
        for r in records where r.status == .dropped && !r.key.isBaseline { droppedRuns[r.key, default: [:]][r.runID] = r.reason }
        dropped = droppedRuns.keys.sorted().map { cell in
            Dropped(cell: cell, reasons: droppedRuns[cell]!.sorted { $0.key < $1.key }.map(\.value))
        }
        var comparisons: [Comparison] = []
        let pools = Set(records.map(\.key).filter { !$0.isBaseline }).sorted()
        for cell in pools {
            let pairs = byRun.values.compactMap { rows -> (RunRecord, RunRecord)? in
                guard let c = rows.first(where: { $0.key == cell }), let r = rows.first(where: { $0.key == cell.baseline }) else { return nil }
                return (c, r)
            }.sorted { $0.0.repeatIndex < $1.0.repeatIndex }
            for metric in Self.metrics {
                let ratios = pairs.compactMap { c, r -> Double? in
                    let (a, b) = (metric.value(in: c), metric.value(in: r))
                    return a > 0 && b > 0 ? a / b : nil
                }
                guard let test = PairedTest(clusters: ratios.map { [$0] }, confidence: confidence) else { continue }
                var c = Comparison(cell: cell, reference: cell.baseline, metric: metric, ratio: test.estimate, verdict: .tooFew)
                c.p = test.p
                let left = droppedRuns[cell]?.count ?? 0
                c.method = "latency duet, n=\(test.clusters) pairs" + (left > 0 ? ", \(left) dropped" : "")
                comparisons.append(c)
            }
        }
        Summary.adjust(&comparisons, by: .benjaminiHochberg, floor: floor)
        self.comparisons = comparisons
    }

    /// As a ``Summary`` of its own cells and comparisons (no duet), for the seed's tables.
    public var asSummary: Summary { Summary(cells: cells, comparisons: comparisons, floor: floor) }
}

extension Summary {
    /// A summary of given cells and comparisons (no bootstrap of its own beyond what made them).
    init(cells: [CellSummary], comparisons: [Comparison], floor: Double) {
        self.cells = cells
        self.comparisons = comparisons
        self.bootstrap = .default
        self.floor = floor
    }
}
