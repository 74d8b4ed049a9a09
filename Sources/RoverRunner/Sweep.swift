public import RoverScenarios
import Foundation
import RoverLoad
public import RoverReport

/// Runs a `SweepPlan` into a run folder, crash-safe and resumable.
///
/// Each finished trial is appended to runs.csv at once (fsynced), so an interruption loses only
/// the trial in flight; `resume` skips every (cell, repeat) already in runs.csv. Each trial's
/// load result is kept as `loads/<cell>.r<repeat>.json` (its full histograms), and the cell's
/// `hgrm/<cell>.hgrm` is the exact merge of all its repeats. Runs on the calling thread.
public struct Sweep {
    public var plan: SweepPlan
    public var settings: TrialSettings
    public var scenarios: [Scenario]
    public var directory: RunDirectory
    /// Apps that did not load in their check (``AppCheck``): their trials are failed rows with
    /// the reason, and no server is started for them.
    public var loadFailures = LoadFailures()

    public init(plan: SweepPlan, settings: TrialSettings, scenarios: [Scenario], directory: RunDirectory) {
        self.plan = plan
        self.settings = settings
        self.scenarios = scenarios
        self.directory = directory
    }

    public struct Event: Sendable {
        public var index: Int
        public var total: Int
        public var record: RunRecord
        /// Seconds per trial so far (for an ETA).
        public var secondsPerTrial: Double
    }

    public struct Outcome: Sendable {
        public var ran: Int
        public var skipped: Int
        public var failed: Int
        public var interrupted: Bool
    }

    var loadsDirectory: URL { directory.loadsDirectory }

    /// Runs every trial not yet in runs.csv. `interrupted` is polled before each trial; a trial
    /// that was running when it turned true is discarded rather than recorded.
    public func run(interrupted: @escaping () -> Bool, onTrial: (Event) -> Void) throws -> Outcome {
        let fm = FileManager.default
        try fm.createDirectory(at: directory.hgrmDirectory, withIntermediateDirectories: true)
        try fm.createDirectory(at: loadsDirectory, withIntermediateDirectories: true)
        let existing = fm.fileExists(atPath: directory.runsCSV.path) ? try RunLog.read(directory.runsCSV).records : []
        let done = Set(existing.map { "\($0.cell)#\($0.repeatIndex)" })
        let todo = plan.trials.filter { !done.contains("\($0.cell.id)#\($0.repeatIndex)") }
        let writer = try RunLogWriter(url: directory.runsCSV)
        defer { writer.close() }
        let scratch = fm.temporaryDirectory.appendingPathComponent("rover-bench-\(getpid())").path
        try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: scratch) }
        var outcome = Outcome(ran: 0, skipped: plan.trials.count - todo.count, failed: 0, interrupted: false)
        let start = Date()
        for (i, t) in todo.enumerated() {
            if interrupted() { outcome.interrupted = true; break }
            guard let scenario = scenarios.first(where: { $0.name == t.cell.scenario }) else {
                throw ScenarioError(message: "no scenario named \(t.cell.scenario)")
            }
            let runID = "\(t.cell.id).r\(t.repeatIndex)"
            let result: Trial.Outcome
            if let why = loadFailures.reason(for: t.cell) {
                result = Trial.Outcome(record: RunRecord(runID: runID, key: t.cell, repeatIndex: t.repeatIndex,
                                                         status: .failed, reason: why))
            } else {
                result = Trial(cell: t.cell, repeatIndex: t.repeatIndex, runID: runID,
                               scenario: scenario, settings: settings, scratch: scratch).run()
            }
            if interrupted() { outcome.interrupted = true; break }  // the trial saw the Ctrl-C too
            try writer.append(result.record)
            if let load = result.load { try keep(load, for: t) }
            outcome.ran += 1
            if result.record.status == .failed { outcome.failed += 1 }
            onTrial(Event(index: outcome.skipped + i + 1, total: plan.trials.count, record: result.record,
                          secondsPerTrial: Date().timeIntervalSince(start) / Double(i + 1)))
        }
        return outcome
    }

    /// Saves this trial's load result and rewrites the cell's merged .hgrm.
    private func keep(_ load: LoadResult, for t: SweepPlan.Trial) throws {
        try load.jsonEncoded().write(to: loadsDirectory.appendingPathComponent("\(t.cell.id).r\(t.repeatIndex).json"),
                                     options: .atomic)
        let prefix = t.cell.id + ".r"
        let parts = try FileManager.default.contentsOfDirectory(atPath: loadsDirectory.path)
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }
            .compactMap { try? LoadResult.decode(json: Data(contentsOf: loadsDirectory.appendingPathComponent($0))) }
        guard let merged = LoadResult.merged(parts) else { return }
        let histogram = merged.correctedLatency ?? merged.latency
        try Data(LoadResult.hgrm(histogram).utf8).write(to: directory.hgrm(for: t.cell), options: .atomic)
    }
}
