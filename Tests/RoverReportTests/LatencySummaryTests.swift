import Glibc
import Testing
@testable import RoverReport
import RoverKinds

/// The latency phase's comparisons on synthetic rounds with known shifts: open-loop groups at a
/// fixed rate, paired by round, on mean, p50, p99 and p99.9.
@Suite struct LatencySummaryTests {
    static func key(_ d: DispatcherKind, connections: Int, rate: Int) -> CellKey {
        CellKey(scenario: "params-only", context: .eager, dispatcher: d, workers: 1, connections: connections, rate: rate)
    }

    /// `rounds` rounds of channel and mutex-pool at `rate`: the pool's p99 and p99.9 are `tail`
    /// times the channel's, its mean and p50 `body` times; every round shares a random factor
    /// (the machine's mood in that round, which pairing by round cancels) and each trial has
    /// 1% noise of its own.
    static func rounds(_ n: Int, connections: Int, rate: Int, body: Double, tail: Double, seed: UInt64) -> [RunRecord] {
        var rng = SplitMix64(seed: seed)
        func normal() -> Double {
            let u1 = max(Double(rng.next() >> 11) / 9_007_199_254_740_992, 1e-300), u2 = Double(rng.next() >> 11) / 9_007_199_254_740_992
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
        var out: [RunRecord] = []
        for r in 0..<n {
            let mood = exp(0.15 * normal())
            for (d, b, t) in [(DispatcherKind.channel, 1.0, 1.0), (.mutexPool, body, tail)] {
                var rec = RunRecord(runID: "\(d)\(r)", key: key(d, connections: connections, rate: rate), repeatIndex: r)
                let noise = { exp(0.01 * normal()) }
                rec[.duration] = 1; rec[.requests] = Double(rate); rec[.rps] = Double(rate)
                rec[.latMean] = 400 * mood * b * noise(); rec[.latP50] = 300 * mood * b * noise()
                rec[.latP90] = 700 * mood * noise(); rec[.latP99] = 2000 * mood * t * noise()
                rec[.latP999] = 5000 * mood * t * noise(); rec[.latMax] = 9000 * mood
                rec[.serverCPU] = 10; rec[.closures] = 4; rec[.handoffs] = d == .channel ? 2 : 0
                out.append(rec)
            }
        }
        return out
    }

    @Test func aTailShiftIsFoundPairedByRoundAndTheBodyIsNot() throws {
        let s = Summary(records: Self.rounds(10, connections: 1000, rate: 40_000, body: 1.0, tail: 0.8, seed: 1))
        let pool = Self.key(.mutexPool, connections: 1000, rate: 40_000)
        let p99 = try #require(s.comparison(pool, .latP99))
        #expect(abs(p99.ratio.value - 0.8) < 0.02 && p99.verdict == .faster && p99.method == "sequential, n=10 rounds")
        #expect(s.comparison(pool, .latP999)?.verdict == .faster)
        // The rounds' shared 15% mood would swamp an unpaired comparison; paired, the mean reads no difference.
        #expect(s.comparison(pool, .latMean)?.verdict == .noDifference)
        #expect(s.comparison(pool, .latP50)?.verdict == .noDifference)
        // Open-loop groups carry no throughput claim; their seed table has the latency rows, with
        // the seed's figures quoted where the load is like its own (1000 connections).
        #expect(s.claimChecks().isEmpty)
        let table = SeedTables.poolTable(s, pool.group)
        #expect(table.contains("Seed table 2, latency") && table.contains("open loop at 40000 req/s"))
        #expect(table.contains("| P99 latency | ") && table.contains("7.17ms → 5.4ms (25% faster)"))
        #expect(table.contains("| P99.9 latency | ") && !table.contains("Throughput"))
        let at64 = Summary(records: Self.rounds(10, connections: 64, rate: 40_000, body: 1.0, tail: 0.8, seed: 2))
        #expect(SeedTables.poolTable(at64, Self.key(.mutexPool, connections: 64, rate: 40_000).group).contains("(at 1000 conn)"))
    }

    @Test func fewRoundsGiveNoVerdict() throws {
        let s = Summary(records: Self.rounds(3, connections: 64, rate: 30_000, body: 0.7, tail: 0.7, seed: 3))
        let c = try #require(s.comparison(Self.key(.mutexPool, connections: 64, rate: 30_000), .latP99))
        #expect(c.verdict == .tooFew)
        #expect(SeedTables.poolTable(s, Self.key(.mutexPool, connections: 64, rate: 30_000).group).contains("(range "))
    }
}
