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

    /// Pairs not at steady state are kept in the CSV as dropped, left out of the comparison,
    /// counted in its method and said under the seed's table, each reason once with its count.
    @Test func droppedPairsAreLeftOutCountedAndSaid() throws {
        var records = Self.pairs(13, body: 1.0, tail: 0.7, seed: 5)
        let backlog = "not at steady state: channel answered 4.0% more than the schedule sent in the window (a backlog from before it)"
        let over = "not at steady state: mutex-pool answered 2.0% fewer than the schedule sent in the window (over capacity)"
        for (i, why) in [(0, backlog), (2, backlog), (4, over)] {
            for j in [i * 2, i * 2 + 1] {
                records[j].status = .dropped; records[j].reason = why
                records[j][.latP99] *= 100  // a dropped pair's wild tail must not reach the verdict
            }
        }
        let s = LatencyDuetSummary(records: records)
        let p99 = try #require(s.comparisons.first { $0.metric == .latP99 })
        #expect(p99.method == "latency duet, n=10 pairs, 3 dropped" && p99.verdict == .faster)
        #expect(abs(p99.ratio.value - 0.7) < 0.03)
        let pool = Self.key(.mutexPool)
        #expect(s.dropped.count == 1 && s.dropped[0].cell == pool && s.dropped[0].pairs == 3)
        let table = SeedTables.poolTable(s.asSummary, pool.group, duet: true, dropped: s.dropped)
        #expect(table.contains("3 process pairs left out of this table, not at steady state in the window: "
            + "channel answered 4.0% more than the schedule sent in the window (a backlog from before it) (×2); "
            + "mutex-pool answered 2.0% fewer than the schedule sent in the window (over capacity)."))
        #expect(RunSet(records).dropped[pool] == 3 && RunSet(records).runs[pool]?.count == 10)
        // The status survives the CSV.
        let csv = RunLog.encode(records)
        #expect(try RunLog.decode(csv).records.filter { $0.status == .dropped }.count == 6)
    }
}
