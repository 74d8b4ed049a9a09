import RoverSystem
import RoverReport
import RoverRunner
import Testing
import RoverKinds

@Suite struct SweepPlanTests {
    /// The run order is part of the method: pinned here.
    @Test func orderIsRepeatMajorAndAxisOrdered() {
        let plan = SweepPlan(scenarios: ["a", "b"], contexts: [.eager, .lazy], dispatchers: [.channel, .mutexPool],
                             workers: [2], connections: [64], repeats: 2)
        let ids = plan.trials.map { "\($0.cell.id)#\($0.repeatIndex)" }
        let cells = ["a.eager.channel.w2.c64", "a.eager.mutex-pool.w2.c64", "a.lazy.channel.w2.c64",
                     "a.lazy.mutex-pool.w2.c64", "b.eager.channel.w2.c64", "b.eager.mutex-pool.w2.c64",
                     "b.lazy.channel.w2.c64", "b.lazy.mutex-pool.w2.c64"]
        #expect(ids == cells.map { "\($0)#0" } + cells.map { "\($0)#1" })
    }

    @Test func everyLoadGroupHasItsBaseline() {
        let plan = SweepPlan(scenarios: ["a"], contexts: [.eager, .lazy], dispatchers: [.channel, .affine],
                             workers: [1, 4], connections: [16, 64], repeats: 1)
        #expect(plan.cells.count == 2 * 2 * 2 * 2)
        for cell in plan.cells {
            #expect(plan.cells.contains(cell.baseline), "\(cell.id) has no baseline cell")
        }
    }

    @Test func openLoopRateIsPartOfTheCell() {
        let plan = SweepPlan(scenarios: ["a"], contexts: [.eager], dispatchers: [.channel], workers: [2],
                             connections: [8], rate: 5000, repeats: 1)
        #expect(plan.cells.map(\.id) == ["a.eager.channel.w2.c8.r5000"])
    }
}

@Suite struct CPUListTests {
    @Test func parses() {
        #expect(CPUList.parse("0", cores: 2) == [0])
        #expect(CPUList.parse("0-1", cores: 2) == [0, 1])
        #expect(CPUList.parse("0,1", cores: 4) == [0, 1])
        #expect(CPUList.parse("2", cores: 2) == nil)
        #expect(CPUList.parse("1-0", cores: 2) == nil)
        #expect(CPUList.parse("x", cores: 2) == nil)
        #expect(CPUList.parse("", cores: 2) == nil)
    }
}
