import Foundation
import Glibc
import RoverLoad
import RoverKinds
import RoverReport
import RoverSystem

/// One reading of a server during a duet: its CPU time so far and the requests answered so far,
/// taken together, plus mechanism counters where the server reports them.
struct ServerReading {
    var cpu: Double
    var requests: UInt64
    /// Context switches (voluntary + involuntary) and Lua-thread wake-ups; nil where unknown.
    var switches: UInt64?
    var wakes: UInt64?
}

/// A server the duet compares: how to start a fresh one for each process pair. Two kinds today:
/// ``ServeServer`` (a `rover-bench serve` child, which reports its own counters) and
/// ``CommandServer`` (any command that serves HTTP/1.1, measured from outside: its cgroup's CPU
/// time and the requests the load generator saw answered).
///
/// A new kind of server is a new type conforming here (and a case where ``DuetPair`` picks it);
/// nothing else in the duet changes.
protocol ServerUnderTest {
    /// Starts one instance, in its own equal-share CPU group named `group`, on `cpus` (a
    /// `taskset -c` list; nil: unpinned), with `scratch` as its own folder; returns once it
    /// accepts connections. Throws a message naming what went wrong.
    func launch(scratch: String, group: String, cpus: String?) throws -> any RunningServer
}

/// One started instance of a ``ServerUnderTest``.
protocol RunningServer: AnyObject {
    var port: Int { get }
    /// How its CPU time is read (`cgroup`, `cgroup2`, `schedstat`), recorded with every window.
    var accounting: String { get }
    /// CPU ns and requests answered so far, read at one instant. `answered` is what the load
    /// generator has seen answered on this server (used when the server cannot say).
    func reading(answered: AnsweredCount) throws -> ServerReading
    /// Nil while it runs; its wait status once it has exited.
    func exitStatus() -> Int32?
    /// Stops it and everything it started; returns the main process's wait status.
    @discardableResult func stop() -> Int32
    /// The last lines it wrote to stderr.
    func stderrTail() -> String
}

/// A `rover-bench serve` child for one cell: the only place its argv is built (sweep trials,
/// duet pairs and the latency phase use it).
struct ServeServer: ServerUnderTest {
    var executable: String
    var cell: CellKey
    var app: String
    var threads: Int?
    var instructionBudget: Int?
    /// The scenario's response profile (`--profile` when it is not `seed`).
    var profile: ResponseProfile = .seed

    /// `serve APP --context … --dispatcher … --workers N --port 0 [--threads] [--lua] [--instruction-budget] [--profile]`.
    static func arguments(cell: CellKey, app: String, threads: Int?, instructionBudget: Int?,
                          profile: ResponseProfile = .seed) -> [String] {
        var args = ["serve", app, "--context", cell.context.rawValue, "--dispatcher", cell.dispatcher.rawValue,
                    "--workers", String(cell.workers), "--port", "0"]
        if let threads { args += ["--threads", String(threads)] }
        if cell.runtime != .lua54 { args += ["--lua", cell.runtime.rawValue] }
        if let instructionBudget { args += ["--instruction-budget", String(instructionBudget)] }
        if profile != .seed { args += ["--profile", profile.rawValue] }
        return args
    }

    var argv: [String] {
        Self.arguments(cell: cell, app: app, threads: threads, instructionBudget: instructionBudget, profile: profile)
    }

    func launch(scratch: String, group: String, cpus: String?) throws -> any RunningServer {
        let process = try ServerProcess.start(executable: executable, arguments: argv, cpus: cpus, scratch: scratch)
        return Running(process: process, cpu: ServerCPU.attach(pid: process.pid, name: group))
    }

    final class Running: RunningServer {
        let process: ServerProcess
        let cpu: ServerCPU

        init(process: ServerProcess, cpu: ServerCPU) {
            self.process = process
            self.cpu = cpu
        }

        var port: Int { process.port }
        var accounting: String { cpu.accounting }

        /// CPU and requests from one counters reply: the server reads both in the same instant
        /// (reading the cgroup's cpuacct and then asking for the count left a few ms between the
        /// two, which moved single windows by several percent).
        func reading(answered: AnsweredCount) throws -> ServerReading {
            let body = try ScenarioProbe.counters(port: port)
            guard let ns = body.process.cpuNanos.map({ Double($0) }) ?? cpu.nanos() else {
                throw ScenarioProbe.Failure(description: "cannot read its CPU time")
            }
            return ServerReading(cpu: ns, requests: body.server.appRequests,
                                 switches: body.process.voluntaryContextSwitches + body.process.involuntaryContextSwitches,
                                 wakes: body.counters.luaThreadWakes)
        }

        func exitStatus() -> Int32? { process.exitStatus() }

        func stop() -> Int32 {
            let status = process.stop()
            cpu.release()
            return status
        }

        func stderrTail() -> String { process.stderrTail() }
    }
}
