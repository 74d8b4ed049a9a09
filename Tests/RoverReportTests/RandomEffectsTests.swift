import Glibc
import Testing
@testable import RoverReport

/// The random-effects pooling behind `report --across`: known values, and the coverage of its
/// pooled and prediction intervals on simulated studies whose truth is known.
@Suite struct RandomEffectsTests {
    struct Normal {
        var rng: SplitMix64
        mutating func uniform() -> Double { Double(rng.next() >> 11) / 9_007_199_254_740_992 }
        mutating func next() -> Double {
            let u1 = max(uniform(), 1e-300), u2 = uniform()
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
    }

    @Test func equalVariancesGiveTheExactTIntervals() throws {
        // Equal variances: μ is the plain mean, the interval is ȳ ± t(k−1)·s/√k and the
        // prediction interval ȳ ± t(k−1)·s·√(1 + 1/k), whatever τ comes out as.
        let y = [0.10, 0.13, 0.17, 0.09]
        let r = try #require(RandomEffects(logRatios: y, variances: [0.0001, 0.0001, 0.0001, 0.0001]))
        let mean = y.reduce(0, +) / 4
        let s = (y.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3).squareRoot()
        let t = StudentT.quantile(0.975, df: 3)
        #expect(abs(r.mean - mean) < 1e-12)
        #expect(abs(log(r.estimate.interval.upper) - (mean + t * s / 2)) < 1e-9)
        #expect(abs(log(r.prediction.upper) - (mean + t * s * (1.25).squareRoot())) < 1e-9)
        #expect(abs(log(r.prediction.lower) - (mean - t * s * (1.25).squareRoot())) < 1e-9)
        #expect(r.tau > 0.02 && r.tau < 0.04 && r.iSquared > 0.9 && r.k == 4)
    }

    @Test func agreeingStudiesHaveNoSpread() throws {
        let r = try #require(RandomEffects(logRatios: [-0.020, -0.021, -0.019], variances: [0.0001, 0.0001, 0.0001]))
        #expect(r.tau == 0 && r.iSquared == 0)
        #expect(r.estimate.interval.lower < exp(-0.021) && r.estimate.interval.upper > exp(-0.019))
        #expect(RandomEffects(logRatios: [0.1], variances: [0.01]) == nil)
        #expect(RandomEffects(logRatios: [0.1, .nan], variances: [0.01, 0.01]) == nil)
        #expect(RandomEffects(logRatios: [0.1, 0.2], variances: [0.01, -1]) == nil)
    }

    @Test func aStudyFromAPairedInterval() throws {
        let t = try #require(PairedTest(clusters: [[0.90, 0.91], [0.93], [0.92, 0.92], [0.89]]))
        let (y, v) = try #require(RandomEffects.study(t.estimate, df: t.clusters - 1))
        #expect(abs(y - log(t.ratio)) < 1e-12)
        let q = StudentT.quantile(0.975, df: 3)
        #expect(abs(exp(y + q * v.squareRoot()) - t.interval.upper) < 1e-9)
    }

    /// 2000 simulated studies of `k` machines for each setting. Each machine's true effect is
    /// N(0, τ²); it reads it with its own standard error drawn uniformly from `se`. The pooled 95%
    /// interval must cover the true mean, and the prediction interval the reading of one more
    /// machine, 93–97% of the time (±2 points of 95%). Settings: this project's (τ ≈ 5%, per-run
    /// intervals ±0.5%), τ comparable to the runs' error, and no spread at all.
    @Test(arguments: [2, 3, 4, 5])
    func coverageBySimulation(k: Int) {
        let settings: [(tau: Double, se: ClosedRange<Double>)] = [
            (0.05, 0.002...0.004), (0.01, 0.005...0.01), (0.005, 0.003...0.006), (0.0, 0.005...0.01), (0.02, 0.005...0.01),
        ]
        for (i, s) in settings.enumerated() {
            let (ci, pi) = coverage(k: k, tau: s.tau, se: s.se, seed: 0x5245_4D4C ^ UInt64(k * 16 + i))
            #expect(abs(ci - 0.95) <= 0.02, "k=\(k) τ=\(s.tau): pooled interval covered \(ci)")
            #expect(abs(pi - 0.95) <= 0.02, "k=\(k) τ=\(s.tau): prediction interval covered \(pi)")
        }
    }

    /// The known shortfall, pinned so it is not forgotten: when the runs' standard errors differ
    /// fourfold and τ is about their size, the estimated τ² shifts the weights and the
    /// Hartung–Knapp interval covers 92–94% with five machines (the README says so). The
    /// prediction interval keeps its coverage.
    @Test func knownShortfallWithVeryUnequalErrors() {
        let (ci, pi) = coverage(k: 5, tau: 0.01, se: 0.005...0.02, seed: 0x5348_4F52_54)
        #expect(ci >= 0.90 && ci < 0.95, "pooled interval covered \(ci)")
        #expect(abs(pi - 0.95) <= 0.02, "prediction interval covered \(pi)")
    }

    func coverage(k: Int, tau: Double, se: ClosedRange<Double>, seed: UInt64, studies: Int = 2000) -> (Double, Double) {
        var g = Normal(rng: SplitMix64(seed: seed))
        var ci = 0, pi = 0
        for _ in 0..<studies {
            func draw() -> (Double, Double) {
                let e = se.lowerBound + (se.upperBound - se.lowerBound) * g.uniform()
                return (tau * g.next() + e * g.next(), e * e)
            }
            let reads = (0..<k).map { _ in draw() }
            guard let r = RandomEffects(logRatios: reads.map(\.0), variances: reads.map(\.1)) else { continue }
            if r.estimate.interval.lower <= 1 && r.estimate.interval.upper >= 1 { ci += 1 }
            let next = exp(draw().0)
            if r.prediction.lower <= next && r.prediction.upper >= next { pi += 1 }
        }
        return (Double(ci) / Double(studies), Double(pi) / Double(studies))
    }
}
