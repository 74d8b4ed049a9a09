import Testing
@testable import RoverReport
import RoverKinds

/// Comparisons pair runs by repeat when they can, so drift shared by a round cancels out.
@Suite struct PairedComparisonTests {
    static let base = Fixtures.key(.eager, .channel)
    static let lazy = Fixtures.key(.lazy, .channel)

    static func runs(_ key: CellKey, _ values: [Double], repeats: [Int]? = nil) -> [RunRecord] {
        zip(repeats ?? Array(values.indices), values).map { r, v in
            Fixtures.run(key, repeat: r, rps: v, cpu: 1_000_000 / v, closures: 1, allocs: 8, handoffs: 2)
        }
    }

    /// A machine that drifts ±20% between rounds, and a cell that is exactly 5% faster in every
    /// round: unpaired the drift swamps it (inconclusive); paired it is a clean "faster".
    /// Three rounds are "too few runs" whatever they show.
    @Test func driftingMachineIsCancelledByPairing() throws {
        let three = RunSet(Self.runs(Self.base, [100_000, 120_000, 80_000])
                           + Self.runs(Self.lazy, [105_000, 126_000, 84_000]))
        #expect(try #require(three.compare(Self.lazy, against: Self.base, on: .rps)).verdict == .tooFew)
        let drift: [Double] = (0..<10).map { [100_000, 120_000, 80_000][$0 % 3] + Double($0) * 1000 }
        let set = RunSet(Self.runs(Self.base, drift) + Self.runs(Self.lazy, drift.map { $0 * 1.05 }))
        let paired = try #require(set.compare(Self.lazy, against: Self.base, on: .rps))
        #expect(abs(paired.ratio.value - 1.05) < 1e-9)
        #expect(abs(paired.ratio.interval.lower - 1.05) < 1e-9 && abs(paired.ratio.interval.upper - 1.05) < 1e-9)
        #expect(paired.verdict == .faster)
        let unpaired = try #require(Bootstrap.default.ratioOfMedians(drift.map { $0 * 1.05 }, drift))
        #expect(Verdict.judge(unpaired, polarity: .higherIsBetter) == .inconclusive)
    }

    @Test func unmatchedRepeatsFallBackToTheRatioOfMedians() throws {
        let set = RunSet(Self.runs(Self.base, [100, 110, 90], repeats: [0, 1, 2])
                         + Self.runs(Self.lazy, [120, 130], repeats: [0, 3]))
        #expect(set.pairedRatios(Self.lazy, Self.base, .rps) == nil)
        let c = try #require(set.compare(Self.lazy, against: Self.base, on: .rps))
        #expect(abs(c.ratio.value - 125.0 / 100.0) < 1e-9)
    }

    @Test func pairsNeedAtLeastTwoRepeats() {
        let set = RunSet(Self.runs(Self.base, [100]) + Self.runs(Self.lazy, [120]))
        #expect(set.pairedRatios(Self.lazy, Self.base, .rps) == nil)
    }
}
