import RoverScenarios
import Foundation
import Glibc
import RoverLoad
@testable import RoverRunner
import Testing

/// How a duet reads a server's CPU time from outside: cgroup v1 (`cpuacct.usage`) and v2
/// (`cpu.stat` `usage_usec`) against fake trees, a real process tree counted whole in a real
/// group (when this machine lets the test make one), and one reading of CPU time and answered
/// requests together.
@Suite struct ServerCPUTests {
    /// A fake cgroup root: `files` (relative path → content) written under a fresh folder.
    static func fakeRoot(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fake-cgroup-\(UUID().uuidString)").path
        for (path, content) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: full, atomically: false, encoding: .utf8)
        }
        return root
    }

    @Test func cgroupV1ReadsCpuacctUsageInNanoseconds() throws {
        let root = try Self.fakeRoot(["cpu/cpu.shares": "1024", "cpuacct/cpuacct.usage": "0",
                                      "cpu/g/cpu.shares": "", "cpu/g/cgroup.procs": "",
                                      "cpuacct/g/cpuacct.usage": "123456789", "cpuacct/g/cgroup.procs": ""])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let h = try #require(ServerCPU.Hierarchy.detect(root: root))
        #expect(h == .v1(cpu: root + "/cpu", cpuacct: root + "/cpuacct"))
        let g = try #require(ServerCPU.create(name: "g", in: h))
        #expect(g.nanos() == 123_456_789)
        #expect(g.accounting == "cgroup")
        #expect(ServerCPU.read(root + "/cpu/g/cpu.shares") == "1024", "equal shares")
        #expect(g.procsFiles == [root + "/cpuacct/g/cgroup.procs", root + "/cpu/g/cgroup.procs"])
        #expect(g.join(4242))
        #expect(g.members() == [4242])
        g.release()
        #expect(!FileManager.default.fileExists(atPath: root + "/cpuacct/g"))
    }

    @Test func cgroupV2ReadsUsageUsecAndSetsEqualWeights() throws {
        let root = try Self.fakeRoot(["cgroup.controllers": "cpu io memory", "cgroup.subtree_control": "cpu memory",
                                      "g/cpu.stat": "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n",
                                      "g/cpu.weight": "", "g/cgroup.procs": ""])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let h = try #require(ServerCPU.Hierarchy.detect(root: root))
        #expect(h == .v2(root: root, weights: true))
        let g = try #require(ServerCPU.create(name: "g", in: h))
        #expect(g.nanos() == 1_500_000)
        #expect(g.accounting == "cgroup2")
        #expect(ServerCPU.read(root + "/g/cpu.weight") == "100")
        #expect(g.procsFiles == [root + "/g/cgroup.procs"])
        g.release()
        #expect(!FileManager.default.fileExists(atPath: root + "/g"))
    }

    @Test func cgroupV2WithoutTheCpuControllerStillReadsTime() throws {
        let root = try Self.fakeRoot(["unified/cgroup.controllers": "", "unified/g/cpu.stat": "usage_usec 7\n",
                                      "unified/g/cgroup.procs": ""])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let h = try #require(ServerCPU.Hierarchy.detect(root: root))
        #expect(h == .v2(root: root + "/unified", weights: false))
        #expect(try #require(ServerCPU.create(name: "g", in: h)).nanos() == 7000)
    }

    @Test func noHierarchyAndUnreadableGroupsAreRefused() throws {
        let empty = try Self.fakeRoot(["x": ""])
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(ServerCPU.Hierarchy.detect(root: empty) == nil)
        // A v2 group whose cpu.stat has no usage_usec cannot be measured.
        let root = try Self.fakeRoot(["cgroup.controllers": "", "g/cpu.stat": "nr_periods 0\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(ServerCPU.create(name: "g", in: .v2(root: root, weights: false)) == nil)
        #expect(ServerCPU.usageMicros("user_usec 3\nusage_usec 12\n") == 12)
    }

    /// One reading gives both the group's CPU time and what the generator counted answered.
    @Test func aCommandReadingTakesCpuAndAnsweredRequestsTogether() throws {
        let root = try Self.fakeRoot(["cgroup.controllers": "", "g/cpu.stat": "usage_usec 2500\n", "g/cgroup.procs": ""])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let g = try #require(ServerCPU.create(name: "g", in: .v2(root: root, weights: false)))
        let running = CommandServer.Running(name: "B", pid: 999_999, port: 1, cpu: g, stderrPath: "/nonexistent")
        let answered = AnsweredCount()
        let before = try running.reading(answered: answered)
        #expect(before.cpu == 2_500_000 && before.requests == 0 && before.switches == nil)
        try "usage_usec 4000\n".write(toFile: root + "/g/cpu.stat", atomically: false, encoding: .utf8)
        let after = try running.reading(answered: answered)
        #expect(after.cpu - before.cpu == 1_500_000)
    }

    @Test func commandsAreExpandedAndQuoted() {
        #expect(CommandServer.expand("nginx -p {dir} -g 'listen {port};'", port: 8123, dir: "/tmp/x")
                == "nginx -p /tmp/x -g 'listen 8123;'")
        let script = CommandServer.script(command: #"echo 'hi' "$PORT""#, port: 9, joining: ["/cg/a/cgroup.procs"])
        #expect(script == #"echo $$ > '/cg/a/cgroup.procs' || exit 125; PORT=9; export PORT; exec /bin/sh -c 'echo '\''hi'\'' "$PORT"'"#)
    }

    /// A real group on this machine: a shell that forks two busy children; the group's time
    /// covers the children's (read first), and stopping the group leaves nothing.
    @Test func aProcessTreeCountsWhole() throws {
        try #require(getuid() == 0, "needs root to make a cgroup")
        let h = try #require(ServerCPU.Hierarchy.detect(), "no cgroup hierarchy here")
        let g = try #require(ServerCPU.create(name: "rover-bench-test-\(getpid())-tree", in: h))
        defer { g.signalAll(SIGKILL); usleep(100_000); g.release() }
        let script = CommandServer.script(command: "(while :; do :; done) & (while :; do :; done) & wait", port: 0,
                                          joining: g.procsFiles)
        let pid = try ServerProcess.spawn(["/bin/sh", "-c", script], stdout: "/dev/null", stderr: "/dev/null")
        var members: [pid_t] = []
        for _ in 0..<100 where members.count < 3 {
            usleep(20_000)
            members = g.members()
        }
        #expect(members.count >= 3, "the shell and its two children: \(members)")
        #expect(members.contains(pid))
        usleep(200_000)
        var children = 0.0
        for p in members where p != pid {
            let line = ServerCPU.read("/proc/\(p)/schedstat") ?? ""
            children += Double(line.split(separator: " ").first ?? "0") ?? 0
        }
        let group = try #require(g.nanos())
        #expect(children > 0)
        #expect(group >= children, "the group's time includes the children's")
        g.signalAll(SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        for _ in 0..<100 where !g.members().isEmpty { usleep(20_000) }
        #expect(g.members().isEmpty)
    }

    /// The probe's client joins a chunked body (nginx + ngx_lua answers `ngx.print` chunked).
    @Test func chunkedBodiesAreJoined() throws {
        let body = Array("5\r\n{\"use\r\nc;ext=1\r\nr_id\":\"123\"}\r\n0\r\nX-Trailer: 1\r\n\r\n".utf8)
        #expect(String(decoding: try BlockingHTTPClient.dechunk(body), as: UTF8.self) == #"{"user_id":"123"}"#)
        #expect(throws: (any Error).self) { try BlockingHTTPClient.dechunk(Array("zz\r\nab".utf8)) }
        #expect(throws: (any Error).self) { try BlockingHTTPClient.dechunk(Array("5\r\nab".utf8)) }
    }

    @Test func bodiesMatchExactlyOrByAWholePattern() {
        var s = Scenario(name: "r", path: "/", expectBody: "ok")
        #expect(ScenarioProbe.bodyMatches("ok", s))
        #expect(!ScenarioProbe.bodyMatches("ok!", s))
        s.expectBodyMatch = #"\{"at":"[0-9:]+"\}"#
        #expect(ScenarioProbe.bodyMatches(#"{"at":"12:00:01"}"#, s))
        #expect(!ScenarioProbe.bodyMatches(#"{"at":"12:00:01"} trailing"#, s), "the whole body must match")
        #expect(!ScenarioProbe.bodyMatches(#"x{"at":"1"}"#, s))
    }
}
