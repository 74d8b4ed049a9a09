import RoverScenarios
import RoverMicro
import ArgumentParser
import Foundation
import RoverEngine
import RoverKinds
import RoverLua
import RoverReport
import RoverRunner
import RoverStrategies

/// `rover-bench micro`: the in-process benchmark (no sockets): ns, closures, Lua allocations and
/// bytes per request for each scenario × context builder, and the plain-C floor for params-only.
struct MicroCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "micro",
        abstract: "In-process benchmark of Engine.handle: each scenario × context builder, interleaved.")

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Option(name: .customLong("context"), parsing: .upToNextOption, help: "Context builders (default: all).")
    var contexts: [ContextKind] = ContextKind.allCases

    @OptionGroup var lua: LuaOptions

    @Option(help: "Rounds per cell (interleaved); the median is reported.")
    var rounds = 7

    @Option(help: "Target milliseconds per cell per round.")
    var roundMs = 40.0

    @Option(help: "Requests per cell per round, fixed (default: sized by --round-ms). For callgrind.")
    var requests: Int?

    @Option(help: "Warm-up requests per cell before the first round.")
    var warmup = 2_000

    @Option(help: "Requests per round of the plain-C floor.")
    var floorRequests = 20_000

    @Option(name: .customLong("floor-mode"), parsing: .upToNextOption, help: "C floor modes: eager, lazy, cached (default: all).")
    var floorModes: [ContextKind] = CFloor.Mode.allCases.map(\.context)

    @Flag(help: "Skip the plain-C floor measurement.")
    var noFloor = false

    @Flag(help: ArgumentHelp("Mark each measured batch for callgrind and list the marks (Scripts/instructions.sh).",
                             discussion: "Prints one line `callgrind-batch SCENARIO CONTEXT REQUESTS` per batch, in order."))
    var callgrindMarks = false

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1 (got \(rounds))") }
        guard roundMs > 0 else { throw ValidationError("--round-ms must be positive (got \(roundMs))") }
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1 (got \(requests))") }
        for m in floorModes where !CFloor.Mode.allCases.map(\.context).contains(m) {
            throw ValidationError("--floor-mode \(m): expected eager, lazy or cached")
        }
        guard floorRequests >= 1 else { throw ValidationError("--floor-requests must be at least 1 (got \(floorRequests))") }
        if callgrindMarks && requests == nil {
            throw ValidationError("--callgrind-marks needs --requests (a fixed batch, so every count is exact)")
        }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative (got \(warmup))") }
    }

    func run() throws {
        warnIfDebug()
        try lua.load()
        let all = try Scenario.catalog(root: scenarioOptions.scenariosDir)
        let chosen = try scenarioOptions.scenarios.isEmpty ? all : scenarioOptions.scenarios.map { name in
            guard let s = all.first(where: { $0.name == name }) else {
                throw ValidationError("--scenario \(name): no such scenario in \(scenarioOptions.scenariosDir) (have: \(all.map(\.name).joined(separator: ", ")))")
            }
            return s
        }
        var config = MicroBench.Config(scenarios: chosen, contexts: contexts)
        config.rounds = rounds
        config.roundMillis = roundMs
        config.fixedBatch = requests
        config.callgrindMarks = callgrindMarks
        config.warmupRequests = max(warmup, 1)
        config.limits = lua.limits
        let rows = try MicroBench(config).run { printErr($0) }
        if callgrindMarks {
            // Batches ran round-major, cell-minor: the same order the rows come in, once per round.
            for _ in 0..<rounds {
                for r in rows { print("callgrind-batch \(r.scenario) \(r.context) \(requests ?? 0)") }
            }
            return
        }
        print(MicroMarkdown.engine(rows), terminator: "")
        guard !noFloor else { return }
        var floors: [(mode: CFloor.Mode, rounds: [CFloor.Result])] = []
        for mode in CFloor.Mode.allCases where floorModes.contains(mode.context) {
            let results = (0..<rounds).map { _ in CFloor.run(mode, requests: floorRequests) }
            guard results.allSatisfy(\.verified) else { throw ValidationError("the C floor did not read back the expected result") }
            floors.append((mode, results))
        }
        print(MicroMarkdown.floor(floors, engine: rows, runtime: lua.runtime.rawValue), terminator: "")
    }
}

