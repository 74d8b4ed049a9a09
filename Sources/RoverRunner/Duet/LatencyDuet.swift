public import RoverScenarios
public import Foundation
import RoverKinds
import RoverLoad
public import RoverReport

/// The latency phase as a duet: each pool cell and the reference (`eager` + `channel`) served
/// **at the same time** on the same server CPUs, each in its own equal-share cgroup, each offered
/// the same fixed rate in an open loop (latency corrected for coordinated omission), one fresh
/// process pair per cell and round, rounds in a fresh random order with the slots swapped every
/// other round. Both sides see the same machine at the same moment, so a noisy second hits both
/// latencies alike and their ratio (paired within the process pair) cancels it, as the cost duet
/// does for CPU per request.
///
/// The rates are fractions of the reference's capacity **in the duet** (``calibrate(base:interrupted:onNote:)``:
/// the reference against a second instance of itself, closed loop, both at once, at the smallest
/// connection count; the median over windows of each side's req/s), so "50%" means half of what
/// one server can answer at half a core.
///
/// Each process pair is two rows of latency-duet.csv (runs.csv's columns): the cell's and the
/// reference's, sharing a run id (`<cell id>#<round>`) and the round as repeat index; a failed
/// pair is two failed rows with the reason. Crash-safe and resumable like runs.csv.
///
/// Belongs to RoverRunner. Runs on the calling thread (plus one thread per load).
public struct LatencyDuet {
    public var plan: LatencyPlan
    public var settings: DuetSettings
    public var scenarios: [Scenario]
    public var directory: RunDirectory
    public var loadFailures = LoadFailures()

    public init(plan: LatencyPlan, settings: DuetSettings, scenarios: [Scenario], directory: RunDirectory) {
        self.plan = plan
        self.settings = settings
        self.scenarios = scenarios
        self.directory = directory
    }

    /// Measures each family's capacity not yet in the plan: one process pair of its reference
    /// against itself, closed loop, both at once, 8 windows, at the **smallest** connection count,
    /// and applies it to every connection count (the same absolute rates at 64 and at 1000
    /// connections); saved at once.
    ///
    /// Why not measure at 1000 too: there the channel's closed-loop throughput in a duet is
    /// bimodal on this kind of machine (E3 host, Dec 5, five calibrations of one binary: 5.0k, 6.4k,
    /// 19.8k, 20.0k, 33.2k per side, against 29.7k to 30.6k at 64 connections in four), and a rate
    /// set from the high mode overloads both servers in an open loop, where no batching helps.
    public mutating func calibrate(base: SweepPlan, interrupted: () -> Bool, onNote: (String) -> Void) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rover-bench-lcal-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        guard let n = plan.connections.min() else { return }
        for family in LatencyPlan.families(of: base) where !plan.capacities.contains(where: { $0.family == family }) {
            if interrupted() { return }
            let ref = plan.reference(family, connections: n)
            if loadFailures.reason(for: ref) != nil { continue }
            guard let scenario = scenarios.first(where: { $0.name == family.scenario }) else { continue }
            let aa = DuetComparison(kind: .control, cell: ref, reference: ref)
            var calibration = DuetPlan(comparisons: [aa], starts: 1, windows: 8, window: 0.25,
                                       warmup: LatencyPlan.warmup(plan.warmup, connections: n))
            calibration.seed = plan.seed
            let step = DuetPlan.Step(comparison: aa, start: 0, slot: 0)
            let rows = DuetPair(step: step, plan: calibration, settings: settings, scenario: scenario, scratch: scratch,
                                loadFailures: loadFailures).run()
            // Windows dropped as contaminated still say what the server answered: a capacity
            // only sets the rates, so they count when no clean window is left.
            let clean = rows.filter { $0.status == .ok && $0.seconds > 0 }
            let ok = clean.isEmpty ? rows.filter { $0.status == .dropped && $0.seconds > 0 } : clean
            let readings = ok.flatMap { [Double($0.cellRequests) / $0.seconds, Double($0.refRequests) / $0.seconds] }
            guard let rps = LatencyPlan.capacity(readings) else {
                onNote("latency duet: calibrating \(ref.id) failed: \(rows.first?.reason ?? "no window")")
                continue
            }
            for m in plan.connections {
                plan.capacities.append(.init(family: family, connections: m, trials: readings, rps: rps))
            }
            onNote(String(format: "latency duet: %@: capacity %.0f req/s per side at half a core, %d connections (median of %d windows); rates %@ at %@ connections",
                          "\(family.runtime.rawValue) \(family.scenario)", rps, n, readings.count,
                          plan.fractions.map { "\(LatencyPlan.rate(capacity: rps, fraction: $0))" }.joined(separator: ", "),
                          plan.connections.map(String.init).joined(separator: " and ")))
            try LatencyPhase.save(plan, to: directory)
        }
        try LatencyPhase.save(plan, to: directory)
    }

    /// One process pair to run: `cell` against its reference in round `round`.
    public struct Step: Sendable, Equatable {
        public var cell: CellKey
        public var round: Int
        public var runID: String { "\(cell.id)#\(round)" }
    }

    /// Every pair of the plan's first stage, round-major, each round of each family in its own
    /// shuffled order.
    public func steps(base: SweepPlan) -> [Step] {
        let all = plan.plans(base: base).flatMap { p in
            p.trials.filter { !$0.cell.isBaseline }.map { Step(cell: $0.cell, round: $0.repeatIndex) }
        }
        return (0..<plan.rounds).flatMap { r in all.filter { $0.round == r } }  // each round keeps its shuffled order
    }

    /// Stage `stage` (from 1) of `cells`: `rounds` more rounds each, numbered on, every round in a
    /// fresh order.
    public func steps(stage: Int, of cells: [CellKey]) -> [Step] {
        (stage * plan.rounds..<(stage + 1) * plan.rounds).flatMap { r -> [Step] in
            var order = cells.sorted()
            var rng = SplitMix64(seed: plan.seed ^ (UInt64(r) &* 0xA24B_AED4_963E_E407))
            rng.shuffle(&order)
            return order.map { Step(cell: $0, round: r) }
        }
    }

    /// The seed's latency rows: what a later stage must settle.
    public static let stagedMetrics: [Metric] = [.latMean, .latP99]

    /// The cells (open-loop points) whose mean or P99 verdict is not settled (inconclusive or too
    /// few pairs) on `records`, judged as the report judges them, and those with dropped pairs
    /// and too few clean ones for any comparison.
    public static func unsettled(_ records: [RunRecord]) -> [CellKey] {
        let summary = LatencyDuetSummary(records: records)
        let open = summary.comparisons.filter { stagedMetrics.contains($0.metric) && ($0.verdict == .inconclusive || $0.verdict == .tooFew) }
        let compared = Set(summary.comparisons.map(\.cell))
        let emptied = summary.dropped.map(\.cell).filter { !compared.contains($0) }
        return Set(open.map(\.cell) + emptied).sorted()
    }

    /// Runs every pair not yet in latency-duet.csv, stage by stage: stage 0 is the plan's rounds;
    /// each later stage (up to ``LatencyPlan/stageCount``) gives every point whose mean or P99 is
    /// not settled `rounds` more pairs. `onPair` after each (index, total, what happened).
    public func run(base: SweepPlan, interrupted: () -> Bool,
                    onPair: (_ index: Int, _ total: Int, _ line: String) -> Void) throws -> Sweep.Outcome {
        let url = directory.latencyDuetCSV
        var records = FileManager.default.fileExists(atPath: url.path) ? try RunLog.read(url).records : []
        let done = Set(records.map(\.runID))
        let writer = try RunLogWriter(url: url)
        defer { writer.close() }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rover-bench-ldu-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var outcome = Sweep.Outcome(ran: 0, skipped: 0, failed: 0, interrupted: false)
        var index = 0
        stages: for stage in 0..<plan.stageCount {
            let steps = stage == 0 ? steps(base: base) : steps(stage: stage, of: Self.unsettled(records))
            if steps.isEmpty { break }
            let total = index + steps.count
            for step in steps {
                index += 1
                if done.contains(step.runID) { outcome.skipped += 1; continue }
                if interrupted() { outcome.interrupted = true; break stages }
                let rows = try pair(step, scratch: scratch)
                if interrupted() { outcome.interrupted = true; break stages }  // a pair cut short is not recorded
                for row in rows { try writer.append(row) }
                records += rows
                outcome.ran += 1
                if rows[0].status == .failed { outcome.failed += 1 }
                var line = rows[0].status == .failed
                    ? "\(step.cell.id) round \(step.round): failed: \(rows[0].reason)"
                    : String(format: "%@ round %d: p99 %.0f vs %.0f µs", step.cell.id, step.round, rows[0][.latP99], rows[1][.latP99])
                if rows[0].status == .dropped { line += " (dropped: \(rows[0].reason))" }
                onPair(index, total, (stage > 0 ? "stage \(stage + 1) " : "") + line)
            }
        }
        return outcome
    }

    /// One process pair: the cell's row and the reference's (two failed rows with the reason
    /// when the pair failed).
    private func pair(_ step: Step, scratch: String) throws -> [RunRecord] {
        let ref = step.cell.baseline
        guard let scenario = scenarios.first(where: { $0.name == step.cell.scenario }) else {
            throw ScenarioError(message: "no scenario named \(step.cell.scenario)")
        }
        let comparison = DuetComparison(kind: .comparison, cell: step.cell, reference: ref)
        let pair = DuetPair(step: DuetPlan.Step(comparison: comparison, start: step.round, slot: step.round % 2),
                            plan: DuetPlan(comparisons: []), settings: settings, scenario: scenario, scratch: scratch,
                            loadFailures: loadFailures)
        var cellRow = RunRecord(runID: step.runID, key: step.cell, repeatIndex: step.round)
        var refRow = RunRecord(runID: step.runID, key: ref, repeatIndex: step.round)
        let warmup = LatencyPlan.warmup(plan.warmup, connections: step.cell.connections)
        switch pair.runOpenLoop(rate: step.cell.rate, duration: plan.duration, warmup: warmup) {
        case .success(let m):
            cellRow.values = Self.values(m.cell, cpuMicros: m.cellCPUMicros)
            refRow.values = Self.values(m.ref, cpuMicros: m.refCPUMicros)
            // A pair is evidence of latency at this rate only if both sides were at steady state
            // in the window: otherwise both rows are kept, dropped, with the reason.
            let problems = [(step.cell.dispatcher.rawValue, m.cell), (ref.dispatcher.rawValue, m.ref)].compactMap { name, load in
                LatencyPlan.steadyStateProblem(side: name, answered: load.requests, intended: load.intendedSends)
            }
            if !problems.isEmpty {
                let why = problems.joined(separator: "; ")
                (cellRow.status, cellRow.reason) = (.dropped, why)
                (refRow.status, refRow.reason) = (.dropped, why)
            }
        case .failure(let f):
            (cellRow.status, cellRow.reason) = (.failed, f.why)
            (refRow.status, refRow.reason) = (.failed, f.why)
        }
        return [cellRow, refRow]
    }

    /// One side's figures: the load's (``Trial/loadValues(_:)``) and its CPU per request at half a core.
    static func values(_ load: LoadResult, cpuMicros: Double) -> [Metric: Double] {
        var values = Trial.loadValues(load)
        values[.serverCPU] = cpuMicros
        return values
    }
}
