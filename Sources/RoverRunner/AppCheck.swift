import Foundation
import Glibc
public import RoverKinds
public import RoverReport

/// Loads one app in a child process (`rover-bench serve APP --check`), so an app that exits,
/// crashes or hangs while loading costs only its own cells, never the process that asked.
///
/// The child prints `rover-bench check: loaded` on stdout and exits 0 once the app has loaded,
/// or prints `rover-bench check: refused: MESSAGE` / `rover-bench check: error: MESSAGE` (the
/// engine's message, naming file:line) and exits 1. Without that line (the app ended the
/// process, a signal killed it, or it did not finish within `timeout`) the exit status says what
/// happened. The instruction budget is armed only while a handler runs, not while the app's top
/// level runs, so the timeout is what stops a load that never returns.
public enum AppCheck {
    public enum Result: Sendable, Equatable {
        case loaded
        /// The app uses what rover-bench refuses (the feature and file:line).
        case refused(String)
        /// The app could not be loaded: why, naming the app file.
        case failed(String)
    }

    /// The prefix of the child's one answer line.
    public static let marker = "rover-bench check: "

    public static func run(executable: String, app: String, runtime: LuaRuntime, instructionBudget: Int?,
                           timeout: Double, scratch: String, profile: ResponseProfile = .seed) -> Result {
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let out = scratch + "/check.stdout", err = scratch + "/check.stderr"
        var argv = [executable, "serve", app, "--check", "--lua", runtime.rawValue]
        if let b = instructionBudget { argv += ["--instruction-budget", String(b)] }
        if profile != .seed { argv += ["--profile", profile.rawValue] }
        let pid: pid_t
        do { pid = try ServerProcess.spawn(argv, stdout: out, stderr: err) } catch {
            return .failed("\(app): the load check could not start: \(error)")
        }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while waitpid(pid, &status, WNOHANG) != pid {
            if Date() >= deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return .failed("\(app) did not finish loading within \(seconds(timeout)) s")
            }
            usleep(10_000)
        }
        let answer = (try? String(contentsOfFile: out, encoding: .utf8))?
            .split(separator: "\n").last(where: { $0.hasPrefix(marker) })
            .map { String($0.dropFirst(marker.count)) }
        let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
        switch answer {
        case "loaded"? where exited && code == 0: return .loaded
        case let a? where a.hasPrefix("refused: "): return .refused(String(a.dropFirst("refused: ".count)))
        case let a? where a.hasPrefix("error: "): return .failed(String(a.dropFirst("error: ".count)))
        default: break
        }
        let stderr = ServerProcess.tail(err)
        let tail = stderr.isEmpty ? "" : ": \(stderr)"
        if !exited {
            let sig = status & 0x7f
            let name = sig == SIGSEGV ? " (SIGSEGV)" : sig == SIGABRT ? " (SIGABRT)" : sig == SIGKILL ? " (SIGKILL)" : ""
            return .failed("\(app) was killed by signal \(sig)\(name) while loading\(tail)")
        }
        return .failed("\(app) exited with status \(code) while loading\(tail)")
    }

    private static func seconds(_ t: Double) -> String {
        t == t.rounded() ? String(Int(t)) : String(format: "%g", t)
    }
}

/// The apps that failed ``AppCheck``, by scenario and Lua runtime. A sweep records their cells
/// as failed rows with the reason, without starting a server.
public struct LoadFailures: Sendable, Equatable {
    private var reasons: [String: String] = [:]

    public init() {}

    private static func key(_ scenario: String, _ runtime: LuaRuntime) -> String { "\(scenario)|\(runtime.rawValue)" }

    public mutating func add(_ reason: String, scenario: String, runtime: LuaRuntime) {
        reasons[Self.key(scenario, runtime)] = reason
    }

    public func reason(scenario: String, runtime: LuaRuntime) -> String? { reasons[Self.key(scenario, runtime)] }

    /// Why `cell`'s app could not be loaded, nil when it loaded (or was not checked).
    public func reason(for cell: CellKey) -> String? { reason(scenario: cell.scenario, runtime: cell.runtime) }

    public var isEmpty: Bool { reasons.isEmpty }
}
