import Testing
@testable import RoverReport
import RoverKinds

@Suite struct SummaryTests {
    let summary = Summary(records: Fixtures.runs() + [
        {
            var r = RunRecord(runID: "x", key: Fixtures.key(.lazy, .mutexPool), repeatIndex: 5, status: .failed,
                              reason: "server crashed")
            r[.rps] = 1_000_000  // must not count: the run failed
            return r
        }(),
    ])

    @Test func cellsAreOrderedBaselineFirst() {
        #expect(summary.cells.map(\.key.id) == [
            "params-only.eager.channel.w2.c64", "params-only.eager.mutex-pool.w2.c64",
            "params-only.lazy.channel.w2.c64", "params-only.lazy.mutex-pool.w2.c64",
        ])
    }

    @Test func cellStatistics() throws {
        let lazyPool = try #require(summary.cell(Fixtures.key(.lazy, .mutexPool)))
        #expect(lazyPool.okRuns == 5 && lazyPool.failedRuns == 1)
        #expect(lazyPool.rps?.value == 30_000)
        #expect(lazyPool.median(.closures) == 1)
        #expect(lazyPool.median(.handoffs) == 0)
        let rpsCI = try #require(lazyPool.rps?.interval)
        #expect(rpsCI.lower >= 29_400 && rpsCI.upper <= 30_600 && rpsCI.lower < 30_000)
        // rps jitter 0.98 … 1.02 → sd = 30000 × sqrt(0.001/4) / 30000
        let cv = try #require(lazyPool.cvRps)
        #expect(abs(cv - (0.001 / 4).squareRoot()) < 1e-12)
    }

    @Test func comparisonsAgainstBaseline() throws {
        #expect(summary.comparison(Fixtures.key(.eager, .channel), .rps) == nil)
        let rps = try #require(summary.comparison(Fixtures.key(.lazy, .mutexPool), .rps))
        #expect(rps.reference == Fixtures.key(.eager, .channel))
        #expect(abs(rps.ratio.value - 1.5) < 1e-9)
        #expect(rps.verdict == .tooFew)  // five paired rounds: under the ten a verdict needs
        #expect(rps.p != nil && rps.adjustedP != nil && rps.adjustedP! >= rps.p!)
        let cpu = try #require(summary.comparison(Fixtures.key(.lazy, .channel), .serverCPU))
        #expect(abs(cpu.ratio.value - 0.8) < 1e-9)
        let ten = Summary(records: Fixtures.constantRuns())
        #expect(ten.comparison(Fixtures.key(.lazy, .channel), .serverCPU)?.verdict == .faster)  // less CPU is better
        let count = summary.comparisons.count
        #expect(count == 3 * CellSummary.estimated.count)
    }

    @Test func claimChecksPickTheRightCells() {
        let checks = summary.claimChecks()
        #expect(checks.map(\.claim) == [.lazyContext, .poolDispatch, .combined])
        #expect(checks.map { $0.cell?.id ?? "" } == [
            "params-only.lazy.channel.w2.c64", "params-only.eager.mutex-pool.w2.c64",
            "params-only.lazy.mutex-pool.w2.c64",
        ])
        let measured = checks.map { ($0.comparison?.ratio.value ?? 0) * 100 }.map { $0.rounded() }
        #expect(measured == [125, 120, 150])
    }

    @Test func bestPoolIsChosenByMedianThroughput() {
        var runs = Fixtures.runs()
        for i in 0..<3 {
            runs.append(Fixtures.run(Fixtures.key(.eager, .lockfreePool), repeat: i, rps: 26_000, cpu: 40,
                                     closures: 4, allocs: 11, handoffs: 0))
        }
        let s = Summary(records: runs)
        #expect(s.claimCell(.poolDispatch, in: Fixtures.group)?.dispatcher == .lockfreePool)
        #expect(s.claimCell(.combined, in: Fixtures.group)?.dispatcher == .mutexPool)
    }

    /// Each runtime's claims are answered from its own cells (a LuaJIT group once read Lua 5.4's).
    @Test func claimsOfALuaJITGroupUseItsOwnCells() {
        let lua54 = Fixtures.runs()
        let jit = lua54.map { r -> RunRecord in
            var r = r
            r.key.runtime = .luajit
            r.values[.rps] = (r.values[.rps] ?? 0) * (r.key.context == .lazy ? 2 : 1)
            return r
        }
        let s = Summary(records: lua54 + jit)
        var group = Fixtures.group
        group.runtime = .luajit
        #expect(s.claimCell(.lazyContext, in: group)?.runtime == .luajit)
        let checks = s.claimChecks().filter { $0.group.runtime == .luajit }
        #expect(checks.count == 3 && checks.allSatisfy { $0.cell?.runtime == .luajit })
        let lazy = checks.first { $0.claim == .lazyContext }?.comparison?.ratio.value ?? 0
        #expect((lazy * 100).rounded() == 250)  // 1.25 × 2 on luajit, not Lua 5.4's 1.25
    }
}
