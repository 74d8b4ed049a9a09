import Glibc
import Testing
@testable import RoverReport
import RoverKinds

/// The latency duet's comparisons on synthetic process pairs with known shifts: each pair's
/// two rows share a run id and a "moment" (the machine's mood while both ran), which pairing
/// within the process pair cancels.
@Suite struct LatencyDuetSummaryTests {
    static func key(_ d: DispatcherKind, rate: Int = 20_000, connections: Int = 1000) -> CellKey {
        CellKey(scenario: "params-only", context: .eager, dispatcher: d, workers: 1, connections: connections, rate: rate)
    }

    /// `pairs` process pairs: the pool's p99 and p99.9 are `tail` times the channel's, its mean
    /// and p50 `body` times; each pair shares a 30% mood, each side has `noise` of its own.
    static func pairs(_ n: Int, body: Double, tail: Double, noise: Double = 0.02, seed: UInt64) -> [RunRecord] {
        var rng = SplitMix64(seed: seed)
        func normal() -> Double {
            let u1 = max(Double(rng.next() >> 11) / 9_007_199_254_740_992, 1e-300), u2 = Double(rng.next() >> 11) / 9_007_199_254_740_992
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
        var out: [RunRecord] = []
        for k in 0..<n {
            let mood = exp(0.3 * normal())
            let runID = "\(key(.mutexPool).id)#\(k)"
            for (d, b, t) in [(DispatcherKind.mutexPool, body, tail), (.channel, 1.0, 1.0)] {
                var r = RunRecord(runID: runID, key: key(d), repeatIndex: k)
                let e = { exp(noise * normal()) }
                r[.rps] = 20_000; r[.requests] = 20_000; r[.duration] = 1
                r[.latMean] = 500 * mood * b * e(); r[.latP50] = 200 * mood * b * e()
                r[.latP99] = 4000 * mood * t * e(); r[.latP999] = 9000 * mood * t * e()
                r[.serverCPU] = 30 * e()
                out.append(r)
            }
        }
        return out
    }

    @Test func aTailShiftIsFoundWithinProcessPairs() throws {
        let s = LatencyDuetSummary(records: Self.pairs(10, body: 1.0, tail: 0.75, seed: 1))
        let pool = Self.key(.mutexPool)
        let p99 = try #require(s.comparisons.first { $0.cell == pool && $0.metric == .latP99 })
        #expect(abs(p99.ratio.value - 0.75) < 0.03)
        #expect(p99.verdict == .faster && p99.method == "latency duet, n=10 pairs" && p99.adjustedP != nil)
        #expect(s.comparisons.first { $0.metric == .latP999 }?.verdict == .faster)
        // A 30% mood per pair would swamp unpaired medians; within the pair the body reads no difference.
        #expect(s.comparisons.first { $0.metric == .latMean }?.verdict == .noDifference)
        #expect(s.comparisons.first { $0.metric == .latP50 }?.verdict == .noDifference)
        // The seed's table at 1000 connections, labelled as a duet, with CPU per request at the rate.
        let table = SeedTables.poolTable(s.asSummary, pool.group, duet: true)
        #expect(table.contains("latency duet: both servers at once, 20000 req/s each"))
        #expect(table.contains("7.17ms → 5.4ms (25% faster)") && table.contains("Server CPU per request at this rate"))
    }

    @Test func aSlowerTailIsSlowerAndFewPairsAreTooFew() throws {
        let slower = LatencyDuetSummary(records: Self.pairs(12, body: 1.3, tail: 1.5, seed: 2))
        #expect(slower.comparisons.filter { $0.metric != .serverCPU }.allSatisfy { $0.verdict == .slower })
        let few = LatencyDuetSummary(records: Self.pairs(4, body: 0.5, tail: 0.5, seed: 3))
        #expect(few.comparisons.allSatisfy { $0.verdict == .tooFew })
    }

    @Test func failedPairsAreLeftOutAndTheReportShowsTheDuet() throws {
        var records = Self.pairs(11, body: 1.0, tail: 0.8, seed: 4)
        records[0].status = .failed; records[0].reason = "side died"
        records[1].status = .failed; records[1].reason = "side died"
        let s = Summary(records: [], latencyPairs: records)
        let p99 = try #require(s.latencyDuet?.comparisons.first { $0.metric == .latP99 })
        #expect(p99.method == "latency duet, n=10 pairs")
        #expect(MarkdownExporter.render(s).contains("Seed table 2, latency — channels vs direct pool (eager context), latency duet"))
    }
}
