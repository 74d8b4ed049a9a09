/// The ok runs of a sweep grouped by cell, plus failure counts: the samples every statistic
/// is computed from.
///
/// Belongs to RoverReport (summary). An immutable value; thread-safe.
public struct RunSet: Sendable {
    /// Ok runs per cell, in input order.
    public let runs: [CellKey: [RunRecord]]
    /// Failed runs per cell (cells whose runs all failed appear only here).
    public let failures: [CellKey: Int]
    /// Each failed run's reason, per cell, in input order.
    public let failureReasons: [CellKey: [String]]
    /// Dropped runs per cell (measured, outside their validity rule: ``RunStatus/dropped``).
    public let dropped: [CellKey: Int]

    public init(_ records: [RunRecord]) {
        var runs: [CellKey: [RunRecord]] = [:]
        var failures: [CellKey: Int] = [:]
        var reasons: [CellKey: [String]] = [:]
        var dropped: [CellKey: Int] = [:]
        for r in records {
            switch r.status {
            case .ok: runs[r.key, default: []].append(r)
            case .failed:
                failures[r.key, default: 0] += 1
                reasons[r.key, default: []].append(r.reason)
            case .dropped: dropped[r.key, default: 0] += 1
            }
        }
        self.runs = runs
        self.failures = failures
        self.failureReasons = reasons
        self.dropped = dropped
    }

    /// Every cell seen, ok, failed or dropped, in ``CellKey`` order (baseline first within a group).
    public var keys: [CellKey] { Set(runs.keys).union(failures.keys).union(dropped.keys).sorted() }

    /// One metric's values over a cell's ok runs.
    public func samples(_ key: CellKey, _ metric: Metric) -> [Double] {
        (runs[key] ?? []).map(metric.value(in:))
    }

    /// `current` against `reference` on `metric` (current / reference) with a bootstrap interval,
    /// and a verdict from the current cell's point of view. `nil` when either cell has no ok runs
    /// or the reference is 0.
    ///
    /// Paired when it can be: if both cells have ok runs in the same repeats (at least two), the
    /// estimate is the geometric mean of the per-repeat ratios with a Student-t interval over
    /// repeats (``PairedTest``: each repeat is one pair). A sweep runs every cell once per round,
    /// so a machine that drifts moves both runs of a round together and the ratio cancels it.
    /// Otherwise it is the ratio of the two medians with a bootstrap interval (no p-value).
    /// The verdict here is unadjusted; ``Summary`` re-judges it with multiplicity-adjusted p.
    public func compare(_ current: CellKey, against reference: CellKey, on metric: Metric,
                        bootstrap: Bootstrap = .default, floor: Double = Verdict.defaultFloor) -> Comparison? {
        let ratio: Estimate?
        var p: Double?
        if let pairs = pairedRatios(current, reference, metric), let test = PairedTest(clusters: pairs.map { [$0] }) {
            ratio = test.estimate
            p = test.p
        } else {
            ratio = bootstrap.ratioOfMedians(samples(current, metric), samples(reference, metric))
        }
        guard let ratio else { return nil }
        var c = Comparison(cell: current, reference: reference, metric: metric, ratio: ratio,
                           verdict: Verdict.judge(ratio, polarity: metric.polarity, floor: floor))
        c.p = p
        c.method = "sequential, n=\(ratio.count) \(p == nil ? "runs, unpaired" : "rounds")"
        return c
    }
}

extension RunSet {
    /// current / reference per repeat, when both cells have ok runs in exactly the same repeats
    /// (at least two) and no reference value is 0; nil otherwise.
    func pairedRatios(_ current: CellKey, _ reference: CellKey, _ metric: Metric) -> [Double]? {
        let a = Dictionary((runs[current] ?? []).map { ($0.repeatIndex, metric.value(in: $0)) }) { x, _ in x }
        let b = Dictionary((runs[reference] ?? []).map { ($0.repeatIndex, metric.value(in: $0)) }) { x, _ in x }
        guard a.count >= 2, Set(a.keys) == Set(b.keys), a.count == (runs[current] ?? []).count,
              b.count == (runs[reference] ?? []).count, b.values.allSatisfy({ $0 != 0 }) else { return nil }
        return a.keys.sorted().map { a[$0]! / b[$0]! }
    }
}

/// One cell against a reference cell on one metric.
public struct Comparison: Codable, Sendable, Equatable {
    public var cell: CellKey
    public var reference: CellKey
    public var metric: Metric
    /// current / reference, with its bootstrap interval.
    public var ratio: Estimate
    public var verdict: Verdict
    /// Two-sided p-value of the paired test (nil when unpaired), and after the sweep's
    /// multiplicity adjustment (``Summary/multiplicity``).
    public var p: Double?
    public var adjustedP: Double?
    /// How it was measured, with its n: "duet, n=20/5 pairs" or "sequential, n=3 rounds".
    public var method: String?

    public init(cell: CellKey, reference: CellKey, metric: Metric, ratio: Estimate, verdict: Verdict) {
        self.cell = cell
        self.reference = reference
        self.metric = metric
        self.ratio = ratio
        self.verdict = verdict
    }

    /// Relative change, e.g. +0.25 for 25% more.
    public var change: Double { ratio.value - 1 }
}
