import Foundation
import Testing
@testable import RoverReport

/// The hot-path counts (Scripts/hotpath.sh, `rover-bench hotpath-tally`): the arithmetic from
/// marks, the strace windows, the CSV, and the two-sided rule. No timing anywhere.
@Suite struct HotPathGateTests {
    @Test func perRequestFromMarks() {
        // Totals after warm-up, after 500 more, after 2500 more: (12567 - 2567) / 2000.
        #expect(HotPathCounts.perRequest(marks: [6198, 8765, 21332], n1: 500, n2: 2500) == 5.0)
        // A constant per load (the connection, the mark) cancels: 7 per load here.
        #expect(HotPathCounts.perRequest(marks: [100, 100 + 7 + 10 * 3, 100 + 7 + 10 * 3 + 7 + 30 * 3], n1: 10, n2: 30) == 3.0)
        #expect(HotPathCounts.perRequest(marks: [1, 2], n1: 10, n2: 30) == nil)
        #expect(HotPathCounts.perRequest(marks: [1, 2, 3], n1: 30, n2: 30) == nil)
    }

    static let straceLog = """
        1027  execve("/x/rover-bench", ["rover-bench"], 0x7ffd /* 3 vars */) = 0
        1027  read(3, "\\177ELF", 832) = 832
        1028  epoll_wait(4,  <unfinished ...>
        1027  --- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_USER, si_pid=1009, si_uid=0} ---
        1028  <... epoll_wait resumed>[{events=EPOLLIN, data={u32=7, u64=7}}], 64, -1) = 1
        1028  read(7, "GET /users/123 HTTP/1.1\\r\\n", 2048) = 60
        1028  writev(7, [{iov_base="HTTP/1.1 200 OK", iov_len=15}], 1) = 15
        1028  epoll_wait(4, [{events=EPOLLIN, data={u32=7, u64=7}}], 64, -1) = 1
        1028  read(7, "GET /users/123 HTTP/1.1\\r\\n", 2048) = 60
        1028  write(7, "HTTP/1.1 200 OK", 15) = 15
        1027  --- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_USER, si_pid=1009, si_uid=0} ---
        1028  epoll_wait(4, [{events=EPOLLIN, data={u32=7, u64=7}}], 64, -1) = 1
        1028  recvmsg(7, {msg_name=NULL}, 0) = 60
        1028  sendmsg(7, {msg_name=NULL}, 0) = 15
        1028  epoll_ctl(4, EPOLL_CTL_MOD, 7, {events=EPOLLIN}) = 0
        1028  epoll_pwait(4, [{events=EPOLLIN, data={u32=7, u64=7}}], 64, -1, NULL, 8) = 1
        1028  readv(7, [{iov_base="GET", iov_len=2048}], 1) = 60
        1028  sendto(7, "HTTP/1.1 200 OK", 15, 0, NULL, 0) = 15
        1028  epoll_wait(4, [{events=EPOLLIN, data={u32=7, u64=7}}], 64, -1) = 1
        1028  recvfrom(7, "GET", 2048, 0, NULL, NULL) = 60
        1028  writev(7, [{iov_base="HTTP/1.1 200 OK", iov_len=15}], 1) = 15
        1028  futex(0x7f, FUTEX_WAKE_PRIVATE, 1) = 0
        1027  --- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_USER, si_pid=1009, si_uid=0} ---
        1028  write(7, "bye", 3) = 3
        1031  +++ exited with 0 +++
        """

    @Test func straceWindows() {
        let windows = HotPathCounts.syscallWindows(strace: Substring(Self.straceLog))
        #expect(windows.count == 4)
        #expect(windows[0] == [.reads: 1, .epoll: 1])               // the unfinished epoll_wait counts once
        #expect(windows[1] == [.reads: 2, .writes: 2, .epoll: 1])   // its resumed line does not
        #expect(windows[2] == [.reads: 3, .writes: 3, .epoll: 4])   // futex is not counted
        #expect(windows[3] == [.writes: 1])
        #expect(HotPathCounts.SyscallClass(syscall: "epoll_pwait2") == .epoll)
        #expect(HotPathCounts.SyscallClass(syscall: "futex") == nil)
    }

    @Test func rowsAndCSV() throws {
        let rows = try HotPathCounts.rows(target: "bare", allocationMarks: [100, 130, 180],
                                          strace: Substring(Self.straceLog), n1: 1, n2: 2)
        #expect(rows.map(\.subject) == ["http.bare.allocs", "http.bare.reads", "http.bare.writes", "http.bare.epoll"])
        #expect(rows.map(\.perRequest) == [20, 1, 1, 3])
        let csv = HotPathCounts.csv(rows, requests: 1, header: true)
        #expect(csv == "subject,requests,per_req\nhttp.bare.allocs,1,20.00\nhttp.bare.reads,1,1.00\nhttp.bare.writes,1,1.00\nhttp.bare.epoll,1,3.00\n")
        #expect(try HotPathCounts(csv: csv) == HotPathCounts(rows))
        // Two marks only (the server died before the last): refused, not a number.
        #expect(throws: GateInputError.self) {
            try HotPathCounts.rows(target: "bare", allocationMarks: [100, 130], strace: Substring(Self.straceLog), n1: 1, n2: 2)
        }
        #expect(throws: GateInputError.self) {
            try HotPathCounts.rows(target: "bare", allocationMarks: [100, 130, 180], strace: "1 read(3) = 1\n", n1: 1, n2: 2)
        }
        #expect(throws: GateInputError.self) { try HotPathCounts(csv: "subject,requests,per_req\nx,1,abc\n") }
        #expect(throws: GateInputError.self) { try HotPathCounts(csv: "subject,requests,instructions_per_req\nx,1,1\n") }
    }

    static let rules = GateRules(hotpathTolerance: .init(relative: 0, absolute: 0.05),
                                 hotpathToleranceBySubject: [".channel.epoll": .init(relative: 0, absolute: 0.5)])
    static let base = HotPathCounts([("http.bare.allocs", 5), ("http.bare.epoll", 1), ("http.eager.channel.epoll", 1.98)])

    static func statuses(_ cur: [(subject: String, perRequest: Double)]) -> [GateCheck.Status] {
        Gate.hotpathChecks(base, HotPathCounts(cur), allowance: rules.hotpathAllowance(for:around:)).map(\.status)
    }

    /// Two-sided, like swift-nio's allocation tests: one more allocation per request is a
    /// regression, one fewer asks for a refresh; within the allowance it passes.
    @Test func twoSidedRule() {
        #expect(Self.statuses([("http.bare.allocs", 5), ("http.bare.epoll", 1), ("http.eager.channel.epoll", 1.98)])
                == [.pass, .pass, .pass])
        #expect(Self.statuses([("http.bare.allocs", 5.05), ("http.bare.epoll", 0.95), ("http.eager.channel.epoll", 1.79)])
                == [.pass, .pass, .pass])                                  // at the edge; the channel's wider
        #expect(Self.statuses([("http.bare.allocs", 6), ("http.bare.epoll", 1), ("http.eager.channel.epoll", 1.98)])
                == [.regression, .pass, .pass])                            // the alloc injection
        #expect(Self.statuses([("http.bare.allocs", 5.06), ("http.bare.epoll", 1), ("http.eager.channel.epoll", 2.47)])
                == [.regression, .pass, .pass])
        #expect(Self.statuses([("http.bare.allocs", 4), ("http.bare.epoll", 1), ("http.eager.channel.epoll", 1.4)])
                == [.improvement, .pass, .improvement])
        #expect(Self.statuses([("http.bare.allocs", 5), ("http.eager.channel.epoll", 2.98)])
                == [.pass, .missing, .regression])
        #expect(Self.statuses([("http.bare.allocs", 5), ("http.bare.epoll", 1), ("http.eager.channel.epoll", 1.98),
                               ("http.bare.reads", 1)]) == [.pass, .pass, .pass, .new])
        let check = Gate.hotpathChecks(Self.base, HotPathCounts([("http.bare.allocs", 6)]),
                                       allowance: Self.rules.hotpathAllowance(for:around:)).first
        #expect(check?.detail == "Δ +1.00 per request, tolerance ±0.05" && check?.current == "6.00" && check?.kind == .hotpath)
    }

    @Test func outcomeAndRules() throws {
        let rules = try JSONDecoder().decode(GateRules.self, from: Data("""
            { "hotpath_tolerance": { "relative": 0, "absolute": 0.05 },
              "hotpath_tolerance_by_subject": { ".channel.reads": { "relative": 0, "absolute": 0.5 } } }
            """.utf8))
        #expect(rules.hotpathAllowance(for: "http.eager.channel.reads", around: 2) == 0.5)
        #expect(rules.hotpathAllowance(for: "http.eager.channel.allocs", around: 18) == 0.05)
        #expect(GateRules().hotpathTolerance == .init(relative: 0, absolute: 0.05))  // the default when absent
        let set = RunSet(Fixtures.runs()), summary = Summary(records: Fixtures.runs())
        func outcome(_ allocs: Double) -> GateOutcome {
            Gate.evaluate(baseline: summary, current: set, rules: rules,
                          hotpath: (Self.base, HotPathCounts([("http.bare.allocs", allocs), ("http.bare.epoll", 1),
                                                              ("http.eager.channel.epoll", 1.98)]))).outcome
        }
        #expect(outcome(5) == .pass)
        #expect(outcome(6) == .regression && outcome(6).exitCode == 2)
        #expect(outcome(4) == .improvement && outcome(4).exitCode == 3)
    }

    /// The committed baseline's hot-path rows gated against themselves pass, and cover both paths.
    @Test func committedBaseline() throws {
        let dir = RenderTests.repoRoot.appendingPathComponent("Results/baseline")
        let rules = try GateFiles.loadRules(dir.appendingPathComponent("gate.json"))
        let counts = try HotPathCounts.load(dir.appendingPathComponent(HotPathCounts.fileName))
        #expect(counts.subjects.contains("http.bare.allocs") && counts.subjects.contains("http.userdata.affine.allocs"))
        #expect(Gate.hotpathChecks(counts, counts, allowance: rules.hotpathAllowance(for:around:)).allSatisfy { $0.status == .pass })
        #expect(rules.hotpathAllowance(for: "http.bare.allocs", around: 5) == 0.05)
    }
}
