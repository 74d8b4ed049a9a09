import Foundation
import RoverKinds
import RoverReport
import RoverRunner
import Testing

/// The staged duet on simulated process pairs with known truth, run through the same pieces a
/// sweep uses (``DuetPlan/order(stage:of:)`` for which starts a stage adds, ``DuetSummary`` for
/// the verdicts and for what is unsettled). The spread is this machine's, measured over the ten
/// sweeps of `Results/verdicts-20261202/sweeps-control40`: a bias of sd 1.05% per process pair
/// (memory layout: it lasts as long as the processes) and sd 0.98% per 0.4 s window.
///
/// What it shows: a real effect of −1.2% CPU per request (lazy vs eager under `channel` read −0.84%
/// to −1.43% in ten Intel sweeps) gets one verdict in two runs far more often with stages than
/// with the first stage alone, and the interval still covers the truth. Because the minimum effect
/// applies to the whole interval, an effect settles only about two half-widths beyond it: −0.83%
/// stays borderline even with stages.
@Suite struct StagedDuetSimulationTests {
    static let base = CellKey(scenario: "params-only", context: .eager, dispatcher: .channel, workers: 1, connections: 64)
    static let cell = base.with(context: .lazy)

    struct Draw {
        var rng: SplitMix64
        mutating func normal() -> Double {
            let u1 = max(Double(rng.next() >> 11) / 9_007_199_254_740_992, 1e-300)
            let u2 = Double(rng.next() >> 11) / 9_007_199_254_740_992
            return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        }
    }

    /// One simulated duet phase: the A/A control (truth 1) and one comparison (CPU per request
    /// `truth` times the reference's), 20 process pairs (40 for the control) of 2 windows per
    /// stage, up to `stages`. Returns the comparison's CPU test.
    static func experiment(truth: Double, stages: Int, seed: UInt64) -> DuetSummary.Test? {
        let plan = DuetPlan(comparisons: DuetPlan.comparisons(for: [base, cell]), starts: 20, controlStarts: 40,
                            stages: stages, windows: 2)
        var draw = Draw(rng: SplitMix64(seed: seed))
        var records: [PairRecord] = []
        for stage in 0..<plan.stageCount {
            let open = plan.comparisons(inStage: stage,
                                        unsettled: stage == 0 ? [] : Set(DuetSummary(records: records).unsettled))
            if open.isEmpty { break }
            for step in plan.order(stage: stage, of: open) {
                let bias = 0.0105 * draw.normal()
                let t = step.comparison.isControl ? 1 : truth
                for w in 0..<plan.windows {
                    var r = PairRecord(kind: step.comparison.isControl ? .control : .comparison,
                                       cell: step.comparison.cell, reference: step.comparison.reference)
                    r.start = step.start; r.window = w; r.slot = step.slot; r.seconds = 0.4
                    r.refRequests = 10_000; r.refCPUNanos = 100_000_000
                    r.cellRequests = 10_000
                    r.cellCPUNanos = 100_000_000 * t * exp(bias + 0.0098 * draw.normal())
                    records.append(r)
                }
            }
        }
        return DuetSummary(records: records).row(cell)?.cpu
    }

    struct Tally {
        var verdicts: [Verdict: Int] = [:]
        var covered = 0
        var runs = 0
        var meanStarts = 0.0
        /// The chance that two independent runs give the same verdict.
        var agreement: Double { verdicts.values.reduce(0) { $0 + pow(Double($1) / Double(runs), 2) } }
        var coverage: Double { Double(covered) / Double(runs) }
    }

    static func tally(truth: Double, stages: Int, runs: Int) -> Tally {
        var t = Tally()
        for i in 0..<runs {
            guard let test = experiment(truth: truth, stages: stages, seed: 0x5EED_0000 + UInt64(i)) else { continue }
            t.runs += 1
            t.verdicts[test.verdict, default: 0] += 1
            if test.test.interval.lower <= truth && truth <= test.test.interval.upper { t.covered += 1 }
            t.meanStarts += Double(test.test.clusters) / Double(runs)
        }
        return t
    }

    /// ROVER_SIMULATION_PRINT=1 prints each tally (the figures quoted in docs come from it).
    static func show(_ name: String, _ t: Tally) {
        guard getenv("ROVER_SIMULATION_PRINT") != nil else { return }
        let verdicts = t.verdicts.sorted { $0.value > $1.value }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        print(String(format: "%@: %@; two runs agree %.3f; coverage %.3f; mean process pairs %.1f", name, verdicts,
                     t.agreement, t.coverage, t.meanStarts))
    }

    @Test func stagesMakeABorderlineVerdictRepeat() {
        let fixed = Self.tally(truth: 0.988, stages: 1, runs: 300)
        let staged = Self.tally(truth: 0.988, stages: 4, runs: 300)
        Self.show("fixed", fixed); Self.show("staged", staged)
        #expect(fixed.agreement < 0.85, "\(fixed)")
        #expect(staged.agreement >= 0.95, "\(staged)")
        #expect(staged.verdicts[.faster, default: 0] > 270 && staged.verdicts[.slower] == nil, "\(staged)")
        #expect(staged.meanStarts > 30 && staged.meanStarts <= 80, "\(staged)")
        #expect(staged.coverage >= 0.90, "\(staged)")
        // The price of the interval rule: −0.83%, less than two half-widths past the 0.5% minimum
        // effect even at 80 process pairs, is still read "faster" in some runs and "no
        // difference" in others (about half agree), and is marked unsettled.
        let near = Self.tally(truth: 0.9917, stages: 4, runs: 300)
        Self.show("near the minimum effect", near)
        #expect(near.agreement < 0.8 && near.verdicts[.slower] == nil, "\(near)")
    }

    /// The price of stopping once a verdict is clear: coverage can fall below 95% near a
    /// threshold (89.7% at −0.83% in the test above); on the minimum effect itself and for a clear
    /// effect that never needs a second stage it stays near 95%.
    @Test func coverageWithStages() {
        let clear = Self.tally(truth: 0.87, stages: 4, runs: 200)
        #expect(abs(clear.meanStarts - 20) < 1e-9 && clear.coverage >= 0.90 && clear.coverage <= 0.99, "\(clear)")
        let onTheThreshold = Self.tally(truth: 1 - Verdict.defaultPairedMinEffect, stages: 4, runs: 200)
        Self.show("clear", clear); Self.show("on the threshold", onTheThreshold)
        #expect(onTheThreshold.coverage >= 0.80, "\(onTheThreshold)")
    }
}
