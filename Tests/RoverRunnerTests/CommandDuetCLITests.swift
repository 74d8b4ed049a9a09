import Foundation
import Glibc
import RoverReport
@testable import RoverRunner
import Testing

/// `rover-bench duet --cmd A --cmd B`: a command duet of two real servers (`rover-bench serve`
/// started as plain commands) writes its run folder; each way a side can fail (it exits under
/// load, answers a wrong body, never listens, does not exist) is a clear error naming the side,
/// the other side is stopped, nothing either started is left running, and the exit is non-zero.
/// Real runs of the debug binary, a few seconds each; they need a writable cgroup (root), and
/// skip without one.
@Suite(.serialized) struct CommandDuetCLITests {
    static var canMakeCgroups: Bool { getuid() == 0 && ServerCPU.Hierarchy.detect() != nil }

    /// A scratch folder; `pids` in it collects the pid of every process the commands start.
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cmd-duet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A command serving `app` that first records its pid in `dir/pids`.
    static func serve(_ app: String, _ dir: URL, prefix: String = "exec") throws -> String {
        let exe = try #require(SweepTests.binary, "build the executable first: swift build --build-tests")
        return "echo $$ >> \(dir.path)/pids; \(prefix) \(exe) serve \(SweepTests.repoRoot.path)/Scenarios/\(app)/app.lua --workers 1 --port {port}"
    }

    static func duet(_ a: String, _ b: String, out: URL, extra: [String] = []) throws -> (code: Int32, err: String) {
        try SweepCLITests.run(["duet", "--cmd", a, "--cmd", b, "--path", "/users/123", "--expect-body", #"{"user_id":"123"}"#,
                               "--connections", "4", "--duet-starts", "2", "--duet-control-starts", "2", "--duet-stages", "1",
                               "--duet-windows", "2", "--duet-window", "0.3", "--duet-warmup", "0.2",
                               "--ready-timeout", "3", "--out", out.path] + extra)
    }

    /// Every pid recorded in `dir/pids` (and any child they had) is gone.
    static func nothingLeft(_ dir: URL) throws {
        let text = (try? String(contentsOf: dir.appendingPathComponent("pids"), encoding: .utf8)) ?? ""
        // A process killed a moment ago may still be a zombie until init reaps it: not running.
        func running(_ pid: pid_t) -> Bool {
            guard kill(pid, 0) == 0, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
            return !status.contains("State:\tZ")
        }
        for pid in text.split(separator: "\n").compactMap({ pid_t($0) }) {
            #expect(!running(pid), "process \(pid) is still running")
        }
    }

    @Test func twoCommandsAreComparedWithAnAAControl() throws {
        try #require(Self.canMakeCgroups, "needs root and a writable cgroup")
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.duet(Self.serve("params-only", dir), Self.serve("params-only", dir), out: dir.appendingPathComponent("out"))
        #expect(r.code == 0, "\(r.err)")
        let run = try LoadFailureCLITests.runFolder(dir.appendingPathComponent("out"))
        let records = try PairLog.read(run.pairsCSV)
        #expect(records.count == 8, "2 comparisons × 2 pairs × 2 windows")
        #expect(records.allSatisfy { $0.status != .failed }, "\(records.map(\.reason))")
        #expect(Set(records.map(\.comparisonID)) == ["a/a.A.cmd.c4", "B.cmd.c4"])
        #expect(records.allSatisfy { $0.cell.external && $0.reference.external && $0.accounting.hasPrefix("cgroup") })
        // Each window counted requests on both sides and CPU time in their cgroups.
        #expect(records.allSatisfy { $0.cellRequests > 0 && $0.refRequests > 0 && $0.cellCPUNanos > 0 && $0.refCPUNanos > 0 })
        #expect(FileManager.default.fileExists(atPath: run.requestJSON.path))
        let summary = try String(contentsOf: run.summaryMarkdown, encoding: .utf8)
        #expect(summary.contains("`B` vs `A`"))
        try Self.nothingLeft(dir)
    }

    @Test(arguments: [
        // name, B's command (from the scratch dir), what the error must say
        ("exits", "exits under load", "side B"),
        ("wrong", "answers a wrong body", "side B: wrong response"),
        ("never", "never listens", "side B did not listen on 127.0.0.1:"),
        ("missing", "does not exist", "side B exited before listening (exit code 127)"),
    ])
    func aFailingSideIsAClearErrorAndNothingIsLeft(_ c: (name: String, what: String, message: String)) throws {
        try #require(Self.canMakeCgroups, "needs root and a writable cgroup")
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let b: String
        switch c.name {
        case "exits": b = try Self.serve("params-only", dir, prefix: "exec timeout -s KILL 0.8")
        case "wrong": b = try Self.serve("hello", dir)
        case "never": b = "echo $$ >> \(dir.path)/pids; sleep 30 & echo $! >> \(dir.path)/pids; wait # {port}"
        default: b = "echo $$ >> \(dir.path)/pids; exec rover-bench-no-such-server --port {port}"
        }
        let r = try Self.duet(Self.serve("params-only", dir), b, out: dir.appendingPathComponent("out"))
        #expect(r.code == 2, "a side that \(c.what): \(r.err)")
        #expect(r.err.contains(c.message), "a side that \(c.what): \(r.err)")
        #expect(r.err.contains("error: the comparison B.cmd.c4 failed"), "\(r.err)")
        try Self.nothingLeft(dir)
    }

    @Test(arguments: [
        (["duet", "--cmd", "x {port}"], "--cmd: give two commands"),
        (["duet", "--cmd", "x {port}", "--cmd", "y 8080", "--path", "/", "--expect-body", ""], "--cmd B: the command must listen on {port}"),
        (["duet", "--cmd", "x {port}", "--cmd", "y {port}", "--expect-body", ""], "--path"),
        (["duet", "--cmd", "x {port}", "--cmd", "y {port}", "--path", "/"], "--expect-body, --expect-body-file or --expect-body-match"),
        (["duet", "--cmd", "x {port}", "--cmd", "y {port}", "--path", "/", "--expect-body-match", "("], "--expect-body-match ("),
        (["duet", "--cmd", "x {port}", "--cmd", "y {port}", "--path", "/", "--expect-body", "", "--name", "a", "--name", "a"], "--name"),
        (["duet", "--path", "/"], "--path needs --cmd"),
        (["duet", "--cmd", "x {port}", "--cmd", "y {port}", "--path", "/", "--expect-body", "", "--header", "no colon"], "--header no colon"),
        (["gate", "--duet", "/nonexistent-run"], "--duet '/nonexistent-run': no pairs.csv"),
        (["gate", "--duet", ".", "--baseline", "x"], "--duet gates on one duet run"),
        (["duet", "--cmd", "x {port}", "--cmd", "y {port}", "--path", "/", "--expect-body", "", "--ready-timeout", "0"], "--ready-timeout"),
    ])
    func badFlagsExit64NamingTheFlag(_ c: (args: [String], message: String)) throws {
        let r = try SweepCLITests.run(c.args)
        #expect(r.code == 64, "\(c.args): \(r.err)")
        #expect(r.err.contains(c.message), "\(c.args): \(r.err)")
    }
}
