public import RoverScenarios
import Foundation
import RoverKinds
public import RoverReport

/// Runs a ``LatencyPlan`` into a run folder: calibrates each family's capacity (the reference
/// alone, closed loop; saved to latency.json at once, so a resumed run keeps its rates), then
/// runs one ``Sweep`` per family at its open-loop points. Rows go to the run's runs.csv like
/// every sequential trial (an open-loop cell's id carries its rate), crash-safe and resumable.
///
/// Belongs to RoverRunner. Runs on the calling thread.
public struct LatencyPhase {
    public var plan: LatencyPlan
    public var settings: TrialSettings
    public var scenarios: [Scenario]
    public var directory: RunDirectory
    /// Apps that did not load: their families are not calibrated and their cells are failed rows.
    public var loadFailures = LoadFailures()

    /// `settings` as the sweep's; the phase's own duration and warm-up replace its.
    public init(plan: LatencyPlan, settings: TrialSettings, scenarios: [Scenario], directory: RunDirectory) {
        self.plan = plan
        var s = settings
        s.duration = plan.duration
        s.warmup = plan.warmup
        s.fixedRequests = nil
        self.settings = s
        self.scenarios = scenarios
        self.directory = directory
    }

    /// latency.json of a run, if it has one.
    public static func saved(in directory: RunDirectory) throws -> LatencyPlan? {
        let url = directory.latencyJSON
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do { return try JSONDecoder().decode(LatencyPlan.self, from: Data(contentsOf: url)) } catch {
            throw ScenarioError(message: "\(url.path): unreadable (\(error)); remove it to measure the capacities again")
        }
    }

    public func save() throws { try Self.save(plan, to: directory) }

    /// Writes `plan` as the run's latency.json.
    public static func save(_ plan: LatencyPlan, to directory: RunDirectory) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(plan).write(to: directory.latencyJSON, options: .atomic)
    }

    /// Measures every capacity not yet in the plan: `trials` closed-loop trials of each family's
    /// reference at each connection count, alone on the server CPUs. A family whose calibration
    /// failed gets no latency cells (said in `onNote`).
    public mutating func calibrate(base: SweepPlan, trials: Int = 2, interrupted: () -> Bool,
                                   onNote: (String) -> Void) throws {
        let fm = FileManager.default
        let scratch = fm.temporaryDirectory.appendingPathComponent("rover-bench-cal-\(getpid())").path
        try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: scratch) }
        var calibration = settings
        calibration.duration = max(plan.duration, 1)
        for family in LatencyPlan.families(of: base) {
            for n in plan.connections where !plan.capacities.contains(where: { $0.family == family && $0.connections == n }) {
                if interrupted() { return }
                let cell = plan.reference(family, connections: n)
                if loadFailures.reason(for: cell) != nil { continue }
                guard let scenario = scenarios.first(where: { $0.name == family.scenario }) else { continue }
                var readings: [Double] = []
                for k in 0..<trials {
                    let outcome = Trial(cell: cell, repeatIndex: k, runID: "\(cell.id).calibrate\(k)", scenario: scenario,
                                        settings: calibration, scratch: scratch).run()
                    if outcome.record.status == .ok { readings.append(outcome.record[.rps]) } else {
                        onNote("latency: calibrating \(cell.id) failed: \(outcome.record.reason)")
                    }
                }
                guard let rps = LatencyPlan.capacity(readings) else { continue }
                plan.capacities.append(.init(family: family, connections: n, trials: readings, rps: rps))
                onNote(String(format: "latency: %@ at %d connections: capacity %.0f req/s alone (median of %d); rates %@",
                              "\(family.runtime.rawValue) \(family.scenario)", n, rps, readings.count,
                              plan.fractions.map { "\(LatencyPlan.rate(capacity: rps, fraction: $0))" }.joined(separator: ", ")))
                try save()
            }
        }
        try save()
    }

    /// Runs every family's open-loop trials not yet in runs.csv.
    public func run(base: SweepPlan, interrupted: @escaping () -> Bool, onTrial: (Sweep.Event) -> Void) throws -> Sweep.Outcome {
        var total = Sweep.Outcome(ran: 0, skipped: 0, failed: 0, interrupted: false)
        for p in plan.plans(base: base) {
            var sweep = Sweep(plan: p, settings: settings, scenarios: scenarios, directory: directory)
            sweep.loadFailures = loadFailures
            let outcome = try sweep.run(interrupted: interrupted, onTrial: onTrial)
            total.ran += outcome.ran
            total.skipped += outcome.skipped
            total.failed += outcome.failed
            if outcome.interrupted { total.interrupted = true; break }
        }
        return total
    }
}
