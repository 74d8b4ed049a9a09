import Foundation
import RoverReport
import RoverRunner
import Testing
import RoverKinds

/// The latency phase's plan: rates from the measured capacity, the seed's table-2 cells, one
/// sweep plan per family at every (connections, rate) point.
@Suite struct LatencyPlanTests {
    static let base: SweepPlan = {
        var p = SweepPlan(scenarios: ["params-only"], contexts: [.eager, .lazy], dispatchers: [.channel, .mutexPool, .affine],
                          workers: [1], connections: [64], repeats: 3)
        p.runtimes = [.lua54, .luajit]
        return p
    }()

    @Test func ratesAreFractionsOfTheMeasuredCapacity() {
        #expect(LatencyPlan.capacity([41_000, 39_000, 0]) == 40_000)  // a failed calibration (0) is left out
        #expect(LatencyPlan.capacity([]) == nil)
        #expect(LatencyPlan.rate(capacity: 40_000, fraction: 0.5) == 20_000)
        #expect(LatencyPlan.rate(capacity: 40_001, fraction: 0.8) == 32_001)
        #expect(LatencyPlan.rate(capacity: 0.4, fraction: 0.5) == 1)
    }

    @Test func tableTwoCellsAndOnePlanPerFamily() throws {
        let pairs = LatencyPlan.tableTwoPairs(of: Self.base)
        #expect(pairs == [.init(.eager, .channel), .init(.eager, .mutexPool)])
        var noPool = Self.base
        noPool.dispatchers = [.channel, .affine]
        #expect(LatencyPlan.tableTwoPairs(of: noPool).isEmpty)
        let families = LatencyPlan.families(of: Self.base)
        #expect(families.map(\.runtime) == [.lua54, .luajit])
        var plan = LatencyPlan(fractions: [0.5, 0.8], connections: [64, 1000], rounds: 10, duration: 1, warmup: 0.3,
                               pairs: pairs, seed: 42)
        plan.capacities = [
            .init(family: families[0], connections: 64, trials: [40_000, 42_000], rps: 41_000),
            .init(family: families[0], connections: 1000, trials: [30_000, 30_000], rps: 30_000),
            .init(family: families[1], connections: 64, trials: [20_000, 20_000], rps: 20_000),  // no 1000-conn capacity
        ]
        let plans = plan.plans(base: Self.base)
        #expect(plans.count == 2)
        let lua = try #require(plans.first)
        #expect(lua.loadPoints == [.init(connections: 64, rate: 20_500), .init(connections: 64, rate: 32_800),
                                   .init(connections: 1000, rate: 15_000), .init(connections: 1000, rate: 24_000)])
        #expect(lua.cells.count == 8 && lua.cells.allSatisfy { $0.context == .eager && $0.runtime == .lua54 && $0.rate > 0 })
        #expect(lua.trials.count == 80 && lua.repeats == 10)
        // Each (connections, rate) point is its own load group with its own eager + channel baseline.
        #expect(Set(lua.cells.map(\.group)).count == 4 && lua.cells.filter(\.isBaseline).count == 4)
        #expect(plans[1].loadPoints == [.init(connections: 64, rate: 10_000), .init(connections: 64, rate: 16_000)])
        #expect(plans[0].shuffleSeed != plans[1].shuffleSeed)
        // Saved and read back (latency.json): the same plans.
        let saved = try JSONDecoder().decode(LatencyPlan.self, from: JSONEncoder().encode(plan))
        #expect(saved.plans(base: Self.base) == plans)
        #expect(plan.reference(families[0], connections: 1000).id == "params-only.eager.channel.w1.c1000")
    }

    /// The latency duet's process pairs: round-major, every pool cell at every point once per
    /// round, and its method saved with the plan (old plans read as sequential).
    @Test func latencyDuetStepsAreRoundMajor() throws {
        let pairs = LatencyPlan.tableTwoPairs(of: Self.base)
        let families = LatencyPlan.families(of: Self.base)
        var plan = LatencyPlan(fractions: [0.5, 0.8], connections: [64, 1000], rounds: 10, duration: 1, warmup: 0.3,
                               pairs: pairs, seed: 7)
        plan.method = .duet
        plan.capacities = [.init(family: families[0], connections: 64, trials: [40_000], rps: 40_000),
                           .init(family: families[0], connections: 1000, trials: [30_000], rps: 30_000)]
        let duet = LatencyDuet(plan: plan, settings: DuetSettings(executable: "/bin/false"), scenarios: [],
                               directory: RunDirectory(url: URL(fileURLWithPath: "/nonexistent")))
        let steps = duet.steps(base: Self.base)
        #expect(steps.count == 4 * 10)  // one pool × 4 points × 10 rounds
        #expect(steps.map(\.round) == steps.map(\.round).sorted())
        for r in 0..<10 {
            let round = steps.filter { $0.round == r }
            #expect(Set(round.map(\.cell)).count == 4 && round.allSatisfy { $0.cell.dispatcher == .mutexPool && $0.cell.rate > 0 })
        }
        #expect(Set(steps.map(\.runID)).count == steps.count)
        // Rounds are shuffled: not every round in the same order.
        #expect(Set((0..<10).map { r in steps.filter { $0.round == r }.map(\.cell.id) }).count > 1)
        let saved = try JSONDecoder().decode(LatencyPlan.self, from: JSONEncoder().encode(plan))
        #expect(saved.resolvedMethod == .duet)
        plan.method = nil
        #expect(try JSONDecoder().decode(LatencyPlan.self, from: JSONEncoder().encode(plan)).resolvedMethod == .sequential)
    }

    /// Alone windows end the first process pairs of each comparison, never a control's.
    @Test func aloneWindowsGoToTheFirstPairsOfComparisons() {
        let base = CellKey(scenario: "params-only", context: .eager, dispatcher: .channel, workers: 1, connections: 64)
        let pool = DuetComparison(kind: .comparison, cell: base.with(dispatcher: .mutexPool), reference: base)
        let aa = DuetComparison(kind: .control, cell: base, reference: base)
        var plan = DuetPlan(comparisons: [aa, pool], starts: 20, controlStarts: 40)
        #expect(plan.order.allSatisfy { plan.aloneWindows($0) == 0 })
        plan.aloneStarts = 10
        plan.aloneWindows = 2
        let with = plan.order.filter { plan.aloneWindows($0) == 2 }
        #expect(with.count == 10 && with.allSatisfy { !$0.comparison.isControl && $0.start < 10 })
        #expect(Set(with.map(\.slot)) == [0, 1])
    }

    /// Later stages go to the points whose mean or P99 is unsettled, numbered on, shuffled.
    @Test func unsettledPointsGetAnotherStage() {
        func key(_ d: DispatcherKind, _ rate: Int) -> CellKey {
            CellKey(scenario: "params-only", context: .eager, dispatcher: d, workers: 1, connections: 1000, rate: rate)
        }
        // At 10k the pool is 40% faster in every pair; at 20k its P99 is ×0.2 or ×5 by turns.
        var records: [RunRecord] = []
        for k in 0..<10 {
            for (rate, factor) in [(10_000, 0.6 * (1 + 0.01 * Double(k % 3))), (20_000, k % 2 == 0 ? 0.2 : 5)] {
                let runID = "\(key(.mutexPool, rate).id)#\(k)"
                var pool = RunRecord(runID: runID, key: key(.mutexPool, rate), repeatIndex: k)
                var channel = RunRecord(runID: runID, key: key(.channel, rate), repeatIndex: k)
                for m in [Metric.latMean, .latP50, .latP99, .latP999] {
                    channel[m] = 1000
                    pool[m] = 1000 * factor
                }
                records += [pool, channel]
            }
        }
        #expect(LatencyDuet.unsettled(records) == [key(.mutexPool, 20_000)])
        var plan = LatencyPlan(fractions: [0.5], connections: [1000], rounds: 10, duration: 1, warmup: 0.3, pairs: [], seed: 3)
        plan.stages = 2
        #expect(plan.stageCount == 2 && LatencyPlan(fractions: [], connections: [], rounds: 2, duration: 1, warmup: 0,
                                                      pairs: [], seed: 0).stageCount == 1)
        let duet = LatencyDuet(plan: plan, settings: DuetSettings(executable: "/bin/false"), scenarios: [],
                               directory: RunDirectory(url: URL(fileURLWithPath: "/nonexistent")))
        let more = duet.steps(stage: 1, of: [key(.mutexPool, 20_000), key(.lockfreePool, 20_000)])
        #expect(more.count == 20 && Set(more.map(\.round)) == Set(10..<20))
        #expect(Set(more.map(\.runID)).isDisjoint(with: (0..<10).map { "\(key(.mutexPool, 20_000).id)#\($0)" }))
    }

    /// The warm-up grows with connections; a side is at steady state when its answers in the
    /// window are within 1% of its schedule's sends, and the reason names the side and which way.
    @Test func steadyStateRuleOnKnownInputs() throws {
        #expect(LatencyPlan.warmup(0.3, connections: 1000) == 1.3)
        #expect(abs(LatencyPlan.warmup(0, connections: 64) - 0.364) < 1e-12)  // at least 0.3 s
        #expect(LatencyPlan.warmup(2, connections: 0) == 2)
        #expect(LatencyPlan.steadyStateProblem(side: "channel", answered: 20_000, intended: 20_000) == nil)
        #expect(LatencyPlan.steadyStateProblem(side: "channel", answered: 20_200, intended: 20_000) == nil)  // 1.0%: in
        #expect(LatencyPlan.steadyStateProblem(side: "channel", answered: 19_800, intended: 20_000) == nil)
        #expect(LatencyPlan.steadyStateProblem(side: "channel", answered: 5, intended: nil) == nil)  // closed loop
        let backlog = try #require(LatencyPlan.steadyStateProblem(side: "mutex-pool", answered: 20_700, intended: 20_000))
        #expect(backlog == "not at steady state: mutex-pool answered 3.5% more than the schedule sent in the window (a backlog from before it)")
        let over = try #require(LatencyPlan.steadyStateProblem(side: "channel", answered: 19_700, intended: 20_000))
        #expect(over.contains("channel answered 1.5% fewer") && over.hasSuffix("(over capacity)"))
    }

    /// A point whose every pair was dropped has no comparison at all, and still gets another stage.
    @Test func aPointEmptiedByDroppedPairsGetsAnotherStage() {
        func key(_ d: DispatcherKind) -> CellKey {
            CellKey(scenario: "params-only", context: .eager, dispatcher: d, workers: 1, connections: 1000, rate: 21_000)
        }
        var records: [RunRecord] = []
        for k in 0..<10 {
            let runID = "\(key(.mutexPool).id)#\(k)"
            for d in [DispatcherKind.mutexPool, .channel] {
                var r = RunRecord(runID: runID, key: key(d), repeatIndex: k, status: .dropped, reason: "not at steady state: channel …")
                r[.latMean] = 1000; r[.latP99] = 9000
                records.append(r)
            }
        }
        #expect(LatencyDuet.unsettled(records) == [key(.mutexPool)])
        #expect(LatencyDuetSummary(records: records).comparisons.isEmpty)
    }
}
