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

/// The validity check reads a comparison's alone windows when the run has them, and the duet's
/// own statistics leave them out.
@Suite struct AloneWindowTests {
    static let pool = DuetSummaryTests.base.with(dispatcher: .mutexPool)

    /// The alone rows of `starts` process pairs: the cell alone costs `truth` times the reference alone.
    static func alone(truth: Double, starts: Int = 10, noise: Double = 0.01, seed: UInt64 = 11) -> [PairRecord] {
        DuetSummaryTests.windows(pool, truth: truth, starts: starts, windows: 1, bias: 0, noise: noise, seed: seed).map {
            var r = $0
            r.kind = .alone
            r.window = 4
            return r
        }
    }

    @Test func aloneRowsAreNotTheDuets() throws {
        let duet = DuetSummaryTests.windows(Self.pool, truth: 0.90, seed: 3)
        let withAlone = DuetSummary(records: duet + Self.alone(truth: 1.2))
        let without = DuetSummary(records: duet)
        #expect(withAlone.rows == without.rows)
        #expect(withAlone.row(Self.pool)?.okWindows == 20)
    }

    @Test func theDuetAgreesWithItsAloneWindows() throws {
        let duet = DuetSummaryTests.windows(Self.pool, truth: 0.90, starts: 20, seed: 4)
        let controls = DuetSummaryTests.windows(DuetSummaryTests.base, control: true, truth: 1, starts: 20, seed: 5)
        let s = Summary(records: [], pairs: controls + duet + Self.alone(truth: 0.90))
        let check = try #require(s.validity?.first)
        #expect(check.outcome == .agree)
        #expect(check.method == "alone windows, n=10 pairs")
        #expect(abs(check.standalone.value - 0.90) < 0.01)
    }

    @Test func aloneWindowsThatDisagreeAreFlagged() throws {
        let duet = DuetSummaryTests.windows(Self.pool, truth: 0.90, starts: 20, seed: 6)
        let controls = DuetSummaryTests.windows(DuetSummaryTests.base, control: true, truth: 1, starts: 20, seed: 7)
        // Alone, the pool saves 20%, not 10%: co-location changes this answer.
        let s = Summary(records: [], pairs: controls + duet + Self.alone(truth: 0.80))
        let check = try #require(s.validity?.first)
        #expect(check.outcome == .colocationChanges)
        #expect(MarkdownExporter.render(s).contains("alone windows, n=10 pairs"))
        // Noisy alone windows (30% per window) cannot check a 10% effect.
        let noisy = Summary(records: [], pairs: controls + duet + Self.alone(truth: 0.90, noise: 0.3, seed: 8))
        #expect(noisy.validity?.first?.outcome == .standaloneTooNoisy)
    }
}
