import RoverSystem
import Foundation
import Glibc
import RoverLoad
import RoverScenarios

/// Any HTTP/1.1 server started by a shell command, measured from outside: a duet side given
/// with `duet --cmd`.
///
/// - The command may use `{port}` (a free loopback port picked for this instance; also in the
///   environment as `PORT`) and `{dir}` (a fresh folder of its own, e.g. for `nginx -p {dir}`).
///   Every instance gets its own: the A/A control runs two copies of one side at once.
/// - It joins its own equal-share cgroup *before* it execs (a shell writes its pid to the
///   group's `cgroup.procs`, then execs the command), so every process it forks later is counted
///   too: an nginx master and its workers count whole.
/// - CPU time comes from the cgroup (``ServerCPU``); requests answered from the load generator
///   (``AnsweredCount``); both read in one call, so they describe the same instant.
/// - Ready when its port accepts a TCP connection. Stopped with SIGTERM to the command, then
///   SIGTERM and SIGKILL to whatever is left in its group: nothing it started outlives it.
struct CommandServer: ServerUnderTest {
    /// The side's name in messages (`A`, `B`, or what `--name` says).
    var name: String
    var command: String
    var readyTimeout = 20.0
    /// Where cgroups are made (tests give a fake tree's hierarchy; nil: detected).
    var hierarchy: ServerCPU.Hierarchy?

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `command` with `{port}` and `{dir}` filled in.
    static func expand(_ command: String, port: Int, dir: String) -> String {
        command.replacingOccurrences(of: "{port}", with: String(port)).replacingOccurrences(of: "{dir}", with: dir)
    }

    /// `text` as one single-quoted shell word.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The shell script that joins the group (exit 125 if it cannot) and execs the command.
    static func script(command: String, port: Int, joining procs: [String]) -> String {
        let join = procs.map { "echo $$ > \(shellQuoted($0)) || exit 125" }.joined(separator: "; ")
        return "\(join); PORT=\(port); export PORT; exec /bin/sh -c \(shellQuoted(command))"
    }

    func launch(scratch: String, group: String, cpus: String?) throws -> any RunningServer {
        guard let hierarchy = hierarchy ?? ServerCPU.Hierarchy.detect(),
              let cpu = ServerCPU.create(name: group, in: hierarchy) else {
            throw Failure(description: "side \(name): cannot make a cgroup to measure its CPU time from outside "
                + "(needs root and cgroup v1 cpu+cpuacct or cgroup v2 under \(ServerCPU.cgroupRoot))")
        }
        let port: Int
        do { port = try freeLoopbackPort() } catch {
            cpu.release()
            throw Failure(description: "side \(name): no free port: \(error)")
        }
        let expanded = Self.expand(command, port: port, dir: scratch)
        var argv = ["/bin/sh", "-c", Self.script(command: expanded, port: port, joining: cpu.procsFiles)]
        if let cpus { argv = ["/usr/bin/taskset", "-c", cpus] + argv }
        let out = scratch + "/server.stdout", err = scratch + "/server.stderr"
        let pid: pid_t
        do { pid = try ServerProcess.spawn(argv, stdout: out, stderr: err) } catch {
            cpu.release()
            throw Failure(description: "side \(name): \(error)")
        }
        let running = Running(name: name, pid: pid, port: port, cpu: cpu, stderrPath: err)
        let deadline = monotonicSeconds() + readyTimeout
        while monotonicSeconds() < deadline {
            if let status = running.exitStatus() {
                running.stop()
                let why = (status >> 8) & 0xff == 125 && status & 0x7f == 0 ? "could not join its cgroup"
                    : "exited before listening (\(ServerProcess.describe(status)))"
                let tail = running.stderrTail()
                throw Failure(description: "side \(name) \(why)\(tail.isEmpty ? "" : ": \(tail)")")
            }
            if canConnect(port: port) { return running }
            usleep(20_000)
        }
        running.stop()
        let tail = running.stderrTail()
        throw Failure(description: "side \(name) did not listen on 127.0.0.1:\(port) within \(Int(readyTimeout)) s"
            + (tail.isEmpty ? "" : ": \(tail)"))
    }

    final class Running: RunningServer {
        let name: String
        let pid: pid_t
        let port: Int
        let cpu: ServerCPU
        let stderrPath: String
        private var exited: Int32?
        private var stopped = false

        init(name: String, pid: pid_t, port: Int, cpu: ServerCPU, stderrPath: String) {
            self.name = name
            self.pid = pid
            self.port = port
            self.cpu = cpu
            self.stderrPath = stderrPath
        }

        var accounting: String { cpu.accounting }

        func reading(answered: AnsweredCount) throws -> ServerReading {
            // The count first, then the CPU time: a response counted has had its CPU spent.
            let requests = answered.value
            guard let ns = cpu.nanos() else { throw Failure(description: "cannot read side \(name)'s cgroup CPU time") }
            return ServerReading(cpu: ns, requests: requests, switches: nil, wakes: nil)
        }

        func exitStatus() -> Int32? {
            if let exited { return exited }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { exited = status }
            return exited
        }

        /// SIGTERM to the command (10 s to exit), then SIGTERM to the rest of its group (2 s),
        /// then SIGKILL until the group is empty; the group is removed.
        func stop() -> Int32 {
            if stopped { return exited ?? 0 }
            stopped = true
            if exitStatus() == nil {
                kill(pid, SIGTERM)
                wait(until: 10) { self.exitStatus() != nil }
            }
            if exitStatus() == nil {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                exited = status
            }
            if cpu.signalAll(SIGTERM) > 0 { wait(until: 2) { self.cpu.members().isEmpty } }
            wait(until: 5) { self.cpu.signalAll(SIGKILL) == 0 }
            cpu.release()
            return exited ?? 0
        }

        func stderrTail() -> String { ServerProcess.tail(stderrPath) }

        private func wait(until seconds: Double, _ done: () -> Bool) {
            let deadline = monotonicSeconds() + seconds
            while !done() && monotonicSeconds() < deadline { usleep(10_000) }
        }
    }
}

/// A port on 127.0.0.1 nobody listens on now (the kernel's pick for an ephemeral bind).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw CommandServer.Failure(description: String(cString: strerror(errno))) }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) { p in
        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard ok else { throw CommandServer.Failure(description: String(cString: strerror(errno))) }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Whether something accepts a TCP connection on 127.0.0.1:`port` now.
func canConnect(port: Int) -> Bool { (try? BlockingHTTPClient(port: port, timeoutSeconds: 1)) != nil }
