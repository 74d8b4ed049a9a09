import Foundation
import Glibc
import RoverEngine
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

    /// One server of the pair and where its CPU time is read.
    private struct Side {
        let name: String
        let server: ServerProcess
        let cpu: ServerCPU
    }

    private struct Reading {
        var cpu: Double
        var requests: UInt64
        /// Mechanism counters, to explain a cost: the process's context switches (getrusage,
        /// voluntary + involuntary) and its Lua thread's wake-ups (`channel` only).
        var switches: UInt64 = 0
        var wakes: UInt64 = 0
    }

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

    func run() -> [PairRecord] {
        // Slot 0: the cell first (started, attached and loaded first); slot 1: the reference.
        let keys = step.slot == 0 ? [("cell", step.comparison.cell), ("ref", step.comparison.reference)]
                                  : [("ref", step.comparison.reference), ("cell", step.comparison.cell)]
        for (name, key) in keys {
            if let why = loadFailures.reason(for: key) { return failed("\(name == "cell" ? key.id : "reference \(key.id)"): \(why)") }
        }
        var sides: [String: Side] = [:]
        defer {
            for side in sides.values {
                side.server.stop()
                side.cpu.release()
            }
        }
        for (name, key) in keys {
            let dir = scratch + "/\(name)"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let app = name == "cell" ? step.comparison.cellApp ?? scenario.appPath : scenario.appPath
            var args = ["serve", app, "--context", key.context.rawValue, "--dispatcher", key.dispatcher.rawValue,
                        "--workers", String(key.workers), "--port", "0"]
            if key.runtime != .lua54 { args += ["--lua", key.runtime.rawValue] }
            let profile = name == "cell" ? step.comparison.cellProfile ?? scenario.profile : scenario.profile
            if profile != .seed { args += ["--profile", profile.rawValue] }
            if let b = settings.instructionBudget { args += ["--instruction-budget", String(b)] }
            if let t = settings.serverThreads { args += ["--threads", String(t)] }
            do {
                let server = try ServerProcess.start(executable: settings.executable, arguments: args,
                                                     cpus: settings.serverCPUs, scratch: dir)
                let cpu = ServerCPU.attach(pid: server.pid, name: "rover-bench-\(getpid())-\(name)")
                sides[name] = Side(name: name, server: server, cpu: cpu)
                try ScenarioProbe.checkAnswer(scenario, port: server.port)
            } catch {
                return failed("\(name == "cell" ? key.id : "reference \(key.id)"): \(error)")
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
                loads[name] = LoadThread(config: config, cpus: settings.loadCPUs)
            } catch {
                return failed("load: \(error)")
            }
        }
        let t0 = monotonicSeconds()
        sleepUntil(t0 + plan.warmup)
        var rows: [PairRecord] = []
        var before: (cell: Reading, ref: Reading, system: SystemCPU)
        do {
            before = try read(cell, ref)
        } catch {
            _ = loads.values.map { $0.join() }
            return failed("counters: \(error) \(describeExit(cell, ref))")
        }
        for w in 0..<plan.windows {
            sleepUntil(t0 + plan.warmup + Double(w + 1) * plan.window)
            let after: (cell: Reading, ref: Reading, system: SystemCPU)
            do { after = try read(cell, ref) } catch {
                _ = loads.values.map { $0.join() }
                return failed("counters: \(error) \(describeExit(cell, ref))")
            }
            rows.append(window(w, before, after, accounting: cell.cpu.accounting == ref.cpu.accounting
                                                             ? cell.cpu.accounting : "mixed"))
            before = after
        }
        for (name, load) in loads {
            switch load.join() {
            case .failure(let error): return failed("load on \(name): \(error)")
            case .success(let result):
                if let problem = ScenarioProbe.problems(result) { return failed("\(name == "cell" ? step.comparison.cell.id : "reference"): \(problem)") }
            }
        }
        for side in [cell, ref] {
            do { try ScenarioProbe.checkAnswer(scenario, port: side.server.port) } catch {
                return failed("\(side.name) after the load: \(error) \(describeExit(cell, ref))")
            }
            let status = side.server.stop()
            if status & 0x7f != 0 || (status >> 8) & 0xff != 0 {
                return failed("\(side.name) exited badly (\(ServerProcess.describe(status))): \(side.server.stderrTail())")
            }
        }
        return rows
    }

    private func read(_ cell: Side, _ ref: Side) throws -> (cell: Reading, ref: Reading, system: SystemCPU) {
        let system = SystemCPU.read()
        // CPU and requests from one counters reply: the server reads both in the same instant
        // (reading the cgroup's cpuacct and then asking for the count left a few ms between the
        // two, which moved single windows by several percent).
        func one(_ s: Side) throws -> Reading {
            let body = try ScenarioProbe.counters(port: s.server.port)
            guard let cpu = body.process.cpuNanos.map({ Double($0) }) ?? s.cpu.nanos() else {
                throw ScenarioProbe.Failure(description: "cannot read \(s.name)'s CPU time")
            }
            return Reading(cpu: cpu, requests: body.server.appRequests,
                           switches: body.process.voluntaryContextSwitches + body.process.involuntaryContextSwitches,
                           wakes: body.counters.luaThreadWakes)
        }
        // Read in slot order, so neither side is always read first.
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
        r.cellSwitches = Int(b.cell.switches &- a.cell.switches)
        r.refSwitches = Int(b.ref.switches &- a.ref.switches)
        r.cellWakes = Int(b.cell.wakes &- a.cell.wakes)
        r.refWakes = Int(b.ref.wakes &- a.ref.wakes)
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
        sides.compactMap { s in s.server.exitStatus().map { "\(s.name) died (\(ServerProcess.describe($0))): \(s.server.stderrTail())" } }
            .joined(separator: "; ")
    }
}

/// Sleeps until the monotonic clock reads `deadline` (returns at once when it has passed).
func sleepUntil(_ deadline: Double) {
    let left = deadline - monotonicSeconds()
    if left > 0 { usleep(UInt32(left * 1e6)) }
}
