import RoverScenarios
import Foundation
import RoverLoad
import RoverReport
import RoverKinds
import RoverSystem

/// How every trial of a sweep is run (shared settings, not the cell's axes).
public struct TrialSettings: Sendable, Codable {
    /// The `rover-bench` binary whose `serve` subcommand each trial starts.
    public var executable: String
    public var duration: Double
    public var warmup: Double
    public var loadThreads = 1
    /// Server event-loop threads (nil: the server's default).
    public var serverThreads: Int?
    /// `taskset -c` list for the server; nil: unpinned.
    public var serverCPUs: String?
    /// CPUs for the load generator's threads; nil: unpinned.
    public var loadCPUs: [Int]?
    public var timeout = 2.0
    /// Counters pass: each trial answers exactly this many requests (no warm-up, no timing
    /// figure worth reading) and is kept for its deterministic counters. nil: timed trials.
    public var fixedRequests: Int?
    /// `--instruction-budget` of every server (nil: serve's default). 0 drops the budget, which
    /// is what turns LuaJIT's JIT compiler on (count hooks do not run inside compiled traces).
    public var instructionBudget: Int?

    public init(executable: String, duration: Double, warmup: Double) {
        self.executable = executable
        self.duration = duration
        self.warmup = warmup
    }
}

/// One trial of one cell: start a fresh server, check its answer, warm up, measure, read the
/// server's counters, stop it. Every failure (start, wrong answer, crash) becomes a failed row
/// with a reason; nothing here throws past the sweep.
struct Trial {
    let cell: CellKey
    let repeatIndex: Int
    let runID: String
    let scenario: Scenario
    let settings: TrialSettings
    let scratch: String

    struct Outcome {
        var record: RunRecord
        var load: LoadResult?
    }

    func run() -> Outcome {
        var record = RunRecord(runID: runID, key: cell, repeatIndex: repeatIndex)
        // The counters pass counts requests; otherwise the cell's rate says closed or open loop.
        let mode: LoadMode = settings.fixedRequests.map { .fixedCount($0) }
            ?? (cell.rate > 0 ? .openLoop(rate: Double(cell.rate)) : .closedLoop)
        func failed(_ why: String) -> Outcome {
            record.status = .failed
            record.reason = why
            return Outcome(record: record, load: nil)
        }
        let args = ServeServer.arguments(cell: cell, app: scenario.appPath, threads: settings.serverThreads,
                                         instructionBudget: settings.instructionBudget, profile: scenario.profile)
        let server: ServerProcess
        do {
            server = try ServerProcess.start(executable: settings.executable, arguments: args,
                                             cpus: settings.serverCPUs, scratch: scratch)
        } catch {
            return failed("start: \(error)")
        }
        defer { server.stop() }
        // The answer must be right before it is worth measuring: a fast wrong answer is a bug.
        do {
            try ScenarioProbe.checkAnswer(scenario, port: server.port)
        } catch let wrong as ScenarioProbe.Failure {
            return failed(wrong.description)
        } catch {
            return failed(died(server) ?? "probe: \(error) \(server.stderrTail())")
        }
        var config: LoadConfig
        do {
            config = try ScenarioProbe.loadConfig(scenario, port: server.port, connections: cell.connections,
                                                  threads: settings.loadThreads, timeout: settings.timeout, mode: mode)
        } catch {
            return failed("url: \(error)")
        }
        let before: CountersEndpoint.Body, after: CountersEndpoint.Body, load: LoadResult
        do {
            switch mode {
            case .fixedCount:
                config.duration = 120  // a cap only: the count ends the trial; no warm-up
            case .closedLoop, .openLoop:
                if settings.warmup > 0 {
                    var warm = config
                    warm.duration = settings.warmup
                    _ = try runLoad(warm)
                }
                config.duration = settings.duration
            }
            before = try counters(server.port)
            load = try runLoad(config)
            after = try counters(server.port)
        } catch {
            return failed(died(server) ?? "load: \(error)")
        }
        let status = server.stop()
        if status & 0x7f != 0 || (status >> 8) & 0xff != 0 {
            return failed("server exited badly after the load (\(ServerProcess.describe(status))): \(server.stderrTail())")
        }
        record.values = Self.values(load: load, before: before, after: after)
        // A cell that answers errors or wrong bodies fast must not win: the row fails (its
        // figures stay in the row for inspection).
        if let problem = ScenarioProbe.problems(load) {
            record.status = .failed
            record.reason = problem
        }
        return Outcome(record: record, load: load)
    }

    /// "server died (…)" when the server has exited (waiting briefly: a crash and the client's
    /// error race), nil while it is still running.
    private func died(_ server: ServerProcess) -> String? {
        for _ in 0..<50 {
            if let status = server.exitStatus() {
                return "server died (\(ServerProcess.describe(status))): \(server.stderrTail())"
            }
            usleep(10_000)
        }
        return nil
    }

    private func counters(_ port: Int) throws -> CountersEndpoint.Body { try ScenarioProbe.counters(port: port) }

    /// What one trial measured, by metric: the load generator's figures and the server's own
    /// deltas over the app requests it answered in the window. The one place a metric gets its
    /// value (a server counter's metric names its counter, `Metric.serverCounter`).
    static func values(load: LoadResult, before: CountersEndpoint.Body, after: CountersEndpoint.Body) -> [Metric: Double] {
        let n = Double(max(1, Int64(after.server.appRequests) - Int64(before.server.appRequests)))
        func per(_ a: UInt64, _ b: UInt64) -> Double { Double(Int64(bitPattern: a &- b)) / n }
        let switches = { (p: ProcessUsage) in p.voluntaryContextSwitches + p.involuntaryContextSwitches }
        var values = loadValues(load)
        values[.serverCPU] = per(after.process.cpuMicros, before.process.cpuMicros)
        values[.ctxSwitches] = per(switches(after.process), switches(before.process))
        values[.peakRSS] = Double(Int(after.process.maxRSSKiB))
        for metric in Metric.allCases {
            guard let counter = metric.serverCounter else { continue }
            values[metric] = per(after.counters[keyPath: counter], before.counters[keyPath: counter])
        }
        return values
    }

    /// What the load generator measured, by metric: throughput, errors, the corrected latency
    /// (when the load was an open loop) and the generator's own cost. Shared by trials and the
    /// latency duet's sides.
    static func loadValues(_ load: LoadResult) -> [Metric: Double] {
        let lat = LatencySummary(load.correctedLatency ?? load.latency)
        return [
            .duration: load.duration,
            .requests: Double(load.requests),
            .rps: load.requestsPerSecond,
            .errorsConnect: Double(load.errors.connect),
            .errorsRead: Double(load.errors.read),
            .errorsWrite: Double(load.errors.write),
            .errorsTimeout: Double(load.errors.timeout),
            .non2xx: Double(load.non2xx),
            .latMean: lat.mean,
            .latP50: Double(lat.p50),
            .latP90: Double(lat.p90),
            .latP99: Double(lat.p99),
            .latP999: Double(lat.p999),
            .latMax: Double(lat.max),
            .clientCPU: load.generatorCPUMicrosPerRequest,
            .generatorSaturated: load.generatorSaturated ? 1 : 0,
        ]
    }
}
