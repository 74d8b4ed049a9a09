import Foundation
import RoverReport
import RoverRunner
import Testing
import RoverKinds

/// The duet's and the sequential phase's run orders are part of the method: pinned here.
@Suite struct DuetPlanTests {
    static let cells = SweepPlan(scenarios: ["a", "b"], contexts: [.eager, .lazy], dispatchers: [.channel, .affine],
                                 workers: [1], connections: [64], repeats: 1).cells

    /// Each reference in use gets its A/A control first: the seed's eager + channel for every
    /// cell, except another context under affine, which is compared with eager + affine.
    @Test func everyReferenceGetsItsControlFirstThenItsCells() {
        let c = DuetPlan.comparisons(for: Self.cells)
        #expect(c.map(\.id) == ["a/a.a.eager.channel.w1.c64", "a.eager.affine.w1.c64", "a.lazy.channel.w1.c64",
                                "a/a.a.eager.affine.w1.c64", "a.lazy.affine.w1.c64~eager.affine",
                                "a/a.b.eager.channel.w1.c64", "b.eager.affine.w1.c64", "b.lazy.channel.w1.c64",
                                "a/a.b.eager.affine.w1.c64", "b.lazy.affine.w1.c64~eager.affine"])
        #expect(c.filter(\.isControl).allSatisfy { $0.cell == $0.reference && $0.cell.context == .eager })
        #expect(c.filter { !$0.isControl }.allSatisfy {
            $0.reference == ($0.cell.context != .eager && $0.cell.dispatcher == .affine
                             ? $0.cell.with(context: .eager) : $0.cell.baseline)
        })
        // A group without its baseline gets no comparison at all.
        #expect(DuetPlan.comparisons(for: Self.cells.filter { !$0.isBaseline }).isEmpty)
    }

    /// Every run draws a fresh seed (so order effects are re-randomized from run to run, not
    /// repeated); the plan records it, and the recorded seed replays the same order.
    @Test func freshSeedsAreRecordedAndReplayTheSameOrder() throws {
        let a = DuetPlan.freshSeed(), b = DuetPlan.freshSeed()
        #expect(a != b && a != Bootstrap.defaultSeed)
        let comparisons = DuetPlan.comparisons(for: Self.cells)
        let plan = DuetPlan(comparisons: comparisons, starts: 4, stages: 2, seed: a)
        let saved = try JSONDecoder().decode(DuetPlan.self, from: JSONEncoder().encode(plan))
        #expect(saved.seed == a)
        #expect(DuetPlan(comparisons: comparisons, starts: 4, stages: 2, seed: saved.seed).order == plan.order)
        #expect(saved.order(stage: 1, of: comparisons) == plan.order(stage: 1, of: comparisons))
        #expect(DuetPlan(comparisons: comparisons, starts: 4, stages: 2, seed: b).order != plan.order)
    }

    /// Start-major (every comparison has pair s before any has s + 1), a fresh random order for
    /// every start, slots swapped on every other start (counterbalanced), reproducible.
    @Test func orderIsStartMajorShuffledAndCounterbalanced() {
        let plan = DuetPlan(comparisons: DuetPlan.comparisons(for: Self.cells), starts: 4)
        let order = plan.order, n = plan.comparisons.count
        #expect(order.count == n * 4)
        for s in 0..<4 {
            let round = order[(s * n)..<(s * n + n)]
            #expect(round.allSatisfy { $0.start == s && $0.slot == s % 2 })
            #expect(Set(round.map(\.comparison.id)).count == n)
        }
        let rounds = (0..<4).map { s in order[(s * n)..<(s * n + n)].map(\.comparison.id) }
        #expect(Set(rounds).count > 1, "every start ran the comparisons in the same order")
        #expect(plan.order == order)
        for c in plan.comparisons {
            let slots = order.filter { $0.comparison == c }.map(\.slot)
            #expect(slots.filter { $0 == 0 }.count == slots.filter { $0 == 1 }.count)
        }
    }

    /// A/A controls get more process pairs (their bound sets their group's margin), spread over
    /// the same rounds as the comparisons' (two per round here), counterbalanced, and a plan
    /// written before `controlStarts` existed still reads with one per round.
    @Test func controlsGetMorePairsSpreadOverTheSameRounds() throws {
        let plan = DuetPlan(comparisons: DuetPlan.comparisons(for: Self.cells), starts: 4, controlStarts: 8)
        let order = plan.order
        #expect(order.count == plan.pairCount)
        #expect(plan.pairCount == plan.comparisons.filter(\.isControl).count * 8 + plan.comparisons.filter { !$0.isControl }.count * 4)
        for c in plan.comparisons {
            let mine = order.filter { $0.comparison == c }
            #expect(mine.map(\.start).sorted() == Array(0..<(c.isControl ? 8 : 4)))
            #expect(mine.filter { $0.slot == 0 }.count == mine.filter { $0.slot == 1 }.count)
        }
        // Rounds: each comparison's start r sits among the controls' starts 2r and 2r + 1.
        let comparisonRounds = order.enumerated().filter { !$0.element.comparison.isControl }
        for (i, step) in comparisonRounds {
            let controlsBefore = order[..<i].filter { $0.comparison == plan.comparisons[0] }.count
            #expect(controlsBefore >= 2 * step.start && controlsBefore <= 2 * step.start + 2)
        }
        #expect(plan.shape.contains("A/A controls: 8"))

        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(plan)) as! [String: Any]
        old.removeValue(forKey: "controlStarts")
        let read = try JSONDecoder().decode(DuetPlan.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(read.controlStarts == nil && read.order.count == plan.comparisons.count * 4)
    }

    /// A later stage runs only the comparisons it is given, as many starts again as the first
    /// stage gave each (numbered on from them), spread over rounds, counterbalanced, in an order
    /// of its own; stage 0 is the first stage's order; old plans have one stage.
    @Test func laterStagesNumberTheirStartsOnAndKeepSlotsBalanced() throws {
        let plan = DuetPlan(comparisons: DuetPlan.comparisons(for: Self.cells), starts: 4, controlStarts: 8, stages: 3)
        #expect(plan.order(stage: 0, of: plan.comparisons) == plan.order)
        let chosen = [plan.comparisons[0], plan.comparisons[2]]  // a control and a comparison
        #expect(chosen[0].isControl && !chosen[1].isControl)
        #expect(plan.comparisons(inStage: 0, unsettled: []) == plan.comparisons)
        #expect(plan.comparisons(inStage: 1, unsettled: Set(chosen.map(\.id) + ["gone"])) == chosen)
        let second = plan.order(stage: 1, of: chosen), third = plan.order(stage: 2, of: chosen)
        #expect(Set(second.map(\.comparison)) == Set(chosen))
        #expect(second.filter { $0.comparison == chosen[0] }.map(\.start).sorted() == Array(8..<16))
        #expect(second.filter { $0.comparison == chosen[1] }.map(\.start).sorted() == Array(4..<8))
        #expect(third.filter { $0.comparison == chosen[1] }.map(\.start).sorted() == Array(8..<12))
        for c in chosen {
            let mine = second.filter { $0.comparison == c }
            #expect(mine.filter { $0.slot == 0 }.count == mine.filter { $0.slot == 1 }.count)
        }
        #expect(plan.stageCount == 3 && plan.shape.contains("up to 3×"))
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(plan)) as! [String: Any]
        old.removeValue(forKey: "stages")
        let read = try JSONDecoder().decode(DuetPlan.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(read.stages == nil && read.stageCount == 1 && !read.shape.contains("up to"))
    }

    @Test func strategyPairsSelectCellsOfTheAxes() {
        var plan = SweepPlan(scenarios: ["a"], contexts: [.eager, .lazy, .shared], dispatchers: [.channel, .affine, .mutexPool],
                             workers: [1], connections: [64], repeats: 1)
        plan.strategyPairs = [.init(.eager, .channel), .init(.lazy, .mutexPool), .init(.shared, .affine),
                              .init(.userdata, .coroutine)]  // the last is not on the axes: never run
        #expect(plan.cells.map { "\($0.context)+\($0.dispatcher)" } == ["eager+channel", "lazy+mutex-pool", "shared+affine"])
    }

    @Test func sequentialRoundsAreShuffledWhenSeeded() {
        var plan = SweepPlan(scenarios: ["a"], contexts: [.eager, .lazy, .cached], dispatchers: [.channel, .affine],
                             workers: [1], connections: [64], repeats: 3)
        let fixed = plan.trials
        plan.shuffleSeed = 42
        let shuffled = plan.trials
        #expect(shuffled == plan.trials)
        for r in 0..<3 {
            let round = shuffled.filter { $0.repeatIndex == r }.map(\.cell)
            #expect(Set(round) == Set(plan.cells) && round.count == plan.cells.count)
            #expect(Array(shuffled[(r * 6)..<(r * 6 + 6)]).allSatisfy { $0.repeatIndex == r })
        }
        #expect(shuffled != fixed)
    }
}
