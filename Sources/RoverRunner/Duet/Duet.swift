public import RoverScenarios
public import Foundation
import RoverSystem
import RoverLoad
public import RoverReport

/// Settings of the duet phase shared by every process pair.
public struct DuetSettings: Sendable, Codable {
    public var executable: String
    public var serverThreads: Int?
    /// `taskset -c` list both servers share; nil: unpinned.
    public var serverCPUs: String?
    /// CPUs of the two load threads (one per server); nil: unpinned.
    public var loadCPUs: [Int]?
    public var timeout = 2.0
    /// `--instruction-budget` of every server (nil: serve's default; see ``TrialSettings``).
    public var instructionBudget: Int?
    /// A window is dropped when other processes used more than this share of the server CPUs,
    /// the hypervisor stole more than this share, or the load CPUs were busier than this.
    public var maxForeignShare = 0.10
    /// Steal is high under loopback network load on this kind of VM (14–23% per CPU while one
    /// server was loaded, against 0.5% for a pure CPU loop, measured here) and lands on both
    /// sides of a window alike (cpuacct counts only time actually run), so only an extreme
    /// share drops a window; the median per run is reported.
    public var maxStealShare = 0.5
    public var maxLoadBusy = 0.97
    /// Seconds a `--cmd` side may take to accept connections (nil: 20).
    public var readyTimeout: Double?

    public init(executable: String) { self.executable = executable }

    /// The same servers, pinning and timeout as a sweep's trials (the sweep's duet phase).
    public init(_ trials: TrialSettings) {
        executable = trials.executable
        serverThreads = trials.serverThreads
        instructionBudget = trials.instructionBudget
        serverCPUs = trials.serverCPUs
        loadCPUs = trials.loadCPUs
        timeout = trials.timeout
    }

    /// The CPU indexes of `serverCPUs` (every CPU when unpinned).
    var serverCPUList: [Int] {
        serverCPUs.flatMap { CPUList.parse($0, cores: CPUList.all().count) } ?? CPUList.all()
    }
}

/// The duet phase of a sweep: for each comparison, two long-lived `serve` children on the same
/// CPUs, each in its own equal-share cgroup, loaded at the same time from the load CPUs over
/// connections kept open, and measured window by window (CPU ns per request from cpuacct,
/// requests from each server's counters). Both see the same machine at the same moment, so the
/// machine's fast noise cancels in each window's ratio (duet benchmarking, Bulej et al., ICPE 2020).
///
/// The phase runs in stages (``DuetPlan/stages``): after the first, `unsettled` reads every row so
/// far and names the comparisons whose verdicts are not settled, and only those get another
/// stage's process pairs.
///
/// Rows go to pairs.csv as each process pair ends (fsynced; `resume` skips pairs already there).
/// A pair whose server fails to start, answers wrong (before, during or after the load) or exits
/// badly becomes one failed row, and its comparison runs no further pairs. Runs on the calling
/// thread (plus one thread per load).
public struct Duet {
    public var plan: DuetPlan
    public var settings: DuetSettings
    public var scenarios: [Scenario]
    public var directory: RunDirectory
    /// Apps that did not load in their check (``AppCheck``): a pair with such a side is one
    /// failed row with the reason, and no server is started for it.
    public var loadFailures = LoadFailures()

    public init(plan: DuetPlan, settings: DuetSettings, scenarios: [Scenario], directory: RunDirectory) {
        self.plan = plan
        self.settings = settings
        self.scenarios = scenarios
        self.directory = directory
    }

    public var pairsCSV: URL { directory.pairsCSV }

    public struct Event: Sendable {
        public var index: Int
        public var total: Int
        public var rows: [PairRecord]
        /// The stage (0: the first) and, from stage 1 on, how many comparisons it runs.
        public var stage = 0
        public var stageComparisons = 0
    }

    public struct Outcome: Sendable {
        public var ran = 0
        public var skipped = 0
        public var failed = 0
        public var interrupted = false
    }

    /// Runs the plan's stages. `unsettled` names the comparison ids that need more pairs given
    /// every row so far (nil: the first stage only).
    public func run(interrupted: @escaping () -> Bool, unsettled: (([PairRecord]) -> Set<String>)? = nil,
                    onPair: (Event) -> Void) throws -> Outcome {
        var records = try PairLog.read(pairsCSV)
        let done = Set(records.map { "\($0.comparisonID)#\($0.start)" })
        var failedComparisons = Set(records.filter { $0.status == .failed }.map(\.comparisonID))
        let writer = try PairLog.writer(pairsCSV)
        defer { writer.close() }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rover-bench-duet-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var outcome = Outcome()
        var index = 0
        stages: for stage in 0..<plan.stageCount {
            let open: Set<String> = stage == 0 ? [] : unsettled.map { $0(records).subtracting(failedComparisons) } ?? []
            let comparisons = plan.comparisons(inStage: stage, unsettled: open)
            if comparisons.isEmpty { break }
            let steps = plan.order(stage: stage, of: comparisons)
            let total = index + steps.count
            for step in steps {
                index += 1
                if done.contains("\(step.comparison.id)#\(step.start)") { outcome.skipped += 1; continue }
                if failedComparisons.contains(step.comparison.id) { continue }
                if interrupted() { outcome.interrupted = true; break stages }
                // The reference's scenario says what to send and what must come back, for both sides.
                // A command duet's sides are named A and B; their request is the run's one.
                let wanted = step.comparison.reference.external ? Scenario.commandRequest : step.comparison.reference.scenario
                guard let scenario = scenarios.first(where: { $0.name == wanted }) else {
                    throw ScenarioError(message: "no scenario named \(wanted)")
                }
                let pair = DuetPair(step: step, plan: plan, settings: settings, scenario: scenario, scratch: scratch,
                                    loadFailures: loadFailures, aloneWindows: plan.aloneWindows(step))
                let rows = pair.run()
                if interrupted() { outcome.interrupted = true; break stages }  // a pair cut short is not recorded
                try writer.append(lines: rows.map(\.csvRow).joined())
                records += rows
                outcome.ran += 1
                if rows.contains(where: { $0.status == .failed }) {
                    outcome.failed += 1
                    failedComparisons.insert(step.comparison.id)
                }
                onPair(Event(index: index, total: total, rows: rows, stage: stage,
                             stageComparisons: stage == 0 ? 0 : comparisons.count))
            }
        }
        return outcome
    }
}
