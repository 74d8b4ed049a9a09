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
        Examples:
          rover-bench duet --scenario params-only --vs params-spin --context lazy --dispatcher affine
          rover-bench duet --scenario params-only --context eager lazy --dispatcher affine
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

    @OptionGroup var duetOptions: DuetOptions
    @OptionGroup var pinning: PinOptions

    func validate() throws {
        guard (1...2).contains(contexts.count), (1...2).contains(dispatchers.count) else {
            throw ValidationError("--context and --dispatcher take one value, or two to compare")
        }
        guard others.isEmpty || (contexts.count == 1 && dispatchers.count == 1) else {
            throw ValidationError("--vs compares apps under one --context and one --dispatcher")
        }
        guard !others.isEmpty || contexts.count == 2 || dispatchers.count == 2 else {
            throw ValidationError("nothing to compare: give --vs SCENARIO, or two --context or two --dispatcher values")
        }
        guard (1...10_000).contains(connections) else { throw ValidationError("--connections must be in 1...10000 (got \(connections))") }
    }

    func run() throws {
        warnIfDebug()
        let catalog = try Scenario.catalog(root: scenariosDir)
        guard let reference = catalog.first(where: { $0.name == scenario }) else {
            throw ValidationError("--scenario \(scenario): no such scenario in \(scenariosDir) (have: \(catalog.map(\.name).joined(separator: ", ")))")
        }
        let (serverList, loadCPUs) = pinning.resolve()
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
        var settings = DuetSettings(executable: selfExecutable())
        settings.serverThreads = pinning.serverCPUCount
        settings.serverCPUs = serverList
        settings.loadCPUs = loadCPUs
        if let loadCPUs { CPUList.pinCurrentThread(loadCPUs) }
        let directory = try RunDirectory.create(in: URL(fileURLWithPath: out))
        try directory.writeMeta(RunMeta.collect(buildConfiguration: isDebugBuild ? "debug" : "release"))
        let plan = duetOptions.plan(comparisons, seed: duetOptions.resolvedSeed())
        printErr("seed \(plan.seed) (replay this order with --seed \(plan.seed))")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(plan).write(to: directory.duetJSON)
        signal(SIGINT) { _ in sweepInterrupted.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in sweepInterrupted.store(true, ordering: .relaxed) }
        printErr("run folder: \(directory.url.path)  (\(plan.shape))")
        let progress = ProgressLine()
        let started = monotonicNow()
        let outcome = try Duet(plan: plan, settings: settings, scenarios: catalog, directory: directory)
            .run(interrupted: { sweepInterrupted.load(ordering: .relaxed) }, unsettled: DuetOptions.unsettled(plan)) { progress.show($0, start: started) }
        progress.finish()
        let report = try ReportWriter.regenerate(directory)
        print(try String(contentsOf: directory.summaryMarkdown, encoding: .utf8))
        if report.summary.duet?.machineTooNoisy == true {
            printErr("warning: the A/A control was not \"no difference\": the machine was too noisy for settled verdicts")
        }
        if outcome.interrupted { throw ExitCode(130) }
    }
}
