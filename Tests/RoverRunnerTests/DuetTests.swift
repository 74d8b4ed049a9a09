import Foundation
import RoverEngine
import RoverReport
import RoverRunner
import RoverTestSupport
import Testing
import RoverKinds

/// A real, tiny duet with `serve` children (the debug binary): rows per window with both sides'
/// requests and CPU, slots swapped between process pairs, a crashing scenario as one failed row
/// that stops its comparison, and a resumed run that skips what is done.
@Suite(.serialized) struct DuetTests {
    static func duet(_ cells: [CellKey], starts: Int = 2, stages: Int? = nil) throws -> Duet {
        let exe = try #require(Repository.debugBinary, "build the executable first: swift build --build-tests")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("duet-out-\(UUID().uuidString)")
        let plan = DuetPlan(comparisons: DuetPlan.comparisons(for: cells), starts: starts, stages: stages,
                            windows: 2, window: 0.1, warmup: 0.1)
        return Duet(plan: plan, settings: DuetSettings(executable: exe), scenarios: try SweepTests.scenarios(),
                    directory: try RunDirectory.create(in: out))
    }

    static func key(_ scenario: String, _ context: ContextKind, _ dispatcher: DispatcherKind) -> CellKey {
        CellKey(scenario: scenario, context: context, dispatcher: dispatcher, workers: 1, connections: 4)
    }

    @Test func windowsAreRecordedAndACrashStopsItsComparison() throws {
        let cells = [Self.key("params-only", .eager, .channel), Self.key("params-only", .lazy, .affine),
                     Self.key("crash", .eager, .channel)]
        let duet = try Self.duet(cells)
        let outcome = try duet.run(interrupted: { false }) { _ in }
        #expect(outcome.ran == 5 && outcome.failed == 1)  // 2 comparisons × 2 pairs, and one failed pair
        let rows = try PairLog.read(duet.pairsCSV)
        let lazy = rows.filter { $0.cell.context == .lazy }
        #expect(lazy.count == 4)
        #expect(Set(lazy.map(\.slot)) == [0, 1])
        #expect(lazy.allSatisfy { $0.cellRequests > 0 && $0.refRequests > 0 && $0.cellCPUNanos > 0 && $0.refCPUNanos > 0 })
        #expect(rows.filter { $0.kind == .control && $0.cell.scenario == "params-only" }.count == 4)
        let crash = rows.filter { $0.cell.scenario == "crash" }
        #expect(crash.count == 1 && crash[0].status == .failed, "\(crash.map(\.reason))")
        // Nothing left to do: a resumed run skips every finished pair and every failed comparison.
        let again = try duet.run(interrupted: { false }) { _ in }
        #expect(again.ran == 0 && again.skipped == 5)
    }

    /// Stages: after the first, only what `unsettled` names (seeing every row so far) gets more
    /// process pairs, numbered on; a stage with nothing unsettled ends the phase; a resumed run
    /// asks again and skips what is done.
    @Test func laterStagesRunOnlyWhatIsUnsettled() throws {
        let cells = [Self.key("params-only", .eager, .channel), Self.key("params-only", .lazy, .channel)]
        let duet = try Self.duet(cells, stages: 3)
        let lazy = try #require(duet.plan.comparisons.first { !$0.isControl })
        var seen: [Int] = []
        var stages: Set<Int> = []
        let outcome = try duet.run(interrupted: { false }, unsettled: { rows in
            seen.append(rows.count)
            return seen.count == 1 ? [lazy.id] : []
        }) { stages.insert($0.stage) }
        #expect(seen == [8, 12])  // control 2 pairs + lazy 2, two windows each; then lazy's 2 more
        #expect(outcome.ran == 6 && stages == [0, 1])
        let rows = try PairLog.read(duet.pairsCSV)
        #expect(Set(rows.filter { $0.comparisonID == lazy.id }.map(\.start)) == [0, 1, 2, 3])
        #expect(Set(rows.filter { $0.kind == .control }.map(\.start)) == [0, 1])
        #expect(Set(rows.filter { $0.comparisonID == lazy.id }.map(\.slot)) == [0, 1])
        let again = try duet.run(interrupted: { false }, unsettled: { _ in [lazy.id] }) { _ in }
        #expect(again.skipped == 6 && again.ran == 2)  // it asks again: stage 3 runs lazy's starts 4, 5
        #expect(Set(try PairLog.read(duet.pairsCSV).filter { $0.comparisonID == lazy.id }.map(\.start)) == [0, 1, 2, 3, 4, 5])
    }

    @Test func wrongBodiesUnderLoadFailThePair() throws {
        let duet = try Self.duet([Self.key("liar", .eager, .channel)], starts: 2)
        _ = try duet.run(interrupted: { false }) { _ in }
        let rows = try PairLog.read(duet.pairsCSV)
        #expect(rows.count == 1 && rows[0].status == .failed)
        #expect(rows[0].reason.contains("wrong body"), "\(rows[0].reason)")
    }
}
