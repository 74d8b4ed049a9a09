/// The ok runs of a sweep grouped by cell, plus failure counts: the samples every statistic
/// is computed from.
///
/// Belongs to RoverReport (summary). An immutable value; thread-safe.
public struct RunSet: Sendable {
    /// Ok runs per cell, in input order.
    public let runs: [CellKey: [RunRecord]]
    /// Failed runs per cell (cells whose runs all failed appear only here).
    public let failures: [CellKey: Int]

    public init(_ records: [RunRecord]) {
        var runs: [CellKey: [RunRecord]] = [:]
        var failures: [CellKey: Int] = [:]
        for r in records {
            switch r.status {
            case .ok: runs[r.key, default: []].append(r)
            case .failed: failures[r.key, default: 0] += 1
            }
        }
        self.runs = runs
        self.failures = failures
    }

    /// Every cell seen, ok or failed, in ``CellKey`` order (baseline first within a group).
    public var keys: [CellKey] { Set(runs.keys).union(failures.keys).sorted() }

    /// One metric's values over a cell's ok runs.
    public func samples(_ key: CellKey, _ metric: Metric) -> [Double] {
        (runs[key] ?? []).map(metric.value(in:))
    }

    /// `current` against `reference` on `metric`: ratio of medians (current / reference) with a
    /// bootstrap interval, and a verdict from the current cell's point of view. `nil` when
    /// either cell has no ok runs or the reference median is 0.
    public func compare(_ current: CellKey, against reference: CellKey, on metric: Metric,
                        bootstrap: Bootstrap = .default, floor: Double = Verdict.defaultFloor) -> Comparison? {
        guard let ratio = bootstrap.ratioOfMedians(samples(current, metric), samples(reference, metric)) else {
            return nil
        }
        return Comparison(cell: current, reference: reference, metric: metric, ratio: ratio,
                          verdict: Verdict.judge(ratio, polarity: metric.polarity, floor: floor))
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
