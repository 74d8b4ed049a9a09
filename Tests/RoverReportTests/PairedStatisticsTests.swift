import Glibc
import Testing
@testable import RoverReport

/// Student's t, multiplicity adjustment, and the paired test's coverage on simulated experiments
/// whose truth is known.
@Suite struct PairedStatisticsTests {
    @Test(arguments: [(1.0, 12.7062), (4.0, 2.7764), (10.0, 2.2281), (30.0, 2.0423), (1000.0, 1.9623)])
    func tQuantilesMatchTables(df: Double, expected: Double) {
        #expect(abs(StudentT.quantile(0.975, df: df) - expected) < 1e-3)
        #expect(abs(StudentT.cdf(expected, df: df) - 0.975) < 1e-4)
        #expect(StudentT.cdf(0, df: df) == 0.5)
        #expect(abs(StudentT.quantile(0.025, df: df) + expected) < 1e-3)
    }

    @Test func multiplicityOnKnownPValues() {
        let p = [0.01, 0.04, 0.03, 0.005]
        let holm = Multiplicity.holm(p), bh = Multiplicity.benjaminiHochberg(p)
        for (a, b) in zip(holm, [0.03, 0.06, 0.06, 0.02]) { #expect(abs(a - b) < 1e-12) }
        for (a, b) in zip(bh, [0.02, 0.04, 0.04, 0.02]) { #expect(abs(a - b) < 1e-12) }
        #expect(Multiplicity.holm([0.9, 0.8]) == [1, 1])  // 0.8 × 2 caps at 1; monotone after
        #expect(Multiplicity.benjaminiHochberg([]) == [])
    }

    @Test func pairedTestOnExactPairs() throws {
        let t = try #require(PairedTest(clusters: [[0.5, 0.5], [0.5], [0.5, 0.5, 0.5]]))
        #expect(abs(t.ratio - 0.5) < 1e-12 && t.p == 0 && t.pairs == 6 && t.clusters == 3)
        #expect(PairedTest(clusters: [[1.1, 1.2]]) == nil)   // one cluster: no spread to estimate
        #expect(PairedTest(clusters: [[], [1.0]]) == nil)
    }

    /// 2000 simulated experiments per noise level, known true ratio 1.03: each has 5 clusters
    /// (process pairs, with their own bias) of 4 pairs; the 95% interval must cover the truth
    /// 94–96% of the time, at per-pair noise from 1% to 20%.
    @Test(arguments: [0.01, 0.05, 0.10, 0.20])
    func intervalCoverageBySimulation(cv: Double) {
        var rng = SplitMix64(seed: 0x434F_5645_5241_4745 ^ UInt64(cv * 1000))
        func normal() -> Double {
            let u1 = max(Double(rng.next() >> 11) / 9_007_199_254_740_992, 1e-300)
            let u2 = Double(rng.next() >> 11) / 9_007_199_254_740_992
            return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        }
        let truth = 1.03
        var covered = 0
        for _ in 0..<2000 {
            let clusters = (0..<5).map { _ -> [Double] in
                let bias = cv / 2 * normal()
                return (0..<4).map { _ in exp(log(truth) + bias + cv * normal()) }
            }
            let test = PairedTest(clusters: clusters)!
            if test.interval.contains(truth) { covered += 1 }
        }
        let coverage = Double(covered) / 2000
        #expect(coverage >= 0.94 && coverage <= 0.96, "coverage \(coverage) at CV \(cv)")
    }
}
