import Testing
@testable import RoverReport
import RoverKinds

/// The duet-against-alone check on known inputs.
@Suite struct DuetValidityTests {
    static func e(_ v: Double, _ lo: Double, _ hi: Double, _ n: Int = 20) -> Estimate {
        Estimate(value: v, interval: Interval(lower: lo, upper: hi), count: n)
    }

    @Test func theRule() {
        let duet = Self.e(0.87, 0.86, 0.88)
        // Alone reads the same −13%, tightly: agree.
        #expect(DuetValidity.judge(Self.e(1.0, 0.97, 1.03), duet: duet, minEffect: 0.005) == .agree)
        // Alone reads −5%: duet ÷ alone is −8% [−10%, −6%], beyond the minimum effect.
        #expect(DuetValidity.judge(Self.e(0.92, 0.90, 0.94), duet: duet, minEffect: 0.005) == .colocationChanges)
        // Three noisy rounds: duet ÷ alone is ±25%, wider than the −13% effect.
        #expect(DuetValidity.judge(Self.e(1.0, 0.80, 1.25), duet: duet, minEffect: 0.005) == .standaloneTooNoisy)
        // A tiny duet effect: only an interval within the minimum effect can agree.
        #expect(DuetValidity.judge(Self.e(1.0, 0.99, 1.01), duet: Self.e(0.996, 0.993, 0.999), minEffect: 0.005) == .standaloneTooNoisy)
    }

    @Test func aCheckCombinesBothIntervals() throws {
        let duetRatios: [[Double]] = (0..<20).map { (i: Int) -> [Double] in [0.87 * (1 + 0.002 * Double(i % 5 - 2))] }
        let aloneRatios: [[Double]] = (0..<10).map { (i: Int) -> [Double] in [0.87 * (1 + 0.01 * Double(i % 5 - 2))] }
        let duet = try #require(PairedTest(clusters: duetRatios))
        let alone = try #require(PairedTest(clusters: aloneRatios))
        let cell = Fixtures.key(.eager, .mutexPool), reference = Fixtures.key(.eager, .channel)
        let checked = DuetValidity.check(id: "x", cell: cell, reference: reference, duet: duet, standalone: alone.estimate,
                                         standaloneClusters: alone.clusters, minEffect: 0.005)
        let c = try #require(checked)
        #expect(abs(c.ratio.value - 1) < 0.002)
        // Wider than either input interval alone, and the two agree.
        #expect(c.ratio.interval.upper - c.ratio.interval.lower > alone.interval.upper / alone.ratio - alone.interval.lower / alone.ratio)
        #expect(c.outcome == .agree)
    }
}
