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
    /// Alone windows after the duet's (``alone(_:_:)``): 0, none.
    var aloneWindows = 0

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

    /// The pair's servers, started in slot order and checked, or why not.
    private func launch(_ keys: [(String, CellKey)]) -> Result<[String: Side], Failure> {
        for (name, key) in keys {
            if let why = loadFailures.reason(for: key) { return .failure(Failure("\(label(name, key)): \(why)")) }
        }
        var sides: [String: Side] = [:]
        for (name, key) in keys {
            let dir = scratch + "/\(name)"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            do {
                let running = try server(name, key).launch(scratch: dir, group: "rover-bench-\(getpid())-\(name)",
                                                           cpus: settings.serverCPUs)
                sides[name] = Side(label: label(name, key), external: key.external, server: running, answered: AnsweredCount())
                try ScenarioProbe.checkAnswer(scenario, port: running.port)
            } catch let e as CommandServer.Failure {
                for side in sides.values { side.server.stop() }
                return .failure(Failure(e.description))
            } catch {
                for side in sides.values { side.server.stop() }
                return .failure(Failure("\(label(name, key)): \(error)"))
            }
        }
        return .success(sides)
    }

    /// Why a process pair failed, as its failed row says it.
    struct Failure: Error {
        let why: String
        init(_ why: String) { self.why = why }
    }

    /// A load on one side over the reference's connections, on its own thread.
    private func load(_ side: Side, duration: Double, warmup: Double = 0, mode: LoadMode = .closedLoop) throws -> LoadThread {
        var config = try ScenarioProbe.loadConfig(scenario, port: side.server.port, connections: step.comparison.cell.connections,
                                                  threads: 1, timeout: settings.timeout, mode: mode)
        config.duration = duration
        config.warmup = warmup
        config.answered = side.answered
        return LoadThread(config: config, cpus: settings.loadCPUs)
    }

    /// The loads' own account (every wrong answer), then each side's answer once more by the probe.
    private func checkLoads(_ results: [(Side, Result<LoadResult, any Error>)]) -> String? {
        for (side, result) in results {
            switch result {
            case .failure(let error): return "load on \(side.label): \(error)"
            case .success(let r): if let problem = ScenarioProbe.problems(r) { return "\(side.label): \(problem)" }
            }
        }
        return nil
    }

    /// Checks both answers after the load, stops both servers and checks how they exited.
    private func finish(_ cell: Side, _ ref: Side) -> String? {
        for side in [cell, ref] {
            do { try ScenarioProbe.checkAnswer(scenario, port: side.server.port) } catch {
                return "\(side.label) after the load: \(error) \(describeExit(cell, ref))"
            }
            let status = side.server.stop()
            // A command may end on the SIGTERM it was sent (directly, or as a shell's 128 + 15).
            let onTerm = side.external && (status & 0x7f == SIGTERM || (status & 0x7f == 0 && (status >> 8) & 0xff == 143))
            if status & 0x7f != 0 || (status >> 8) & 0xff != 0, !onTerm {
                return "\(side.label) exited badly (\(ServerProcess.describe(status))): \(side.server.stderrTail())"
            }
        }
        return nil
    }

    /// Slot 0: the cell first (started, attached and loaded first); slot 1: the reference.
    private var keys: [(String, CellKey)] {
        step.slot == 0 ? [("cell", step.comparison.cell), ("ref", step.comparison.reference)]
                       : [("ref", step.comparison.reference), ("cell", step.comparison.cell)]
    }

    func run() -> [PairRecord] {
        let sides: [String: Side]
        switch launch(keys) {
        case .failure(let f): return failed(f.why)
        case .success(let s): sides = s
        }
        defer { for side in sides.values { side.server.stop() } }
        let cell = sides["cell"]!, ref = sides["ref"]!
        // Both loads run for the whole pair; the windows are read from the servers meanwhile.
        let span = plan.warmup + Double(plan.windows) * plan.window + 0.15  // ends just after the last window
        var loads: [String: LoadThread] = [:]
        for (name, _) in keys {
            do { loads[name] = try load(sides[name]!, duration: span) } catch {
                _ = loads.values.map { $0.join() }
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
            rows.append(window(w, before, after, accounting: accounting(cell, ref)))
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
        let results = keys.map { (name, _) in (sides[name]!, loads[name]!.join()) }
        if let problem = checkLoads(results) { return failed(problem) }
        if let underLoad { return failed(underLoad) }
        if aloneWindows > 0 {
            switch alone(cell, ref) {
            case .failure(let f): return failed(f.why)
            case .success(let more): rows += more
            }
        }
        if let problem = finish(cell, ref) { return failed(problem) }
        return rows
    }

    private func accounting(_ cell: Side, _ ref: Side) -> String {
        cell.server.accounting == ref.server.accounting ? cell.server.accounting : "mixed"
    }

    /// Windows in which each server runs **alone** on the server CPUs (the other idle), one side
    /// after the other, in slot order, `aloneWindows` times: the same processes' CPU per request
    /// standalone, for the duet's validity check (``DuetValidity``). Each pair of adjacent windows
    /// (the cell's and the reference's) is one row of kind `alone`, so its ratio pairs two
    /// readings a fraction of a second apart.
    private func alone(_ cell: Side, _ ref: Side) -> Result<[PairRecord], Failure> {
        var rows: [PairRecord] = []
        let settle = 0.1
        for w in 0..<aloneWindows {
            var measured: [String: (Reading, Reading, SystemCPU, SystemCPU)] = [:]
            let order = (step.slot + w) % 2 == 0 ? [("cell", cell), ("ref", ref)] : [("ref", ref), ("cell", cell)]
            for (name, side) in order {
                let thread: LoadThread
                do { thread = try load(side, duration: settle + plan.window + 0.1) } catch {
                    return .failure(Failure("load: \(error)"))
                }
                let t0 = monotonicSeconds()
                sleepUntil(t0 + settle)
                let system0 = SystemCPU.read()
                let a = try? side.server.reading(answered: side.answered)
                sleepUntil(t0 + settle + plan.window)
                let system1 = SystemCPU.read()
                let b = try? side.server.reading(answered: side.answered)
                if let problem = checkLoads([(side, thread.join())]) { return .failure(Failure(problem)) }
                guard let a, let b else {
                    return .failure(Failure("\(side.label): counters unreadable while alone \(describeExit(cell, ref))"))
                }
                measured[name] = (a, b, system0, system1)
            }
            let (ca, cb, cs0, cs1) = measured["cell"]!, (ra, rb, rs0, rs1) = measured["ref"]!
            var r = record()
            r.kind = .alone
            r.window = plan.windows + w
            r.seconds = (cs1.at - cs0.at + rs1.at - rs0.at) / 2
            r.cellRequests = Int(cb.requests - ca.requests)
            r.refRequests = Int(rb.requests - ra.requests)
            r.cellCPUNanos = cb.cpu - ca.cpu
            r.refCPUNanos = rb.cpu - ra.cpu
            r.accounting = accounting(cell, ref)
            // Each window's own machine shares; the worse of the two counts.
            let c = shares(cs0, cs1, ours: r.cellCPUNanos), f = shares(rs0, rs1, ours: r.refCPUNanos)
            r.foreignShare = max(c.foreign, f.foreign)
            r.stealShare = max(c.steal, f.steal)
            dropIfContaminated(&r)
            rows.append(r)
        }
        return .success(rows)
    }

    /// What one open-loop process pair measured: each side's load (its corrected latency) and
    /// CPU µs per request over the measured span.
    struct OpenLoopOutcome {
        var cell: LoadResult
        var ref: LoadResult
        var cellCPUMicros: Double
        var refCPUMicros: Double
    }

    /// A latency pair: both servers at once, each offered `rate` req/s in an open loop (latency
    /// corrected for coordinated omission) over the comparison's connections for `warmup` +
    /// `duration` seconds; each side's latency over the measured span. Failures (start, wrong
    /// answer before, under or after the load, a bad exit) are the reason, as in ``run()``.
    func runOpenLoop(rate: Int, duration: Double, warmup: Double) -> Result<OpenLoopOutcome, Failure> {
        let sides: [String: Side]
        switch launch(keys) {
        case .failure(let f): return .failure(f)
        case .success(let s): sides = s
        }
        defer { for side in sides.values { side.server.stop() } }
        let cell = sides["cell"]!, ref = sides["ref"]!
        var loads: [String: LoadThread] = [:]
        for (name, _) in keys {
            do { loads[name] = try load(sides[name]!, duration: duration, warmup: warmup, mode: .openLoop(rate: Double(rate))) } catch {
                _ = loads.values.map { $0.join() }
                return .failure(Failure("load: \(error)"))
            }
        }
        let t0 = monotonicSeconds()
        sleepUntil(t0 + warmup)
        let before = try? read(cell, ref)
        sleepUntil(t0 + warmup + duration)
        let after = try? read(cell, ref)
        let results = keys.map { (name, _) in (sides[name]!, loads[name]!.join()) }
        if let problem = checkLoads(results) { return .failure(Failure(problem)) }
        guard let before, let after else { return .failure(Failure("counters unreadable \(describeExit(cell, ref))")) }
        if let problem = finish(cell, ref) { return .failure(Failure(problem)) }
        func micros(_ a: Reading, _ b: Reading) -> Double {
            b.requests > a.requests ? (b.cpu - a.cpu) / Double(b.requests - a.requests) / 1000 : 0
        }
        // join() again returns the stored result at once.
        guard case .success(let c) = loads["cell"]!.join(), case .success(let r) = loads["ref"]!.join() else {
            return .failure(Failure("load: no result"))
        }
        return .success(OpenLoopOutcome(cell: c, ref: r, cellCPUMicros: micros(before.cell, after.cell),
                                        refCPUMicros: micros(before.ref, after.ref)))
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
        (r.foreignShare, r.stealShare) = shares(a.system, b.system, ours: r.cellCPUNanos + r.refCPUNanos)
        let servers = settings.serverCPUList
        if let load = settings.loadCPUs, Set(load).isDisjoint(with: servers) {
            r.loadBusy = b.system.busy(since: a.system, on: load) / (max(r.seconds, 1e-3) * 1e9 * Double(load.count))
        }
        dropIfContaminated(&r)
        return r
    }

    /// Between two machine readings: the share of the server CPUs' time other processes used
    /// (everything busy there but `ours` ns), and the share the hypervisor stole.
    private func shares(_ s0: SystemCPU, _ s1: SystemCPU, ours: Double) -> (foreign: Double, steal: Double) {
        let servers = settings.serverCPUList
        let span = max(s1.at - s0.at, 1e-3) * 1e9
        return (max(0, s1.busy(since: s0, on: servers) - ours) / (span * Double(servers.count)),
                s1.steal(since: s0) / (span * Double(max(1, s1.steal.count))))
    }

    /// Marks `r` dropped, with every reason, when a side answered nothing or the machine (other
    /// processes, steal, a saturated load generator) contaminated it.
    private func dropIfContaminated(_ r: inout PairRecord) {
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
