import Foundation
import Testing
@testable import RoverReport
import RoverKinds

@Suite struct GateTests {
    static let baseline = Summary(records: Fixtures.runs())
    static let lazyBeatsEagerOnCPU = ComparisonRule(scenario: "params-only", dispatcher: .mutexPool,
                                                    better: "lazy", worse: "eager", metric: .serverCPU)
    static let rules = GateRules(comparisons: [lazyBeatsEagerOnCPU])

    @Test func identicalRunPasses() {
        let report = Gate.evaluate(baseline: Self.baseline, current: RunSet(Fixtures.runs()), rules: Self.rules)
        #expect(report.outcome == .pass)
        #expect(report.checks.filter { $0.kind == .counter }.count == 4 * 4)
        #expect(report.checks.filter { $0.kind == .throughput }.allSatisfy { $0.status == .advisory })
        // A timing rule is advisory unless it opts in: reported with its verdict, never failing.
        let cmp = report.checks.first { $0.kind == .comparison }
        #expect(cmp?.status == .advisory && cmp?.detail.hasSuffix("too few runs") == true)
        #expect(report.markdown.hasPrefix("### rover-bench gate: pass (exit 0)\n"))
    }

    /// The repository's own baseline (its counters pass over every cell, its instruction counts,
    /// its rules) gated against itself: identical code and run give exit 0.
    @Test func committedBaselinePassesAgainstItself() throws {
        let dir = RenderTests.repoRoot.appendingPathComponent("Results/baseline")
        let rules = try GateFiles.loadRules(dir.appendingPathComponent("gate.json"))
        let counts = try InstructionCounts.load(dir.appendingPathComponent(InstructionCounts.fileName))
        let report = Gate.evaluate(baseline: try GateFiles.loadBaseline(dir), current: try GateFiles.loadCurrent(dir),
                                   rules: rules, instructions: (counts, counts))
        #expect(report.outcome == .pass, "\(report.markdown)")
        #expect(report.checks.filter { $0.kind == .comparison }.allSatisfy { $0.status == .pass })
        #expect(report.checks.filter { $0.kind == .instructions }.count == counts.subjects.count)
        #expect(report.checks.filter { $0.kind == .counter }.count >= 48 * rules.counters.count)
    }

    /// A sweep whose server crashed in every trial has no ok run at all: exit 2, with the reason.
    @Test func allFailedRunIsARegression() {
        let failed = Fixtures.runs().map { r -> RunRecord in
            var r = r
            r.status = .failed
            r.reason = "server died (killed by signal 11 (SIGSEGV)): boom"
            return r
        }
        let report = Gate.evaluate(baseline: Self.baseline, current: RunSet(failed), rules: Self.rules)
        #expect(report.outcome == .regression && report.outcome.exitCode == 2)
        let failures = report.checks.filter { $0.kind == .failure }
        #expect(failures.count == 4 && failures.allSatisfy { $0.status == .failed })
        #expect(failures.first?.current == "5 of 5 trials failed")
        #expect(failures.first?.detail.contains("SIGSEGV") == true)
        #expect(report.checks.filter { $0.status == .missing }.count == 4 + 1)  // every cell, and the rule's cells
    }

    /// One failed trial among ok ones fails the gate too: a crash is never noise.
    @Test func oneFailedTrialIsARegression() {
        var runs = Fixtures.runs()
        runs[3].status = .failed
        runs[3].reason = "wrong response: 500 {\"error\":\"x\"}"
        let report = Gate.evaluate(baseline: Self.baseline, current: RunSet(runs), rules: Self.rules)
        #expect(report.outcome == .regression)
        #expect(report.checks.filter { $0.status == .failed }.map(\.subject) == ["params-only.lazy.mutex-pool.w2.c64"])
    }

    @Test func instructionCounts() throws {
        let base = try InstructionCounts(csv: "subject,requests,instructions_per_req\nmicro.params-only.lazy,1000,11481.5\nhttp.bare,2000,22196.8\n")
        func outcome(_ lazy: Double?, _ bare: Double?, extra: Bool = false) -> GateReport {
            var rows: [(subject: String, perRequest: Double)] = []
            if let lazy { rows.append(("micro.params-only.lazy", lazy)) }
            if let bare { rows.append(("http.bare", bare)) }
            if extra { rows.append(("micro.params-only.userdata", 9000)) }
            return Gate.evaluate(baseline: Self.baseline, current: RunSet(Fixtures.runs()), rules: Self.rules,
                                 instructions: (base, InstructionCounts(rows)))
        }
        #expect(outcome(11481.5, 22196.8).outcome == .pass)
        #expect(outcome(11481.5 * 1.009, 22196.8).outcome == .pass)        // inside ±1%
        let slower = outcome(11481.5 * 1.02, 22196.8)                       // +2%: caught
        #expect(slower.outcome == .regression)
        #expect(slower.checks.first { $0.status == .regression }?.detail == "+2.0%, tolerance ±1.00%")
        #expect(outcome(11481.5, 22196.8 * 0.97).outcome == .improvement)
        #expect(outcome(11481.5, nil).outcome == .regression)               // a row went missing
        #expect(outcome(11481.5, 22196.8, extra: true).outcome == .improvement)  // new row: refresh
        #expect(InstructionCounts.format(11481.5) == "11,481.5")
        #expect(throws: GateInputError.self) { try InstructionCounts(csv: "subject,requests,instructions_per_req\nx,1,abc\n") }
        #expect(throws: GateInputError.self) { try InstructionCounts(csv: "a,b\n") }
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
        for i in runs.indices { runs[i][.luaAllocs] += 0.04 }  // under the 0.05 absolute allowance
        #expect(Gate.evaluate(baseline: Self.baseline, current: RunSet(runs), rules: Self.rules).outcome == .pass)
    }

    @Test func fewerAllocationsOnlyIsAnImprovement() {
        var runs = Fixtures.runs()
        for i in runs.indices where runs[i].key.context == .lazy { runs[i][.luaAllocs] -= 1 }
        let report = Gate.evaluate(baseline: Self.baseline, current: RunSet(runs), rules: Self.rules)
        #expect(report.outcome == .improvement && report.outcome.exitCode == 3)
    }

    @Test func newCellAsksForABaselineRefresh() {
        let extra = (0..<3).map {
            Fixtures.run(Fixtures.key(.cached, .affine), repeat: $0, rps: 31_000, cpu: 30, closures: 1, allocs: 8, handoffs: 0)
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
            runs.append(Fixtures.run(Fixtures.key(.eager, .affine), repeat: i, rps: 1000, cpu: a[i], closures: 4, allocs: 11, handoffs: 0))
            runs.append(Fixtures.run(Fixtures.key(.cached, .affine), repeat: i, rps: 1000, cpu: b[i], closures: 1, allocs: 8, handoffs: 0))
        }
        let advisory = ComparisonRule(scenario: "params-only", dispatcher: .affine, better: "cached", worse: "eager", metric: .serverCPU)
        let quiet = Gate.evaluate(baseline: Summary(records: runs), current: RunSet(runs), rules: GateRules(comparisons: [advisory]))
        #expect(quiet.outcome == .pass)
        #expect(quiet.checks.first { $0.kind == .comparison }?.status == .advisory)
        var enforced = advisory
        enforced.enforce = true
        let report = Gate.evaluate(baseline: Summary(records: runs), current: RunSet(runs), rules: GateRules(comparisons: [enforced]))
        #expect(report.outcome == .inconclusive && report.outcome.exitCode == 4)
        #expect(report.checks.first { $0.kind == .comparison }?.status == .inconclusive)
    }

    @Test func comparisonTheWrongWayIsARegression() {
        let timing = ComparisonRule(scenario: "params-only", dispatcher: .mutexPool, better: "eager", worse: "lazy",
                                    metric: .serverCPU, enforce: true)
        #expect(Gate.evaluate(baseline: Self.baseline, current: RunSet(Fixtures.constantRuns()),
                              rules: GateRules(comparisons: [timing])).outcome == .regression)
        // Five rounds are too few for a timing verdict: an enforced rule then cannot tell (4).
        #expect(Gate.evaluate(baseline: Self.baseline, current: RunSet(Fixtures.runs()),
                              rules: GateRules(comparisons: [timing])).outcome == .inconclusive)
        let counter = ComparisonRule(scenario: "params-only", dispatcher: .mutexPool, better: "eager", worse: "lazy",
                                     metric: .closures)
        #expect(Gate.evaluate(baseline: Self.baseline, current: RunSet(Fixtures.runs()),
                              rules: GateRules(comparisons: [counter])).outcome == .regression)
        // A counter rule that ties is broken too: both contexts allocate the same here.
        let tie = ComparisonRule(scenario: "params-only", context: .eager, better: "mutex-pool", worse: "channel",
                                 metric: .luaAllocs)
        let report = Gate.evaluate(baseline: Self.baseline, current: RunSet(Fixtures.runs()), rules: GateRules(comparisons: [tie]))
        #expect(report.outcome == .regression)
        #expect(report.checks.first { $0.kind == .comparison }?.detail.hasSuffix("no difference") == true)
    }

    @Test func dispatcherAxisAndMissingCells() {
        let byDispatcher = ComparisonRule(scenario: "params-only", context: .eager, better: "mutex-pool",
                                          worse: "channel", metric: .rps)
        #expect(byDispatcher.cells(in: Fixtures.group)?.better == Fixtures.key(.eager, .mutexPool))
        let missing = ComparisonRule(scenario: "params-only", context: .eager, better: "lockfree-pool",
                                     worse: "channel", metric: .rps)
        let report = Gate.evaluate(baseline: Self.baseline, current: RunSet(Fixtures.runs()),
                                   rules: GateRules(comparisons: [byDispatcher, missing]))
        #expect(report.checks.filter { $0.kind == .comparison }.map(\.status) == [.advisory, .missing])
        #expect(report.outcome == .regression)
        // A baseline cell absent from the run is missing too: the run did not cover the baseline.
        let partial = RunSet(Fixtures.runs().filter { $0.key.context == .eager })
        #expect(Gate.evaluate(baseline: Self.baseline, current: partial, rules: GateRules()).outcome == .regression)
    }

    @Test func throughputIsAdvisoryUnlessEnforced() {
        var slow = Fixtures.runs()
        for i in slow.indices { slow[i][.rps] *= 0.5 }
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

    /// LuaJIT's rows get their own tolerance (its counts do not repeat exactly); every other row
    /// keeps the exact one.
    @Test func instructionToleranceBySubject() throws {
        let rules = try JSONDecoder().decode(GateRules.self, from: Data("""
            { "instruction_tolerance": 0.01, "instruction_tolerance_by_subject": { ".luajit.": 0.05 } }
            """.utf8))
        #expect(rules.instructionTolerance(for: "micro.luajit.params-only.eager") == 0.05)
        #expect(rules.instructionTolerance(for: "micro.params-only.eager") == 0.01)
        let base = InstructionCounts([("micro.luajit.params-only.eager", 14_849), ("micro.params-only.eager", 14_210)])
        let cur = InstructionCounts([("micro.luajit.params-only.eager", 15_271), ("micro.params-only.eager", 14_390)])
        let checks = Gate.instructionChecks(base, cur, tolerance: rules.instructionTolerance(for:))
        #expect(checks.map(\.status) == [.pass, .regression])
        // Without the rule the same LuaJIT row (+2.8%) would fail.
        #expect(Gate.instructionChecks(base, cur, tolerance: { _ in 0.01 }).map(\.status) == [.regression, .regression])
        #expect(GateRules().instructionTolerance(for: "micro.luajit.x") == 0.01)
    }
}
