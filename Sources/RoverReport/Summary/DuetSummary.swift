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
        /// Median over ok windows of each side's mechanism counters per request (nil where not
        /// recorded): context switches, and Lua-thread wake-ups (`channel`).
        public var cellSwitches: Double?
        public var refSwitches: Double?
        public var cellWakes: Double?
        public var refWakes: Double?
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
    /// Some A/A control was not "no difference" under the comparisons' rule, or had no usable
    /// pairs: nothing here is settled (every test's `settled` is false).
    public var machineTooNoisy: Bool
    /// Why, one line per control (nil in summaries written before it existed).
    public var tooNoisyReasons: [String]?
    /// Median over all windows of the share of CPU time the hypervisor stole, and of the share
    /// other processes used on the server CPUs: what the machine was like during the run.
    public var medianSteal: Double?
    public var medianForeign: Double?

    public init(records all: [PairRecord], floor: Double = Verdict.defaultPairedFloor,
                minEffect: Double = Verdict.defaultPairedMinEffect,
                multiplicity: Multiplicity = .benjaminiHochberg, confidence: Double = 0.95) {
        // Alone windows are the validity check's (``DuetValidity``), not the duet's.
        let records = all.filter { $0.kind != .alone }
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
        var noisy: [String] = []
        // A control is judged by the comparisons' own rule (the minimum effect on the interval,
        // p adjusted over the controls), so an A/A that would read "faster" or "slower" as a
        // comparison cannot pass; and it must also read "no difference" (its whole interval
        // within the floor). Anything else marks the run too noisy. Its bound raises its group's
        // floor; a control with no usable pairs raises nothing and marks the run too noisy.
        let controls = rows.indices.filter { rows[$0].isControl }
        var controlTests: [(Int, WritableKeyPath<Row, Test?>)] = []
        for i in controls {
            for path in [\Row.cpu, \Row.rps] where rows[i][keyPath: path] != nil { controlTests.append((i, path)) }
            if rows[i].cpu == nil {
                noisy.append("the A/A control of \(rows[i].reference.id) has no usable pairs"
                             + (rows[i].failure.map { " (\($0))" } ?? ""))
            }
        }
        let controlP = multiplicity.adjust(controlTests.map { rows[$0.0][keyPath: $0.1]!.test.p })
        for ((i, path), p) in zip(controlTests, controlP) {
            var t = rows[i][keyPath: path]!
            let g = rows[i].reference
            if path == \Row.cpu { cpuFloor[g] = max(floor, t.test.bound) } else { rpsFloor[g] = max(floor, t.test.bound) }
            t.adjustedP = p
            t.floor = floor
            t.minEffect = minEffect
            t.verdict = t.test.clusters < 3 ? .tooFew
                : Verdict.judge(t.test.estimate, polarity: t.metric.polarity, floor: floor, minEffect: minEffect, adjustedP: p)
            t.settled = t.test.clusters >= 3
                && Verdict.isSettled(t.test.estimate, polarity: t.metric.polarity, floor: floor, minEffect: minEffect, adjustedP: p)
            if path == \Row.cpu && t.verdict != .noDifference {
                noisy.append("the A/A control of \(g.id) read \(t.verdict.rawValue) (CPU per request)")
            }
            rows[i][keyPath: path] = t
        }
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
        // A too-noisy run settles nothing: every verdict is unsettled (tables, summary.json, the
        // stages that give unsettled comparisons more pairs, agreement counts).
        if !noisy.isEmpty {
            for i in rows.indices {
                for path in [\Row.cpu, \Row.rps] where rows[i][keyPath: path] != nil { rows[i][keyPath: path]?.settled = false }
            }
        }
        machineTooNoisy = !noisy.isEmpty
        tooNoisyReasons = noisy
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
                   refCPUMicros: Stats.median(ok.compactMap(\.refCPUMicrosPerRequest)),
                   cellSwitches: Stats.median(ok.compactMap(\.cellSwitchesPerRequest)),
                   refSwitches: Stats.median(ok.compactMap(\.refSwitchesPerRequest)),
                   cellWakes: Stats.median(ok.compactMap(\.cellWakesPerRequest)),
                   refWakes: Stats.median(ok.compactMap(\.refWakesPerRequest)))
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
