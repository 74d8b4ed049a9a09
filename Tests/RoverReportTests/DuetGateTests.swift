import Foundation
@testable import RoverReport
import Testing

/// `gate --duet`: "B no slower than A by more than 1%" judged on the whole interval, on
/// simulated duets with a known truth.
@Suite struct DuetGateTests {
    static let lazy = DuetSummaryTests.lazy
    static let base = DuetSummaryTests.base

    static func summary(truth: Double, noise: Double = 0.003, controlNoise: Double = 0.003) -> DuetSummary {
        DuetSummary(records: DuetSummaryTests.windows(base, control: true, truth: 1, noise: controlNoise, seed: 2)
                    + DuetSummaryTests.windows(lazy, truth: truth, noise: noise, seed: 1))
    }

    @Test func noCostPassesAFivePercentCostIsARegression() {
        let same = DuetGate(Self.summary(truth: 1.0), maxSlowdown: 0.01)
        #expect(same.checks.count == 1 && same.outcome == .pass, "\(same.markdown)")
        let slower = DuetGate(Self.summary(truth: 1.05), maxSlowdown: 0.01)
        #expect(slower.outcome == .regression, "\(slower.markdown)")
        #expect(slower.checks[0].lower! > 1.01)
        // On req/s the same cost reads as fewer requests: also a regression.
        #expect(DuetGate(Self.summary(truth: 1.05), maxSlowdown: 0.01, metric: .rps).outcome == .regression)
        #expect(DuetGate(Self.summary(truth: 1.0), maxSlowdown: 0.01, metric: .rps).outcome == .pass)
    }

    @Test func anIntervalAcrossTheLimitCannotTell() {
        let gate = DuetGate(Self.summary(truth: 1.01, noise: 0.01), maxSlowdown: 0.01)
        #expect(gate.outcome == .cannotTell, "\(gate.markdown)")
        #expect(gate.checks[0].lower! <= 1.01 && gate.checks[0].upper! > 1.01)
    }

    @Test func aTooNoisyRunCannotTellAndAFailedComparisonFails() {
        let noisy = Self.summary(truth: 1.0, controlNoise: 0.2)
        #expect(noisy.machineTooNoisy)
        #expect(DuetGate(noisy, maxSlowdown: 0.01).outcome == .cannotTell)
        var failed = PairRecord(kind: .comparison, cell: Self.lazy, reference: Self.base)
        failed.status = .failed
        failed.reason = "side B exited"
        failed.window = -1
        let d = DuetSummary(records: DuetSummaryTests.windows(Self.base, control: true, truth: 1, seed: 2) + [failed])
        let gate = DuetGate(d, maxSlowdown: 0.01)
        #expect(gate.outcome == .failed && gate.checks[0].why == "side B exited")
        #expect(gate.markdown.contains("**failed**"))
    }

    @Test func onlyTheNamedComparisonIsChecked() {
        #expect(DuetGate(Self.summary(truth: 1.05), maxSlowdown: 0.01, only: "nothing-like-it").checks.isEmpty)
        #expect(DuetGate(Self.summary(truth: 1.05), maxSlowdown: 0.01, only: Self.lazy.id).checks.count == 1)
    }

    /// A command side's key says so in JSON and pairs.csv; a serve cell's files keep their shape.
    @Test func commandKeysRoundTripAndServeKeysKeepTheirShape() throws {
        let b = CellKey.command("B", connections: 64)
        #expect(b.external && b.id == "B.cmd.c64" && b.group.external)
        let json = String(decoding: try JSONEncoder().encode(Self.base), as: UTF8.self)
        #expect(!json.contains("external"))
        #expect(try JSONDecoder().decode(CellKey.self, from: JSONEncoder().encode(b)) == b)
        var r = PairRecord(kind: .comparison, cell: b, reference: CellKey.command("A", connections: 64))
        r.cellRequests = 1
        let back = try PairLog.decode(PairLog.encode([r]))
        #expect(back == [r] && back[0].reference.external && back[0].reference.scenario == "A")
        #expect(try PairLog.decode(PairLog.encode([PairRecord(kind: .comparison, cell: Self.lazy, reference: Self.base)]))[0].cell.external == false)
    }
}
