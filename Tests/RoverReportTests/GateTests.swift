import Foundation
import Testing
@testable import RoverReport

@Suite struct GateTests {
    static let baseline = Summary(records: Fixtures.runs())
    static let lazyBeatsEagerOnCPU = ComparisonRule(scenario: "params-only", dispatcher: "mutex-pool",
                                                    better: "lazy", worse: "eager", metric: .serverCPU)
    static let rules = GateRules(comparisons: [lazyBeatsEagerOnCPU])

    @Test func identicalRunPasses() {
        let report = Gate.evaluate(baseline: Self.baseline, current: RunSet(Fixtures.runs()), rules: Self.rules)
        #expect(report.outcome == .pass)
        #expect(report.checks.filter { $0.kind == .counter }.count == 4 * 4)
        #expect(report.checks.filter { $0.kind == .throughput }.allSatisfy { $0.status == .advisory })
        let cmp = report.checks.first { $0.kind == .comparison }
        #expect(cmp?.status == .pass && cmp?.detail.hasSuffix("faster") == true)
        #expect(report.markdown.hasPrefix("### rover-bench gate: pass (exit 0)\n"))
    }

    @Test func oneExtraClosurePerRequestIsARegression() throws {
        let report = Gate.evaluate(baseline: Self.baseline, current: RunSet(Fixtures.runs(extraClosure: true)),
                                   rules: Self.rules)
        #expect(report.outcome == .regression)
        #expect(report.outcome.exitCode == 2)
        let bad = report.checks.filter { $0.status == .regression }
        #expect(bad.map(\.subject) == ["params-only.lazy.channel.w2.c64", "params-only.lazy.mutex-pool.w2.c64"])
        #expect(bad.allSatisfy { $0.metric == .closures && $0.baseline == "1" && $0.current == "2" })
        #expect(report.markdown.contains(
            "| counter | params-only.lazy.channel.w2.c64 | closures_per_req | 1 | 2 | regression | Δ +1, tolerance ±0.05 |"))
    }

    @Test func withinToleranceIsNotARegression() {
        var runs = Fixtures.runs()
        for i in runs.indices { runs[i].luaAllocsPerReq += 0.04 }  // under the 0.05 absolute allowance
        #expect(Gate.evaluate(baseline: Self.baseline, current: RunSet(runs), rules: Self.rules).outcome == .pass)
    }

    @Test func fewerAllocationsOnlyIsAnImprovement() {
        var runs = Fixtures.runs()
        for i in runs.indices where runs[i].context == "lazy" { runs[i].luaAllocsPerReq -= 1 }
        let report = Gate.evaluate(baseline: Self.baseline, current: RunSet(runs), rules: Self.rules)
        #expect(report.outcome == .improvement && report.outcome.exitCode == 3)
    }

    @Test func newCellAsksForABaselineRefresh() {
        let extra = (0..<3).map {
            Fixtures.run(Fixtures.key("cached", "affine"), repeat: $0, rps: 31_000, cpu: 30, closures: 1, allocs: 8, handoffs: 0)
        }
        let report = Gate.evaluate(baseline: Self.baseline, current: RunSet(Fixtures.runs() + extra), rules: Self.rules)
        #expect(report.outcome == .improvement)
        #expect(report.checks.contains { $0.status == .new && $0.subject == "params-only.cached.affine.w2.c64" })
    }

    @Test func noisyComparisonIsInconclusiveNotAFailure() {
        // Two contexts whose CPU samples overlap: the interval straddles 1.0.
        let a: [Double] = [100, 90, 110, 95, 105], b: [Double] = [101, 92, 108, 97, 103]
        var runs: [RunRecord] = []
        for i in 0..<5 {
            runs.append(Fixtures.run(Fixtures.key("eager", "affine"), repeat: i, rps: 1000, cpu: a[i], closures: 4, allocs: 11, handoffs: 0))
            runs.append(Fixtures.run(Fixtures.key("cached", "affine"), repeat: i, rps: 1000, cpu: b[i], closures: 1, allocs: 8, handoffs: 0))
        }
        let rule = ComparisonRule(scenario: "params-only", dispatcher: "affine", better: "cached", worse: "eager", metric: .serverCPU)
        let report = Gate.evaluate(baseline: Summary(records: runs), current: RunSet(runs), rules: GateRules(comparisons: [rule]))
        #expect(report.outcome == .inconclusive && report.outcome.exitCode == 4)
        #expect(report.checks.first { $0.kind == .comparison }?.status == .inconclusive)
    }

    @Test func comparisonTheWrongWayIsARegression() {
        let rule = ComparisonRule(scenario: "params-only", dispatcher: "mutex-pool", better: "eager", worse: "lazy", metric: .serverCPU)
        let report = Gate.evaluate(baseline: Self.baseline, current: RunSet(Fixtures.runs()), rules: GateRules(comparisons: [rule]))
        #expect(report.outcome == .regression)
    }

    @Test func dispatcherAxisAndMissingCells() {
        let byDispatcher = ComparisonRule(scenario: "params-only", context: "eager", better: "mutex-pool",
                                          worse: "channel", metric: .rps)
        #expect(byDispatcher.cells(in: Fixtures.group)?.better == Fixtures.key("eager", "mutex-pool"))
        let missing = ComparisonRule(scenario: "params-only", context: "eager", better: "lockfree-pool",
                                     worse: "channel", metric: .rps)
        let report = Gate.evaluate(baseline: Self.baseline, current: RunSet(Fixtures.runs()),
                                   rules: GateRules(comparisons: [byDispatcher, missing]))
        #expect(report.checks.filter { $0.kind == .comparison }.map(\.status) == [.pass, .missing])
        #expect(report.outcome == .inconclusive)
        // A baseline cell absent from the run is missing too.
        let partial = RunSet(Fixtures.runs().filter { $0.context == "eager" })
        #expect(Gate.evaluate(baseline: Self.baseline, current: partial, rules: GateRules()).outcome == .inconclusive)
    }

    @Test func throughputIsAdvisoryUnlessEnforced() {
        var slow = Fixtures.runs()
        for i in slow.indices { slow[i].rps *= 0.5 }
        #expect(Gate.evaluate(baseline: Self.baseline, current: RunSet(slow), rules: GateRules()).outcome == .pass)
        let enforced = GateRules(throughput: .init(tolerance: 0.1, enforce: true))
        #expect(Gate.evaluate(baseline: Self.baseline, current: RunSet(slow), rules: enforced).outcome == .regression)
    }

    @Test func rulesFileParsing() throws {
        let json = """
        {"comparisons":[{"scenario":"params-only","dispatcher":"mutex-pool","better":"lazy","worse":"eager",
          "metric":"server_cpu_us_per_req"}], "counter_tolerance": {"relative": 0, "absolute": 0.5}}
        """
        let rules = try JSONDecoder().decode(GateRules.self, from: Data(json.utf8))
        #expect(rules.comparisons == [Self.lazyBeatsEagerOnCPU])
        #expect(rules.counterTolerance == .init(relative: 0, absolute: 0.5))
        #expect(rules.counters == [.closures, .luaAllocs, .luaBytes, .handoffs] && rules.floor == 0.03)
        #expect(rules.throughput == .init(tolerance: 0.1, enforce: false))
        let ambiguous = ComparisonRule(scenario: "s", better: "a", worse: "b", metric: .rps)
        #expect(ambiguous.resolvedAxis == nil && ambiguous.cells(in: Fixtures.group) == nil)
    }
}
