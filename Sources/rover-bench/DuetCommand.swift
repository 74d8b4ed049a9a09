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

/// `rover-bench duet`: the paired, simultaneous comparison on its own, for two strategies or two
/// apps. `--vs` names scenarios whose apps answer the reference scenario's request the same way
/// (an app with an added cost, a refactored app): each runs against the reference app under the
/// same context and dispatcher. `--context`/`--dispatcher` with two values compare strategies.
/// Always with an A/A control. Writes pairs.csv and summary.md into a run folder.
struct DuetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duet",
        abstract: "Compare two apps or two strategies side by side on the same CPUs, at the same time (with an A/A control).",
        discussion: """
        Both servers run at once on the server CPUs, each in its own equal-share cgroup, loaded together; \
        several fresh process pairs with the slots swapped; CPU ns per request and req/s per window; \
        Student-t intervals over process pairs; verdicts against max(--paired-floor, the A/A bound).
        With --cmd, any two HTTP/1.1 servers started by shell commands (A, the reference, then B): \
        CPU time from each side's own cgroup (every process it forks included), requests as the load \
        generator saw them answered, and the request and answer given with --path/--expect-* or --request.
        Exit status: 0 done; 1 an error; 2 a comparison failed (a side exited, answered wrong, never listened); 64 a bad flag; 130 interrupted \
        (continue with --resume RUN_DIR).
        Examples:
          rover-bench duet --scenario params-only --vs params-spin --context lazy --dispatcher affine
          rover-bench duet --scenario params-only --context eager lazy --dispatcher affine
          rover-bench duet --cmd 'nginx -p {dir} -c /etc/a.conf -g "daemon off;"' --cmd '…' --path /users/123 --expect-body '{"user_id":"123"}'
        """)

    @Option(name: .long, help: "Folder holding one sub-folder per scenario (app.lua + scenario.json).")
    var scenariosDir = "Scenarios"

    @Option(help: "The reference scenario (its request and expected answer are used for every app).")
    var scenario = "params-only"

    @Option(name: .customLong("vs"), parsing: .upToNextOption, help: "Scenarios whose apps are compared with the reference's.")
    var others: [String] = []

    @Option(name: .customLong("context"), parsing: .upToNextOption, help: "One context, or two (reference first) to compare them.")
    var contexts: [ContextKind] = [.lazy]

    @Option(name: .customLong("dispatcher"), parsing: .upToNextOption, help: "One dispatcher, or two (reference first).")
    var dispatchers: [DispatcherKind] = [.affine]

    @Option(name: .customLong("lua"), help: "Lua runtime of every server: \(LuaRuntime.allCases.map(\.rawValue).joined(separator: "|")).")
    var runtime: LuaRuntime = .lua54

    @Option(help: "Keep-alive connections per server.")
    var connections = 64

    @Option(help: "Folder that receives the run folder <timestamp>-<host>.")
    var out = "Results"

    @Option(help: "Continue an interrupted duet in this run folder (its duet.json and, for --cmd, request.json).")
    var resume: String?

    @OptionGroup var commandDuet: CommandDuetOptions
    @OptionGroup var duetOptions: DuetOptions
    @OptionGroup var pinning: PinOptions

    func validate() throws {
        guard (1...10_000).contains(connections) else { throw ValidationError("--connections must be in 1...10000 (got \(connections))") }
        if resume != nil && commandDuet.isActive { throw ValidationError("--resume continues the run as it was planned: drop --cmd") }
        if commandDuet.isActive || resume != nil {
            guard others.isEmpty, contexts.count == 1, dispatchers.count == 1 else {
                throw ValidationError("--vs and two --context/--dispatcher values compare serve cells; --cmd compares two commands")
            }
            return
        }
        guard (1...2).contains(contexts.count), (1...2).contains(dispatchers.count) else {
            throw ValidationError("--context and --dispatcher take one value, or two to compare")
        }
        guard others.isEmpty || (contexts.count == 1 && dispatchers.count == 1) else {
            throw ValidationError("--vs compares apps under one --context and one --dispatcher")
        }
        guard !others.isEmpty || contexts.count == 2 || dispatchers.count == 2 else {
            throw ValidationError("nothing to compare: give --vs SCENARIO, or two --context or two --dispatcher values")
        }
    }

    func run() throws {
        // Its load generators hold a socket per connection (the latency duet: two loads of 1000).
        _ = FileDescriptorLimit.raiseToHardLimit()
        warnIfDebug()
        let (serverList, loadCPUs) = pinning.resolve()
        var settings = DuetSettings(executable: selfExecutable())
        settings.serverThreads = pinning.serverCPUCount
        settings.serverCPUs = serverList
        settings.loadCPUs = loadCPUs
        if commandDuet.isActive { settings.readyTimeout = commandDuet.readyTimeout }
        if let loadCPUs { CPUList.pinCurrentThread(loadCPUs) }
        let directory: RunDirectory, plan: DuetPlan, scenarios: [Scenario]
        if let resume {
            (directory, plan, scenarios) = try resumed(resume)
        } else {
            let (comparisons, catalog) = commandDuet.isActive ? try commandComparisons() : try strategyComparisons()
            directory = try RunDirectory.create(in: URL(fileURLWithPath: out))
            try directory.writeMeta(RunMeta.collect(buildConfiguration: buildDescription))
            plan = duetOptions.plan(comparisons, seed: duetOptions.resolvedSeed())
            scenarios = catalog
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(plan).write(to: directory.duetJSON)
            if commandDuet.isActive { try encoder.encode(catalog[0]).write(to: directory.requestJSON) }
        }
        printErr("seed \(plan.seed) (replay this order with --seed \(plan.seed))")
        Interruption.install()
        printErr("run folder: \(directory.url.path)  (\(plan.shape))")
        let progress = ProgressLine()
        let started = monotonicSeconds()
        let outcome = try Duet(plan: plan, settings: settings, scenarios: scenarios, directory: directory)
            .run(interrupted: { Interruption.requested }, unsettled: plan.unsettled) { progress.show($0, start: started) }
        progress.finish()
        let report = try ReportWriter.regenerate(directory)
        print(try String(contentsOf: directory.summaryMarkdown, encoding: .utf8))
        if report.summary.duet?.machineTooNoisy == true {
            printErr("warning: the A/A control was not \"no difference\": the machine was too noisy for settled verdicts")
        }
        if outcome.interrupted {
            printErr("interrupted: every finished pair is in pairs.csv; continue with --resume \(directory.url.path)")
            throw ExitCode(130)
        }
        // A duet answers one question: a comparison that failed (a side crashed, answered wrong,
        // never listened) leaves it unanswered, so the run fails, naming each.
        let failed = try PairLog.read(directory.pairsCSV).filter { $0.status == .failed }
        if !failed.isEmpty {
            for r in failed { printErr("error: the comparison \(r.comparisonID) failed: \(r.reason)") }
            throw ExitCode(2)
        }
    }

    /// A command duet's comparisons: the A/A control of A, then B against A; and its request.
    private func commandComparisons() throws -> ([DuetComparison], [Scenario]) {
        let sides = commandDuet.sides
        let scenario = try commandDuet.scenario()
        return ([DuetComparison.commands(cell: nil, reference: sides[0], connections: connections),
                 DuetComparison.commands(cell: sides[1], reference: sides[0], connections: connections)], [scenario])
    }

    /// The run folder, plan and scenarios of an interrupted duet.
    private func resumed(_ path: String) throws -> (RunDirectory, DuetPlan, [Scenario]) {
        let dir = RunDirectory(url: URL(fileURLWithPath: path))
        let plan: DuetPlan
        do { plan = try JSONDecoder().decode(DuetPlan.self, from: Data(contentsOf: dir.duetJSON)) } catch {
            throw ValidationError("--resume \(path): cannot read \(dir.duetJSON.path) (\(error)); it holds the plan, so the run cannot continue")
        }
        if FileManager.default.fileExists(atPath: dir.requestJSON.path) {
            do {
                var s = try JSONDecoder().decode(Scenario.self, from: Data(contentsOf: dir.requestJSON))
                s.name = Scenario.commandRequest
                return (dir, plan, [s])
            } catch {
                throw ValidationError("--resume \(path): cannot read \(dir.requestJSON.path) (\(error))")
            }
        }
        return (dir, plan, try Scenario.catalog(root: scenariosDir))
    }

    /// The strategy or app comparisons of `--scenario`/`--vs`/`--context`/`--dispatcher`, and the catalog.
    private func strategyComparisons() throws -> ([DuetComparison], [Scenario]) {
        let catalog = try Scenario.catalog(root: scenariosDir)
        guard let reference = catalog.first(where: { $0.name == scenario }) else {
            throw ValidationError("--scenario \(scenario): no such scenario in \(scenariosDir) (have: \(catalog.map(\.name).joined(separator: ", ")))")
        }
        let workers = pinning.serverCPUCount ?? 2
        let refKey = CellKey(scenario: scenario, context: contexts[0], dispatcher: dispatchers[0],
                             workers: workers, connections: connections, runtime: runtime)
        var comparisons = [DuetComparison(kind: .control, cell: refKey, reference: refKey)]
        for name in others {
            guard let other = catalog.first(where: { $0.name == name }) else {
                throw ValidationError("--vs \(name): no such scenario in \(scenariosDir)")
            }
            guard other.method == reference.method, other.path == reference.path, other.headers == reference.headers,
                  other.body == reference.body, other.expectStatus == reference.expectStatus,
                  other.expectBody == reference.expectBody, other.expectEncoding == reference.expectEncoding else {
                throw ValidationError("--vs \(name): its scenario.json asks or answers differently from \(scenario)'s")
            }
            let key = CellKey(scenario: name, context: refKey.context, dispatcher: refKey.dispatcher,
                              workers: workers, connections: connections, runtime: runtime)
            comparisons.append(DuetComparison(kind: .comparison, cell: key, reference: refKey, cellApp: other.appPath,
                                              cellProfile: other.profile == reference.profile ? nil : other.profile))
        }
        if contexts.count == 2 || dispatchers.count == 2 {
            let key = refKey.with(context: contexts.last!, dispatcher: dispatchers.last!)
            comparisons.append(DuetComparison(kind: .comparison, cell: key, reference: refKey))
        }
        return (comparisons, catalog)
    }
}
