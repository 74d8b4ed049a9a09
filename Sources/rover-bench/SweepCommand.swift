import RoverScenarios
import RoverSystem
import ArgumentParser
import Foundation
import RoverEngine
import RoverReport
import RoverRunner
import RoverStrategies
import Synchronization
import RoverKinds

/// Set by SIGINT/SIGTERM; the sweep finishes writing, discards the trial in flight, and stops.

/// `rover-bench sweep`: the A/B matrix, each cell a fresh `serve` child, into Results/<run>/.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run every scenario × context × dispatcher × workers × connections cell, interleaved, and report.",
        discussion: """
        Each trial starts `rover-bench serve` as a child process, checks the scenario's answer, warms up,
        drives it with the built-in load generator, and reads the server's counters. Rows are written as
        trials finish (Ctrl-C keeps them; --resume RUN_DIR continues). Writes runs.csv, summary.csv,
        summary.md, summary.json, report.html, meta.json and hgrm/ into the run folder, and prints summary.md.

        Before it measures, each scenario's app is loaded once per Lua runtime in a `serve --check` child: \
        an app that fails to load (a Lua error, an exit, a signal, or no return within --load-timeout) \
        makes its cells failed rows with the reason, and the sweep goes on.

        Exit codes: 0 done (some cells may have failed: see runs.csv, pairs.csv, summary.md); 1 an app uses \
        what rover-bench refuses (nothing is run); 2 every cell failed; 64 a bad flag, or a --resume folder \
        without a readable plan.json and settings.json; 130 interrupted.
        """)

    /// The exit code of a sweep in which every trial and every process pair failed.
    static let everyCellFailedExitCode: Int32 = 2

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Option(name: .customLong("context"), parsing: .upToNextOption, help: "Context builders (default: all).")
    var contexts: [ContextKind] = []

    @Option(name: .customLong("dispatcher"), parsing: .upToNextOption, help: "Dispatchers (default: all).")
    var dispatchers: [DispatcherKind] = []

    @Option(name: .customLong("lua"), parsing: .upToNextOption,
            help: "Lua runtimes, an axis like the others: \(LuaRuntime.allCases.map(\.rawValue).joined(separator: "|")) (default: lua5.4).")
    var runtimes: [LuaRuntime] = [.lua54]

    @Option(parsing: .upToNextOption, help: "Lua VM counts for the pools (channel always has one). Default: the server's thread count.")
    var workers: [Int] = []

    @Option(parsing: .upToNextOption, help: "Keep-alive connection counts.")
    var connections: [Int] = [64]

    @Option(help: "Measured seconds per trial.")
    var duration: Double = 1.0

    @Option(help: "Warm-up seconds per trial (not measured).")
    var warmup: Double = 0.3

    @Option(help: "Trials per cell, interleaved across cells.")
    var repeats: Int = 3

    @Option(help: "Open loop at this many requests/s (0: closed loop).")
    var rate: Int = 0

    @OptionGroup var pinning: PinOptions

    @Option(name: .customLong("instruction-budget"),
            help: "Lua instructions a handler may run on every server (default: serve's); 0: no budget, which turns LuaJIT's JIT compiler on (Rover's own configuration).")
    var instructionBudget: Int?

    @Option(help: "Load-generator threads.")
    var loadThreads: Int = 1

    @Option(help: "Server event-loop threads (default: one per server CPU when pinned, else the server's own).")
    var serverThreads: Int?

    @Option(help: "Folder that receives the run folder <timestamp>-<host>.")
    var out: String = "Results"

    @Option(help: "Continue the partial run in this folder (its plan.json decides the cells, its settings.json how they are measured).")
    var resume: String?

    @Option(name: .customLong("load-timeout"), help: "Seconds each app may take to load in its check before the sweep (longer: its cells fail).")
    var loadTimeout: Double = 10

    @Flag(help: "A short sweep for CI: params-only, eager/lazy × channel/mutex-pool, 3 × 1 s.")
    var quick = false

    @OptionGroup var duetOptions: DuetOptions

    @Flag(name: .customLong("no-duet"), help: "Skip the paired, simultaneous cost comparisons (sequential trials only).")
    var noDuet = false

    @Flag(name: .customLong("duet-only"), help: "Only the paired, simultaneous cost comparisons (no sequential trials).")
    var duetOnly = false

    @Option(name: .customLong("latency-fractions"), parsing: .upToNextOption,
            help: "Latency phase: open-loop rates as fractions of the reference's measured capacity (eager + channel closed loop: per side in a duet with itself, or alone with --latency-method sequential).")
    var latencyFractions: [Double] = [0.5, 0.7]

    @Option(name: .customLong("latency-connections"), parsing: .upToNextOption, help: "Latency phase: connection counts (the seed's claims are at 1000).")
    var latencyConnections: [Int] = [64, 1000]

    @Option(name: .customLong("latency-rounds"), help: "Latency phase: rounds (verdicts need at least 10).")
    var latencyRounds = 10

    @Option(name: .customLong("latency-duration"), help: "Latency phase: measured seconds per trial (after --warmup).")
    var latencyDuration = 1.0

    @Option(name: .customLong("latency-method"),
            help: "Latency phase: duet (each pool cell and the reference at once, the same rate each, paired within a process pair) or sequential (each alone, interleaved rounds).")
    var latencyMethod: LatencyPlan.Method = .duet

    @Option(name: .customLong("latency-stages"),
            help: "Latency duet: at most this many stages; after the first, each point whose mean or P99 verdict is not settled gets --latency-rounds more pairs (1: no extra stages).")
    var latencyStages = 2

    @Flag(name: .customLong("no-latency"), help: "Skip the latency phase (the seed's table 2 latency rows: channel vs pool at fixed open-loop rates).")
    var noLatency = false

    @Flag(help: "Every context × dispatcher combination (default without --context/--dispatcher: the seed's and Rover's questions, see the README).")
    var full = false

    /// The default sweep's cells: the seed's current code, its two proposals and both together
    /// (lazy; the mutex pool), what Rover shipped (pooled userdata; one loop with coroutines),
    /// and `affine` with each context, where the duet compares contexts without the channel's noise.
    static let defaultPairs: [SweepPlan.StrategyPair] = [
        .init(.eager, .channel), .init(.lazy, .channel), .init(.eager, .mutexPool), .init(.lazy, .mutexPool),
        .init(.userdata, .coroutine), .init(.eager, .affine), .init(.lazy, .affine), .init(.userdata, .affine),
    ]

    @Flag(help: ArgumentHelp("Untimed counters pass for the gate: every cell once, exactly --counters-requests requests, no warm-up.",
                             discussion: "Deterministic counters (closures, Lua allocations and bytes, hand-offs) for every builder × dispatcher pair in a few seconds per scenario."))
    var counters = false

    @Option(name: .customLong("counters-requests"), help: "Requests per cell in a --counters pass.")
    var countersRequests = 2000

    func validate() throws {
        guard workers.allSatisfy({ (1...64).contains($0) }) else { throw ValidationError("--workers must be in 1...64 (got \(workers))") }
        guard connections.allSatisfy({ (1...10_000).contains($0) }) else { throw ValidationError("--connections must be in 1...10000 (got \(connections))") }
        guard duration > 0, duration <= 600 else { throw ValidationError("--duration must be in (0, 600] seconds (got \(duration))") }
        guard warmup >= 0, warmup <= 600 else { throw ValidationError("--warmup must be in [0, 600] seconds (got \(warmup))") }
        guard loadTimeout > 0, loadTimeout <= 600 else { throw ValidationError("--load-timeout must be in (0, 600] seconds (got \(loadTimeout))") }
        if counters && quick { throw ValidationError("--counters and --quick cannot be combined") }
        if noDuet && duetOnly { throw ValidationError("--no-duet and --duet-only cannot be combined") }
        if let b = instructionBudget { try LuaOptions.validate(budget: b) }

        if counters && rate > 0 { throw ValidationError("--counters runs closed loop; drop --rate") }
        guard (1...1_000_000).contains(countersRequests) else {
            throw ValidationError("--counters-requests must be in 1...1000000 (got \(countersRequests))")
        }
        guard (1...100).contains(repeats) else { throw ValidationError("--repeats must be in 1...100 (got \(repeats))") }
        guard latencyFractions.allSatisfy({ $0 > 0 && $0 <= 2 }) else {
            throw ValidationError("--latency-fractions must be in (0, 2] (got \(latencyFractions))")
        }
        guard latencyConnections.allSatisfy({ (1...10_000).contains($0) }) else {
            throw ValidationError("--latency-connections must be in 1...10000 (got \(latencyConnections))")
        }
        guard (1...5).contains(latencyStages) else { throw ValidationError("--latency-stages must be in 1...5 (got \(latencyStages))") }
        guard (2...100).contains(latencyRounds) else { throw ValidationError("--latency-rounds must be in 2...100 (got \(latencyRounds))") }
        guard latencyDuration > 0, latencyDuration <= 600 else {
            throw ValidationError("--latency-duration must be in (0, 600] seconds (got \(latencyDuration))")
        }
        guard rate >= 0 else { throw ValidationError("--rate must not be negative (got \(rate))") }
        guard (1...64).contains(loadThreads) else { throw ValidationError("--load-threads must be in 1...64 (got \(loadThreads))") }
        if let t = serverThreads, !(1...64).contains(t) { throw ValidationError("--server-threads must be in 1...64 (got \(t))") }
    }

    func run() throws {
        // Its load generators hold a socket per connection (the latency duet: two loads of 1000).
        _ = FileDescriptorLimit.raiseToHardLimit()
        warnIfDebug()
        let catalog = try Scenario.catalog(root: scenarioOptions.scenariosDir)
        let (serverList, loadCPUList) = pinning.resolve()
        let threads = serverThreads ?? pinning.serverCPUCount
        var settings = TrialSettings(executable: selfExecutable(), duration: quick ? 1 : duration, warmup: quick ? 0.3 : warmup)
        if counters { settings.fixedRequests = countersRequests }
        settings.loadThreads = loadThreads
        settings.serverThreads = threads
        settings.instructionBudget = instructionBudget
        settings.serverCPUs = serverList
        settings.loadCPUs = loadCPUList
        let (directory, plan, loadFailures) = try prepare(catalog: catalog, defaultWorkers: threads ?? 2, settings: &settings)
        if let cpus = settings.loadCPUs { CPUList.pinCurrentThread(cpus) }
        Interruption.install()
        let progress = ProgressLine()
        printErr("run folder: \(directory.url.path)  (\(plan.cells.count) cells × \(plan.repeats) repeats)")
        let stop = { Interruption.requested }
        // Planned (and saved) now, so a run interrupted before its latency phase resumes into it.
        let latency = duetOnly ? nil : try latencyPlan(directory, plan)
        if let latency, resume == nil {
            try LatencyPhase(plan: latency, settings: settings, scenarios: catalog, directory: directory).save()
        }
        if let duetPlan = try duetPlan(directory, plan) {
            let duetSettings = DuetSettings(settings)
            printErr("duet: \(duetPlan.shape) × "
                     + "\(duetPlan.windows) windows of \(duetPlan.window) s (first stage about \(Int(duetPlan.measuredSeconds * 1.6)) s)")
            var duet = Duet(plan: duetPlan, settings: duetSettings, scenarios: catalog, directory: directory)
            duet.loadFailures = loadFailures
            let started = monotonicSeconds()
            let result = try duet.run(interrupted: stop, unsettled: duetPlan.unsettled) { progress.show($0, start: started) }
            progress.finish()
            try directory.recordPhase("duet", seconds: monotonicSeconds() - started)
            if result.failed > 0 { printErr("duet: \(result.failed) comparisons failed (see pairs.csv and summary.md)") }
            if result.interrupted { return try finish(directory, progress: progress, interrupted: true) }
        }
        if let latency, latency.resolvedMethod == .duet {
            var phase = LatencyDuet(plan: latency, settings: DuetSettings(settings), scenarios: catalog, directory: directory)
            phase.loadFailures = loadFailures
            printErr("latency duet: \(latency.shape)")
            var started = monotonicSeconds()
            try phase.calibrate(base: plan, interrupted: stop) { printErr($0) }
            try directory.recordPhase("latency calibration", seconds: monotonicSeconds() - started)
            started = monotonicSeconds()
            let more = try phase.run(base: plan, interrupted: stop) { i, n, line in progress.note("latency duet [\(i)/\(n)] \(line)") }
            progress.finish()
            try directory.recordPhase("latency duet", seconds: monotonicSeconds() - started)
            printErr("latency duet: \(more.ran) pairs run, \(more.skipped) already done, \(more.failed) failed")
            if more.interrupted { return try finish(directory, progress: progress, interrupted: true) }
        }
        if !duetOnly {
            var sweep = Sweep(plan: plan, settings: settings, scenarios: catalog, directory: directory)
            sweep.loadFailures = loadFailures
            var started = monotonicSeconds()
            let outcome = try sweep.run(interrupted: stop) { progress.show($0) }
            progress.finish()
            try directory.recordPhase("sequential rounds", seconds: monotonicSeconds() - started)
            printErr("\(outcome.ran) trials run, \(outcome.skipped) already done, \(outcome.failed) failed")
            if outcome.interrupted { return try finish(directory, progress: progress, interrupted: true) }
            if let latency, latency.resolvedMethod == .sequential {
                var phase = LatencyPhase(plan: latency, settings: settings, scenarios: catalog, directory: directory)
                phase.loadFailures = loadFailures
                printErr("latency: \(latency.shape)")
                started = monotonicSeconds()
                try phase.calibrate(base: plan, interrupted: stop) { printErr($0) }
                let more = try phase.run(base: plan, interrupted: stop) { progress.show($0) }
                progress.finish()
                try directory.recordPhase("latency (sequential)", seconds: monotonicSeconds() - started)
                printErr("latency: \(more.ran) trials run, \(more.skipped) already done, \(more.failed) failed")
                return try finish(directory, progress: progress, interrupted: more.interrupted)
            }
            try finish(directory, progress: progress, interrupted: false)
        } else {
            try finish(directory, progress: progress, interrupted: false)
        }
    }

    /// The latency plan of this run (the one being resumed, or a new one); nil when it has no
    /// latency phase: `--no-latency`, `--quick`, `--counters`, an open-loop sweep (`--rate`), or
    /// no `eager` + `channel` with a pool among the cells.
    private func latencyPlan(_ directory: RunDirectory, _ plan: SweepPlan) throws -> LatencyPlan? {
        if resume != nil { return try LatencyPhase.saved(in: directory) }
        guard !noLatency, !quick, !counters, plan.rate == 0, !latencyFractions.isEmpty, !latencyConnections.isEmpty else { return nil }
        let pairs = LatencyPlan.tableTwoPairs(of: plan)
        guard !pairs.isEmpty else { return nil }
        var latency = LatencyPlan(fractions: latencyFractions, connections: latencyConnections, rounds: latencyRounds,
                                  duration: latencyDuration, warmup: warmup, pairs: pairs, seed: plan.shuffleSeed ?? DuetPlan.freshSeed())
        latency.method = latencyMethod
        latency.stages = latencyMethod == .duet ? latencyStages : nil
        return latency
    }

    /// The duet plan of this run (new, or the one being resumed); nil when it has no duet phase.
    private func duetPlan(_ directory: RunDirectory, _ plan: SweepPlan) throws -> DuetPlan? {
        let file = directory.duetJSON
        if resume != nil {
            guard let data = try? Data(contentsOf: file) else { return nil }
            return try JSONDecoder().decode(DuetPlan.self, from: data)
        }
        guard !noDuet, !counters, plan.rate == 0 else { return nil }
        let comparisons = DuetPlan.comparisons(for: plan.cells)
        guard !comparisons.isEmpty else {
            printErr("duet: skipped (no load group includes the eager + channel baseline)")
            return nil
        }
        let duet = duetOptions.plan(comparisons, quick: quick, seed: plan.shuffleSeed ?? duetOptions.resolvedSeed(), aloneByDefault: 10)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(duet).write(to: file)
        return duet
    }

    private func finish(_ directory: RunDirectory, progress: ProgressLine, interrupted: Bool) throws {
        let phases = directory.readPhases()
        if !phases.isEmpty {
            printErr("phases: " + phases.sorted { $0.key < $1.key }.map { String(format: "%@ %.0f s", $0.key, $0.value) }.joined(separator: ", ")
                     + String(format: " (%.1f min)", phases.values.reduce(0, +) / 60))
        }
        // Judged by the rules saved in duet.json (a resumed run keeps the rules it started with).
        let report = try ReportWriter.regenerate(directory)
        if let duet = report.summary.duet, duet.machineTooNoisy {
            printErr("warning: the machine was too noisy for settled verdicts ("
                     + (duet.tooNoisyReasons ?? []).joined(separator: "; ")
                     + "): every verdict is unsettled. Re-run on a quieter machine.")
        }
        print(try String(contentsOf: directory.summaryMarkdown, encoding: .utf8))
        printErr("\(report.summary.cells.count) cells in \(directory.url.path)")
        if interrupted {
            printErr("interrupted: every finished trial is in runs.csv; continue with --resume \(directory.url.path)")
            throw ExitCode(130)
        }
        if try Self.everyCellFailed(directory) {
            printErr("error: every cell failed: no trial and no process pair succeeded (the reasons are in runs.csv, pairs.csv and summary.md)")
            throw ExitCode(Self.everyCellFailedExitCode)
        }
    }

    /// True when the run folder has rows and every one of them (runs.csv and pairs.csv) failed.
    static func everyCellFailed(_ directory: RunDirectory) throws -> Bool {
        let runs = FileManager.default.fileExists(atPath: directory.runsCSV.path)
            ? try RunLog.read(directory.runsCSV).records.map { $0.status == .failed } : []
        let pairs = try PairLog.read(directory.pairsCSV).map { $0.status == .failed }
        let all = runs + pairs
        return !all.isEmpty && !all.contains(false)
    }

    /// The run folder, plan and settings: new ones from the options (`settings` as given), or the
    /// ones being resumed (`settings` replaced by the run's settings.json); and the apps that did
    /// not load in their check.
    private func prepare(catalog: [Scenario], defaultWorkers: Int,
                         settings: inout TrialSettings) throws -> (RunDirectory, SweepPlan, LoadFailures) {
        if let resume {
            let dir = RunDirectory(url: URL(fileURLWithPath: resume))
            guard let data = try? Data(contentsOf: dir.planJSON),
                  let plan = try? JSONDecoder().decode(SweepPlan.self, from: data) else {
                throw ValidationError("--resume \(resume): no plan.json there (not a sweep run folder)")
            }
            settings = try Self.savedSettings(dir, resume: resume)  // a resumed run measures exactly as it started
            return (dir, plan, try checkApps(plan, catalog: catalog, settings: settings))
        }
        let names = scenarioOptions.scenarios.isEmpty
            ? (counters ? ["params-only", "hello", "all-fields"] : ["params-only"]) : scenarioOptions.scenarios
        for name in names where !catalog.contains(where: { $0.name == name }) {
            throw ValidationError("--scenario \(name): no such scenario in \(scenarioOptions.scenariosDir) (have: \(catalog.map(\.name).joined(separator: ", ")))")
        }
        let ctx = contexts.isEmpty ? (quick ? [.eager, .lazy] : ContextKind.allCases) : contexts
        let disp = dispatchers.isEmpty ? (quick ? [.channel, .mutexPool] : DispatcherKind.allCases) : dispatchers
        var plan = SweepPlan(scenarios: names, contexts: ctx, dispatchers: disp,
                             workers: workers.isEmpty ? [defaultWorkers] : workers, connections: connections,
                             rate: rate, repeats: counters ? 1 : repeats)
        if !counters {
            // A fresh randomization per sweep (both phases' orders), recorded in plan.json and
            // duet.json; --seed replays one.
            plan.shuffleSeed = duetOptions.resolvedSeed()
            printErr("seed \(plan.shuffleSeed!) (replay this order with --seed \(plan.shuffleSeed!))")
        }
        let axis = runtimes.reduce(into: [LuaRuntime]()) { if !$0.contains($1) { $0.append($1) } }
        if axis != [.lua54] { plan.runtimes = axis }
        // Without --context/--dispatcher (and without --full, --quick or --counters): the seed's
        // and Rover's questions, not the whole product.
        if contexts.isEmpty && dispatchers.isEmpty && !quick && !full && !counters {
            plan.contexts = Self.defaultPairs.map(\.context).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
            plan.dispatchers = Self.defaultPairs.map(\.dispatcher).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
            plan.strategyPairs = Self.defaultPairs
        }
        let loadFailures = try checkApps(plan, catalog: catalog, settings: settings)  // before any folder is made
        let dir = try RunDirectory.create(in: URL(fileURLWithPath: out))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(plan).write(to: dir.planJSON)
        try encoder.encode(settings).write(to: dir.settingsJSON)
        try dir.writeMeta(RunMeta.collect(buildConfiguration: buildDescription))
        return (dir, plan, loadFailures)
    }

    /// The settings.json of the run being resumed (with this binary as the executable). Missing,
    /// unreadable or undecodable, it stops the sweep: measuring with today's flags instead would
    /// mix two settings in one run folder.
    static func savedSettings(_ dir: RunDirectory, resume: String) throws -> TrialSettings {
        let file = dir.settingsJSON
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            let why = FileManager.default.fileExists(atPath: file.path) ? "cannot be read" : "does not exist"
            throw ValidationError("--resume \(resume): \(file.path) \(why); it holds how the run measures, so the run cannot continue")
        }
        do {
            var saved = try JSONDecoder().decode(TrialSettings.self, from: data)
            saved.executable = selfExecutable()
            return saved
        } catch {
            throw ValidationError("--resume \(resume): \(file.path) is not a sweep's settings (\(Self.describe(error))); the run cannot continue")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: "no \"\(key.stringValue)\""
        case .typeMismatch(_, let c)?, .valueNotFound(_, let c)?:
            "a wrong value at \"\(c.codingPath.map(\.stringValue).joined(separator: "."))\""
        case .dataCorrupted?: "not valid JSON"
        default: "\(error)"
        }
    }

    /// Loads each scenario's app of `plan` once per runtime in a `serve --check` child
    /// (``AppCheck``). An app rover-bench refuses stops the sweep here (exit 1, nothing is run);
    /// one that does not load (a Lua error, an exit, a signal, a hang) is returned, and its cells
    /// become failed rows.
    private func checkApps(_ plan: SweepPlan, catalog: [Scenario], settings: TrialSettings) throws -> LoadFailures {
        var failures = LoadFailures()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rover-bench-check-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for name in plan.scenarios {
            guard let scenario = catalog.first(where: { $0.name == name }) else { continue }
            for runtime in plan.runtimes ?? [.lua54] {
                let label = runtime == .lua54 ? "scenario \(name)" : "scenario \(name) (\(runtime.rawValue))"
                switch AppCheck.run(executable: settings.executable, app: scenario.appPath, runtime: runtime,
                                    instructionBudget: settings.instructionBudget, timeout: loadTimeout, scratch: scratch,
                                    profile: scenario.profile) {
                case .loaded: break
                case .refused(let why):
                    printErr("error: \(label): \(why)")
                    throw ExitCode(1)
                case .failed(let why):
                    printErr("\(label): \(why) (its cells are failed rows)")
                    failures.add(why, scenario: name, runtime: runtime)
                }
            }
        }
        return failures
    }
}

/// This binary's path, for starting `serve` children.
func selfExecutable() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}
