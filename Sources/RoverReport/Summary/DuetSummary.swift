import Foundation

/// The duet phase's statistics: per comparison, CPU per request and req/s of the cell against
/// its reference, paired window by window, with Student-t intervals over process pairs
/// (``PairedTest``), the A/A control of each load group, the effective floor it implies,
/// multiplicity-adjusted verdicts and the windows dropped as contaminated.
///
/// Belongs to RoverReport (summary). Built once from pairs.csv rows, a pure function; exporters
/// only format it. An immutable value; thread-safe.
public struct DuetSummary: Codable, Sendable, Equatable {
    /// One metric of one comparison.
    public struct Test: Codable, Sendable, Equatable {
        public var metric: Metric
        public var test: PairedTest
        public var adjustedP: Double?
        /// The floor this verdict was judged against (the group's effective floor: the margin of
        /// "no difference").
        public var floor: Double
        /// The smallest effect given a direction (`--min-effect`; a control's is its floor).
        /// Optional so that summaries written before it existed still decode.
        public var minEffect: Double?
        public var verdict: Verdict
        /// Whether the verdict stands up to its own uncertainty (``Verdict/isSettled(_:polarity:floor:minEffect:adjustedP:alpha:minimumPairs:)``);
        /// nil in summaries written before it existed.
        public var settled: Bool?

        /// As a ``Comparison`` (for the tables shared with sequential comparisons).
        func comparison(_ row: Row) -> Comparison {
            var c = Comparison(cell: row.cell, reference: row.reference, metric: metric,
                               ratio: test.estimate,
                               verdict: verdict)
            c.p = test.p
            c.adjustedP = adjustedP
            c.method = "duet, n=\(test.pairs)/\(test.clusters) pairs"
            return c
        }
    }

    public struct Row: Codable, Sendable, Equatable {
        public var id: String
        public var isControl: Bool
        public var cell: CellKey
        public var reference: CellKey
        public var cpu: Test?
        public var rps: Test?
        public var okWindows: Int
        public var droppedWindows: Int
        /// Process pairs with data, and the reason of a failed one (the comparison stopped there).
        public var starts: Int
        public var failure: String?
        /// Median CPU µs per request of each side over ok windows (at half a core each).
        public var cellCPUMicros: Double?
        public var refCPUMicros: Double?
    }

    public var rows: [Row]
    /// The nominal floor (`--paired-floor`); each group's effective floor is the larger of this
    /// and its A/A control's bound.
    public var floor: Double
    /// The minimum effect of every directional verdict (`--min-effect`); capped at the group's
    /// floor (the floor when a group has no control).
    public var minEffect: Double?
    public var multiplicity: Multiplicity
    /// Dropped windows by reason.
    public var dropped: [String: Int]
    /// Some A/A control was not "no difference": nothing here is settled.
    public var machineTooNoisy: Bool
    /// Median over all windows of the share of CPU time the hypervisor stole, and of the share
    /// other processes used on the server CPUs: what the machine was like during the run.
    public var medianSteal: Double?
    public var medianForeign: Double?

    public init(records: [PairRecord], floor: Double = Verdict.defaultPairedFloor,
                minEffect: Double = Verdict.defaultPairedMinEffect,
                multiplicity: Multiplicity = .benjaminiHochberg, confidence: Double = 0.95) {
        self.floor = floor
        self.minEffect = minEffect
        self.multiplicity = multiplicity
        var byID: [String: [PairRecord]] = [:]
        for r in records { byID[r.comparisonID, default: []].append(r) }
        var dropped: [String: Int] = [:]
        for r in records where r.status == .dropped {
            for reason in r.reason.split(separator: ";") {
                let key = reason.trimmingCharacters(in: .whitespaces).replacingOccurrences(
                    of: #"\d+%"#, with: "N%", options: .regularExpression)
                dropped[key, default: 0] += 1
            }
        }
        self.dropped = dropped
        medianSteal = Stats.median(records.filter { $0.status != .failed }.map(\.stealShare))
        medianForeign = Stats.median(records.filter { $0.status != .failed }.map(\.foreignShare))
        var rows = byID.values.map { Self.row($0, confidence: confidence) }
        rows.sort { a, b in
            a.reference.group != b.reference.group ? a.reference.group < b.reference.group
                : a.reference != b.reference ? a.reference < b.reference
                : a.isControl != b.isControl ? a.isControl : a.cell < b.cell
        }
        // Each reference's effective floor: the nominal one, or what its A/A control cannot rule out.
        var cpuFloor: [CellKey: Double] = [:], rpsFloor: [CellKey: Double] = [:]
        var noisy = false
        for i in rows.indices where rows[i].isControl {
            let g = rows[i].reference
            cpuFloor[g] = max(floor, rows[i].cpu?.test.bound ?? 0)
            rpsFloor[g] = max(floor, rows[i].rps?.test.bound ?? 0)
            // A control asks one question: is the machine's noise within the margin? So it is judged
            // by equivalence alone (its minimum effect is the floor). A 95% interval of two identical
            // servers excludes 1 in about 5% of runs by chance; that raises the group's floor (its
            // bound) rather than reading as a difference.
            for path in [\Row.cpu, \Row.rps] {
                guard let t = rows[i][keyPath: path] else { continue }
                let v = Verdict.judge(t.test.estimate, polarity: t.metric.polarity, floor: floor)
                rows[i][keyPath: path]?.verdict = v
                rows[i][keyPath: path]?.settled = Verdict.isSettled(t.test.estimate, polarity: t.metric.polarity, floor: floor)
                rows[i][keyPath: path]?.floor = floor
                rows[i][keyPath: path]?.minEffect = floor
                if path == \Row.cpu && v != .noDifference { noisy = true }
            }
        }
        machineTooNoisy = noisy
        // Every comparison's p-values are adjusted together; the controls are not verdicts.
        var tested: [(Int, WritableKeyPath<Row, Test?>)] = []
        for i in rows.indices where !rows[i].isControl {
            for path in [\Row.cpu, \Row.rps] where rows[i][keyPath: path] != nil { tested.append((i, path)) }
        }
        let adjusted = multiplicity.adjust(tested.map { rows[$0.0][keyPath: $0.1]!.test.p })
        for ((i, path), p) in zip(tested, adjusted) {
            var t = rows[i][keyPath: path]!
            let g = rows[i].reference
            t.adjustedP = p
            t.floor = (path == \Row.cpu ? cpuFloor[g] : rpsFloor[g]) ?? floor
            // Without a control to say what the machine resolves, only the floor gives a direction.
            let hasControl = (path == \Row.cpu ? cpuFloor[g] : rpsFloor[g]) != nil
            t.minEffect = hasControl ? min(minEffect, t.floor) : t.floor
            let estimate = t.test.estimate
            t.verdict = t.test.clusters < 3 ? .tooFew
                : Verdict.judge(estimate, polarity: t.metric.polarity, floor: t.floor, minEffect: t.minEffect, adjustedP: p)
            t.settled = t.test.clusters >= 3
                && Verdict.isSettled(estimate, polarity: t.metric.polarity, floor: t.floor, minEffect: t.minEffect, adjustedP: p)
            rows[i][keyPath: path] = t
        }
        self.rows = rows
    }

    private static func row(_ records: [PairRecord], confidence: Double) -> Row {
        let first = records[0]
        let ok = records.filter { $0.status == .ok }
        let clusters = Dictionary(grouping: ok, by: \.start).sorted { $0.key < $1.key }.map(\.value)
        func test(_ metric: Metric, _ value: (PairRecord) -> Double?) -> Test? {
            PairedTest(clusters: clusters.map { $0.compactMap(value) }, confidence: confidence).map {
                Test(metric: metric, test: $0, adjustedP: nil, floor: 0, minEffect: nil, verdict: .tooFew, settled: nil)
            }
        }
        return Row(id: first.comparisonID, isControl: first.kind == .control, cell: first.cell,
                   reference: first.reference, cpu: test(.serverCPU, \.cpuRatio), rps: test(.rps, \.rpsRatio),
                   okWindows: ok.count, droppedWindows: records.filter { $0.status == .dropped }.count,
                   starts: Set(records.filter { $0.status != .failed }.map(\.start)).count,
                   failure: records.first { $0.status == .failed }?.reason,
                   cellCPUMicros: Stats.median(ok.compactMap(\.cellCPUMicrosPerRequest)),
                   refCPUMicros: Stats.median(ok.compactMap(\.refCPUMicrosPerRequest)))
    }

    /// The comparisons (and controls) whose verdict on either metric is not settled yet, and that
    /// did not fail: the ones more process pairs would help.
    public var unsettled: [String] {
        rows.filter { row in
            row.failure == nil && [row.cpu, row.rps].contains { $0.map { $0.settled != true } ?? true }
        }.map(\.id)
    }

    /// The comparison of `cell` (against `reference`; default: the seed's baseline, else any).
    public func row(_ cell: CellKey, against reference: CellKey? = nil) -> Row? {
        let candidates = rows.filter { !$0.isControl && $0.cell == cell }
        if let reference { return candidates.first { $0.reference == reference } }
        return candidates.first { $0.reference == cell.baseline } ?? candidates.first
    }
    /// The A/A control of `reference` (default: the group's seed baseline).
    public func control(_ group: LoadGroup, reference: CellKey? = nil) -> Row? {
        rows.first { row in
            row.isControl && row.reference.group == group && (reference.map { $0 == row.reference } ?? row.reference.isBaseline)
        }
    }

    /// The duet's comparison of `cell` with the seed's baseline on `.serverCPU` or `.rps`, if it
    /// measured one.
    public func comparison(_ cell: CellKey, _ metric: Metric) -> Comparison? {
        guard let row = row(cell, against: cell.baseline) else { return nil }
        switch metric {
        case .serverCPU: return row.cpu.map { $0.comparison(row) }
        case .rps: return row.rps.map { $0.comparison(row) }
        default: return nil
        }
    }
}
