import Testing
@testable import RoverReport

@Suite struct StatisticsTests {
    @Test func medianOddEvenEmpty() {
        #expect(Stats.median([5, 1, 3]) == 3)
        #expect(Stats.median([4, 1, 3, 2]) == 2.5)
        #expect(Stats.median([]) == nil)
    }

    @Test func percentileInterpolatesLikeNumpy() {
        let xs: [Double] = [10, 20, 30, 40, 50]
        #expect(Stats.percentile(xs, 0) == 10)
        #expect(Stats.percentile(xs, 100) == 50)
        #expect(Stats.percentile(xs, 50) == 30)
        #expect(Stats.percentile(xs, 90) == 46)   // rank 3.6 → 40 + 0.6 × 10
        #expect(Stats.percentile(xs, 12.5) == 15) // rank 0.5
    }

    @Test func coefficientOfVariation() throws {
        // mean 5, sample sd of 2,4,4,4,5,5,7,9 is sqrt(32/7)
        let cv = try #require(Stats.coefficientOfVariation([2, 4, 4, 4, 5, 5, 7, 9]))
        #expect(abs(cv - (32.0 / 7).squareRoot() / 5) < 1e-12)
        #expect(Stats.coefficientOfVariation([3]) == nil)
        #expect(Stats.coefficientOfVariation([7, 7, 7]) == 0)
    }

    @Test func splitMixMatchesReferenceSequence() {
        // Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func bootstrapOfConstantSampleIsAPoint() throws {
        let e = try #require(Bootstrap.default.median([4, 4, 4, 4]))
        #expect(e == Estimate(value: 4, interval: Interval(lower: 4, upper: 4), count: 4))
    }

    @Test func bootstrapIsReproducibleAndBracketsTheMedian() throws {
        let xs: [Double] = [98, 101, 99, 103, 100, 97, 102]
        let a = try #require(Bootstrap.default.median(xs))
        let b = try #require(Bootstrap.default.median(xs))
        #expect(a == b)
        #expect(a.value == 100)
        #expect(a.interval.lower >= 97 && a.interval.lower <= 100)
        #expect(a.interval.upper >= 100 && a.interval.upper <= 103)
        #expect(a.interval.lower < a.interval.upper)
        let other = try #require(Bootstrap(seed: 1).median(xs))
        #expect(other.value == 100)
    }

    @Test func bootstrapOfTwoValuesSpansThem() throws {
        // A resample of [10, 20] has median 10, 15 or 20 with probability 1/4, 1/2, 1/4: of 2000
        // resampled medians about 500 are 10 and 500 are 20, so the 2.5th and 97.5th
        // percentiles are exactly 10 and 20.
        let e = try #require(Bootstrap.default.median([10, 20]))
        #expect(e == Estimate(value: 15, interval: Interval(lower: 10, upper: 20), count: 2))
    }

    @Test func bootstrapSettingsChangeTheDraws() throws {
        let xs: [Double] = (1...9).map(Double.init)
        let a = try #require(Bootstrap(resamples: 500, seed: 7).median(xs))
        let b = try #require(Bootstrap(resamples: 500, seed: 7).median(xs))
        #expect(a == b)
        #expect(a.value == 5 && a.interval.lower >= 2 && a.interval.upper <= 8)
        let narrow = try #require(Bootstrap(confidence: 0.5).median(xs))
        let wide = try #require(Bootstrap(confidence: 0.99).median(xs))
        #expect(narrow.interval.upper - narrow.interval.lower <= wide.interval.upper - wide.interval.lower)
    }

    @Test func ratioOfClearlySeparatedSamples() throws {
        let base: [Double] = [100, 101, 99, 100, 100]
        let fast: [Double] = [125, 126, 124, 125, 125]
        let r = try #require(Bootstrap.default.ratioOfMedians(fast, base))
        #expect(r.value == 1.25)
        // Every resampled ratio lies between min/max and max/min of the samples.
        #expect(r.interval.lower >= 124.0 / 101 && r.interval.upper <= 126.0 / 99)
        #expect(Verdict.judge(r, polarity: .higherIsBetter, minimumPairs: 5) == .faster)
        #expect(Verdict.judge(r, polarity: .lowerIsBetter, minimumPairs: 5) == .slower)
        #expect(Verdict.judge(r, polarity: .higherIsBetter) == .tooFew)
        #expect(Bootstrap.default.ratioOfMedians(fast, [0, 0]) == nil)
    }

    @Test(arguments: [
        (1.10, 1.05, 1.15, Metric.Polarity.higherIsBetter, Verdict.faster),
        (0.90, 0.85, 0.95, .higherIsBetter, .slower),
        (0.90, 0.85, 0.95, .lowerIsBetter, .faster),
        (1.10, 1.05, 1.15, .lowerIsBetter, .slower),
        (1.02, 1.01, 1.04, .higherIsBetter, .inconclusive),  // real, under the floor, not inside the band
        (1.05, 1.01, 1.09, .higherIsBetter, .inconclusive),  // the interval reaches under the 3% minimum effect
        (1.01, 0.99, 1.02, .higherIsBetter, .noDifference),  // whole interval inside 1 ± 3%
        (1.01, 0.90, 1.15, .higherIsBetter, .inconclusive),  // wide, straddles 1
        (1.10, 0.98, 1.25, .higherIsBetter, .inconclusive),  // big effect, but interval has 1
        (1.03, 1.01, 1.05, .higherIsBetter, .inconclusive),  // the estimate on the floor, the interval not beyond it
        (1.05, 1.03, 1.07, .higherIsBetter, .faster),        // the interval's lower end exactly on the minimum effect
        (0.971, 0.903, 0.977, .higherIsBetter, .inconclusive),  // −2.9% [−9.7%, −2.3%]: not "no difference"
    ])
    func verdictRule(ratio: Double, lower: Double, upper: Double,
                     polarity: Metric.Polarity, expected: Verdict) {
        let e = Estimate(value: ratio, interval: Interval(lower: lower, upper: upper), count: 10)
        #expect(Verdict.judge(e, polarity: polarity) == expected)
    }

    /// The two thresholds: a direction needs the minimum effect, "no difference" the floor. A real
    /// 1% effect with a tight interval is "slower" at a 0.5% minimum effect, although it lies
    /// inside the 1.5% margin; below the minimum effect the same interval is "no difference".
    @Test(arguments: [
        (1.010, 1.006, 1.014, 0.005, Verdict.slower),
        (1.010, 1.006, 1.014, 0.015, Verdict.noDifference),
        (1.004, 1.001, 1.007, 0.005, Verdict.noDifference),  // real but under the minimum effect
        (1.010, 0.998, 1.022, 0.005, Verdict.inconclusive),  // interval has 1 and leaves the margin
        (0.985, 0.975, 0.995, 0.005, Verdict.faster),
    ])
    func minimumEffectGivesTheDirectionAndTheFloorTheMargin(ratio: Double, lower: Double, upper: Double,
                                                             minEffect: Double, expected: Verdict) {
        let e = Estimate(value: ratio, interval: Interval(lower: lower, upper: upper), count: 20)
        #expect(Verdict.judge(e, polarity: .lowerIsBetter, floor: 0.015, minEffect: minEffect, adjustedP: 0.01) == expected)
    }

    /// Settled: the verdict stands when the estimate moves to either end of its interval (the
    /// interval moving with it). −0.8% ± 0.6% (lazy vs eager under `channel`, as sweeps read it)
    /// is not settled at a 1% minimum effect nor at 0.5%; −0.8% ± 0.25% reads "faster" at 0.5%
    /// (its interval ends at −0.55%) but is not settled (moved up by its half-width, its interval
    /// would reach −0.3%), and is a settled "no difference" at 1%; −1.5% ± 0.25% is a settled
    /// "faster"; a clear −13% is settled; an A/A-like 0 ± 0.4% is "no difference" at each end; a
    /// significant result whose adjusted p is not (Benjamini–Hochberg) is not settled.
    @Test(arguments: [
        (0.992, 0.986, 0.998, 0.01, false),
        (0.992, 0.986, 0.998, 0.005, false),
        (0.992, 0.9895, 0.9945, 0.005, false),
        (0.992, 0.9895, 0.9945, 0.01, true),
        (0.985, 0.9825, 0.9875, 0.005, true),
        (0.870, 0.864, 0.876, 0.005, true),
        (1.000, 0.996, 1.004, 0.005, true),
        (1.000, 0.990, 1.010, 0.005, false),  // moved to +1%, its interval leaves the 1.5% margin
    ])
    func settledVerdictsStandAtEitherEndOfTheirInterval(ratio: Double, lower: Double, upper: Double,
                                                        minEffect: Double, settled: Bool) {
        let e = Estimate(value: ratio, interval: Interval(lower: lower, upper: upper), count: 40)
        #expect(Verdict.isSettled(e, polarity: .lowerIsBetter, floor: 0.015, minEffect: minEffect, adjustedP: 0.001) == settled)
    }

    @Test func settledNeedsTheAdjustedPToAgreeAndEnoughPairs() {
        let e = Estimate(value: 0.95, interval: Interval(lower: 0.94, upper: 0.96), count: 40)
        #expect(Verdict.isSettled(e, polarity: .lowerIsBetter, floor: 0.015, minEffect: 0.005, adjustedP: 0.001))
        #expect(!Verdict.isSettled(e, polarity: .lowerIsBetter, floor: 0.015, minEffect: 0.005, adjustedP: 0.2))
        let few = Estimate(value: 0.95, interval: Interval(lower: 0.94, upper: 0.96), count: 9)
        #expect(!Verdict.isSettled(few, polarity: .lowerIsBetter, floor: 0.015, minEffect: 0.005))
    }

    @Test func fewerThanTenPairsIsTooFew() {
        let e = Estimate(value: 2, interval: Interval(lower: 1.9, upper: 2.1), count: 9)
        #expect(Verdict.judge(e, polarity: .higherIsBetter) == .tooFew)
        let tight = Estimate(value: 1, interval: Interval(lower: 0.999, upper: 1.001), count: 3)
        #expect(Verdict.judge(tight, polarity: .higherIsBetter) == .tooFew)
    }

    @Test func adjustedPValueGatesDirectionalVerdicts() {
        let e = Estimate(value: 1.10, interval: Interval(lower: 1.05, upper: 1.15), count: 20)
        #expect(Verdict.judge(e, polarity: .higherIsBetter, adjustedP: 0.01) == .faster)
        #expect(Verdict.judge(e, polarity: .higherIsBetter, adjustedP: 0.2) == .inconclusive)
    }

    @Test func polarity() {
        #expect(Metric.rps.polarity == .higherIsBetter)
        #expect(Metric.latP99.polarity == .lowerIsBetter)
        #expect(Metric.serverCPU.polarity == .lowerIsBetter)
        #expect(Metric.allCases.filter(\.isDeterministic) == [.closures, .luaAllocs, .luaBytes, .handoffs])
    }
}
