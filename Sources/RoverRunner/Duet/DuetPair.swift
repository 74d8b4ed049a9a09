import RoverScenarios
import Foundation
import Glibc
import RoverLoad
import RoverReport
import RoverKinds
import RoverSystem

/// One process pair of a duet: start both servers (in slot order) in their own cgroups, check
/// both answers, load both at once, sample every window, stop, check again. Returns the pair's
/// window rows, or one failed row saying why.
struct DuetPair {
    let step: DuetPlan.Step
    let plan: DuetPlan
    let settings: DuetSettings
    let scenario: Scenario
    let scratch: String
    /// Sides whose app did not load in its check fail the pair before any server starts.
    var loadFailures = LoadFailures()

    /// One server of the pair, and what the load generator has seen it answer.
    private struct Side {
        let label: String
        let external: Bool
        let server: any RunningServer
        let answered: AnsweredCount
    }

    private typealias Reading = ServerReading

    private func record() -> PairRecord {
        var r = PairRecord(kind: step.comparison.isControl ? .control : .comparison,
                           cell: step.comparison.cell, reference: step.comparison.reference)
        r.start = step.start
        r.slot = step.slot
        return r
    }

    private func failed(_ why: String) -> [PairRecord] {
        var r = record()
        r.status = .failed
        r.reason = why
        r.window = -1
        return [r]
    }

    /// The server under test for slot `name` (`cell` or `ref`): the comparison's command for that
    /// side, else a `rover-bench serve` child of its cell.
    func server(_ name: String, _ key: CellKey) -> any ServerUnderTest {
        let command = name == "cell" ? step.comparison.cellCommand : step.comparison.referenceCommand
        if let command { return CommandServer(name: key.scenario, command: command, readyTimeout: settings.readyTimeout ?? 20) }
        let app = name == "cell" ? step.comparison.cellApp ?? scenario.appPath : scenario.appPath
        let profile = name == "cell" ? step.comparison.cellProfile ?? scenario.profile : scenario.profile
        return ServeServer(executable: settings.executable, cell: key, app: app, threads: settings.serverThreads,
                           instructionBudget: settings.instructionBudget, profile: profile)
    }

    /// How failures name a side: `side B` for a command, the cell's id for a serve cell.
    private func label(_ name: String, _ key: CellKey) -> String {
        key.external ? "side \(key.scenario)" : name == "cell" ? key.id : "reference \(key.id)"
    }

    func run() -> [PairRecord] {
        // Slot 0: the cell first (started, attached and loaded first); slot 1: the reference.
        let keys = step.slot == 0 ? [("cell", step.comparison.cell), ("ref", step.comparison.reference)]
                                  : [("ref", step.comparison.reference), ("cell", step.comparison.cell)]
        for (name, key) in keys {
            if let why = loadFailures.reason(for: key) { return failed("\(label(name, key)): \(why)") }
        }
        var sides: [String: Side] = [:]
        defer { for side in sides.values { side.server.stop() } }
        for (name, key) in keys {
            let dir = scratch + "/\(name)"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            do {
                let running = try server(name, key).launch(scratch: dir, group: "rover-bench-\(getpid())-\(name)",
                                                           cpus: settings.serverCPUs)
                sides[name] = Side(label: label(name, key), external: key.external, server: running, answered: AnsweredCount())
                try ScenarioProbe.checkAnswer(scenario, port: running.port)
            } catch let e as CommandServer.Failure {
                return failed(e.description)
            } catch {
                return failed("\(label(name, key)): \(error)")
            }
        }
        let cell = sides["cell"]!, ref = sides["ref"]!
        // Both loads run for the whole pair; the windows are read from the servers meanwhile.
        let span = plan.warmup + Double(plan.windows) * plan.window + 0.15  // ends just after the last window
        var loads: [String: LoadThread] = [:]
        for (name, _) in keys {
            do {
                var config = try ScenarioProbe.loadConfig(scenario, port: sides[name]!.server.port,
                                                          connections: step.comparison.cell.connections,
                                                          threads: 1, timeout: settings.timeout)
                config.duration = span
                config.answered = sides[name]!.answered
                loads[name] = LoadThread(config: config, cpus: settings.loadCPUs)
            } catch {
                return failed("load: \(error)")
            }
        }
        func abandon(_ why: String) -> [PairRecord] {
            _ = loads.values.map { $0.join() }
            return failed(why)
        }
        let t0 = monotonicSeconds()
        sleepUntil(t0 + plan.warmup)
        var rows: [PairRecord] = []
        var before: (cell: Reading, ref: Reading, system: SystemCPU)
        do {
            before = try read(cell, ref)
        } catch {
            return abandon("counters: \(error) \(describeExit(cell, ref))")
        }
        for w in 0..<plan.windows {
            sleepUntil(t0 + plan.warmup + Double(w + 1) * plan.window)
            let after: (cell: Reading, ref: Reading, system: SystemCPU)
            do { after = try read(cell, ref) } catch {
                return abandon("counters: \(error) \(describeExit(cell, ref))")
            }
            let exits = describeExit(cell, ref)
            if !exits.isEmpty { return abandon("during the load: \(exits)") }
            rows.append(window(w, before, after, accounting: cell.server.accounting == ref.server.accounting
                                                             ? cell.server.accounting : "mixed"))
            before = after
        }
        // Under load (the loads run on past the last window): each side's answer once more, by
        // the same check as before and after (bodies that vary, e.g. a date, are matched by
        // pattern here; an exact expected body is also checked on every response by the loads).
        var underLoad: String?
        for side in [cell, ref] where underLoad == nil {
            do { try ScenarioProbe.checkAnswer(scenario, port: side.server.port) } catch {
                underLoad = "\(side.label) under load: \(error) \(describeExit(cell, ref))"
            }
        }
        // The loads' own account first (it counts every wrong answer), then the probe's.
        for (name, load) in loads {
            switch load.join() {
            case .failure(let error): return failed("load on \(sides[name]!.label): \(error)")
            case .success(let result):
                if let problem = ScenarioProbe.problems(result) { return failed("\(sides[name]!.label): \(problem)") }
            }
        }
        if let underLoad { return failed(underLoad) }
        for side in [cell, ref] {
            do { try ScenarioProbe.checkAnswer(scenario, port: side.server.port) } catch {
                return failed("\(side.label) after the load: \(error) \(describeExit(cell, ref))")
            }
            let status = side.server.stop()
            // A command may end on the SIGTERM it was sent (directly, or as a shell's 128 + 15).
            let onTerm = side.external && (status & 0x7f == SIGTERM || (status & 0x7f == 0 && (status >> 8) & 0xff == 143))
            if status & 0x7f != 0 || (status >> 8) & 0xff != 0, !onTerm {
                return failed("\(side.label) exited badly (\(ServerProcess.describe(status))): \(side.server.stderrTail())")
            }
        }
        return rows
    }

    /// Both sides' readings and the machine's, in slot order (so neither side is always read
    /// first), back to back: one reader, one interval.
    private func read(_ cell: Side, _ ref: Side) throws -> (cell: Reading, ref: Reading, system: SystemCPU) {
        let system = SystemCPU.read()
        func one(_ s: Side) throws -> Reading {
            do { return try s.server.reading(answered: s.answered) } catch {
                throw ScenarioProbe.Failure(description: "\(s.label): \(error)")
            }
        }
        if step.slot == 0 {
            let c = try one(cell)
            return (c, try one(ref), system)
        }
        let r = try one(ref)
        return (try one(cell), r, system)
    }

    private func window(_ w: Int, _ a: (cell: Reading, ref: Reading, system: SystemCPU),
                        _ b: (cell: Reading, ref: Reading, system: SystemCPU), accounting: String) -> PairRecord {
        var r = record()
        r.window = w
        r.seconds = b.system.at - a.system.at
        r.cellRequests = Int(b.cell.requests - a.cell.requests)
        r.refRequests = Int(b.ref.requests - a.ref.requests)
        r.cellCPUNanos = b.cell.cpu - a.cell.cpu
        r.refCPUNanos = b.ref.cpu - a.ref.cpu
        func delta(_ x: UInt64?, _ y: UInt64?) -> Int { x.flatMap { x in y.map { Int($0 &- x) } } ?? -1 }
        r.cellSwitches = delta(a.cell.switches, b.cell.switches)
        r.refSwitches = delta(a.ref.switches, b.ref.switches)
        r.cellWakes = delta(a.cell.wakes, b.cell.wakes)
        r.refWakes = delta(a.ref.wakes, b.ref.wakes)
        r.accounting = accounting
        let servers = settings.serverCPUList
        let span = max(r.seconds, 1e-3) * 1e9
        let ours = r.cellCPUNanos + r.refCPUNanos
        r.foreignShare = max(0, b.system.busy(since: a.system, on: servers) - ours) / (span * Double(servers.count))
        r.stealShare = b.system.steal(since: a.system) / (span * Double(max(1, b.system.steal.count)))
        if let load = settings.loadCPUs, Set(load).isDisjoint(with: servers) {
            r.loadBusy = b.system.busy(since: a.system, on: load) / (span * Double(load.count))
        }
        var reasons: [String] = []
        if r.cellRequests == 0 || r.refRequests == 0 { reasons.append("no requests answered") }
        if r.foreignShare > settings.maxForeignShare {
            reasons.append(String(format: "other processes used %.0f%% of the server CPUs", r.foreignShare * 100))
        }
        if r.stealShare > settings.maxStealShare { reasons.append(String(format: "%.0f%% steal", r.stealShare * 100)) }
        if r.loadBusy > settings.maxLoadBusy {
            reasons.append(String(format: "load generator saturated (%.0f%% busy)", r.loadBusy * 100))
        }
        if !reasons.isEmpty {
            r.status = .dropped
            r.reason = reasons.joined(separator: "; ")
        }
        return r
    }

    private func describeExit(_ sides: Side...) -> String {
        sides.compactMap { s in s.server.exitStatus().map { "\(s.label) exited (\(ServerProcess.describe($0))): \(s.server.stderrTail())" } }
            .joined(separator: "; ")
    }
}

/// Sleeps until the monotonic clock reads `deadline` (returns at once when it has passed).
func sleepUntil(_ deadline: Double) {
    let left = deadline - monotonicSeconds()
    if left > 0 { usleep(UInt32(left * 1e6)) }
}
