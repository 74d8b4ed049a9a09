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
