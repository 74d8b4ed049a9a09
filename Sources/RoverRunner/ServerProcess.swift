import Foundation
import Glibc

/// One `rover-bench serve` child process for one trial: fresh VM state, its own CPU accounting,
/// and crash isolation (a crash becomes a failed row, never a failed sweep).
///
/// stdout and stderr go to files in the trial's scratch folder, so a chatty child can never block
/// on a full pipe; readiness is the line `listening on http://HOST:PORT` in stdout. Used from the
/// runner's thread only.
final class ServerProcess {
    let pid: pid_t
    let port: Int
    let stderrPath: String
    private var exited: Int32?

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `executable arguments…` (under `taskset -c cpus` when `cpus` is set) and waits until
    /// it prints its listening line.
    static func start(executable: String, arguments: [String], cpus: String?, scratch: String,
                      readyTimeout: Double = 20) throws -> ServerProcess {
        let out = scratch + "/server.stdout", err = scratch + "/server.stderr"
        var argv = [executable] + arguments
        if let cpus { argv = ["/usr/bin/taskset", "-c", cpus] + argv }
        let pid = try spawn(argv, stdout: out, stderr: err)
        let deadline = Date().addingTimeInterval(readyTimeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: out, encoding: .utf8),
               let port = parsePort(text) {
                return ServerProcess(pid: pid, port: port, stderrPath: err)
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw StartError(description: "server exited before listening (\(describe(status))): \(tail(err))")
            }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        throw StartError(description: "server did not report listening within \(Int(readyTimeout)) s: \(tail(err))")
    }

    /// Starts `argv` with stdin from /dev/null and stdout/stderr into the given files (created
    /// or truncated); returns its pid.
    static func spawn(_ argv: [String], stdout out: String, stderr err: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var pid: pid_t = 0
        let cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cargs, environ)
        guard rc == 0 else { throw StartError(description: "cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    private init(pid: pid_t, port: Int, stderrPath: String) {
        self.pid = pid
        self.port = port
        self.stderrPath = stderrPath
    }

    /// The port in `listening on http://127.0.0.1:PORT`.
    static func parsePort(_ text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("listening on ") {
            if let colon = line.lastIndex(of: ":"), let port = Int(line[line.index(after: colon)...]) { return port }
        }
        return nil
    }

    /// Nil while running; the wait status once the process has exited (reaped).
    func exitStatus() -> Int32? {
        if let exited { return exited }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = status }
        return exited
    }

    /// SIGTERM, then SIGKILL after `timeout`. Returns the wait status.
    @discardableResult
    func stop(timeout: Double = 10) -> Int32 {
        if let s = exitStatus() { return s }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let s = exitStatus() { return s }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        exited = status
        return status
    }

    /// The last lines the server wrote to stderr (for a failed row's reason).
    func stderrTail() -> String { Self.tail(stderrPath) }

    static func tail(_ path: String, lines: Int = 3) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(lines).joined(separator: " | ")
    }

    static func describe(_ status: Int32) -> String {
        let sig = status & 0x7f
        if sig == 0 { return "exit code \((status >> 8) & 0xff)" }
        return "killed by signal \(sig)\(sig == SIGSEGV ? " (SIGSEGV)" : sig == SIGABRT ? " (SIGABRT)" : "")"
    }
}
