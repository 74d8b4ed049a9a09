import RoverScenarios
import Foundation
import RoverEngine
import RoverReport
import RoverRunner
import RoverTestSupport
import Testing
import RoverKinds

/// Real sweeps with real `serve` children (the debug binary), kept tiny: 0.2 s trials.
@Suite(.serialized) struct SweepTests {
    static let repoRoot = Repository.root
    static var binary: String? { Repository.debugBinary }

    /// A scenarios folder with params-only plus two broken apps: one that does not load, one whose
    /// handler kills the server process.
    public static func scenarios() throws -> [Scenario] {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-scn-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        try fm.copyItem(at: repoRoot.appendingPathComponent("Scenarios/params-only"), to: root.appendingPathComponent("params-only"))
        let json = try String(contentsOf: root.appendingPathComponent("params-only/scenario.json"), encoding: .utf8)
        // "liar" answers right once (the start-up check), then a wrong body of the right length.
        let liar = "local api = rover.server {}\nlocal n = 0\nfunction api.users.p_id.get(ctx)\n"
            + "  n = n + 1\n  return { user_id = n == 1 and ctx:params().id or \"999\" }\nend\nreturn api\n"
        for (name, app) in [("broken", "local api = rover.server {\nreturn api\n"), ("liar", liar),
                            ("crash", "local api = rover.server {}\nfunction api.users.p_id.get(ctx) os.exit(3) end\nreturn api\n")] {
            try fm.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
            try app.write(to: root.appendingPathComponent("\(name)/app.lua"), atomically: true, encoding: .utf8)
            try json.write(to: root.appendingPathComponent("\(name)/scenario.json"), atomically: true, encoding: .utf8)
        }
        return try Scenario.catalog(root: root.path)
    }

    static func sweep(_ plan: SweepPlan, fixedRequests: Int? = nil) throws -> Sweep {
        let exe = try #require(binary, "build the executable first: swift build --build-tests")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-out-\(UUID().uuidString)")
        let dir = try RunDirectory.create(in: out)
        var settings = TrialSettings(executable: exe, duration: 0.2, warmup: 0)
        settings.fixedRequests = fixedRequests
        return Sweep(plan: plan, settings: settings, scenarios: try scenarios(), directory: dir)
    }

    /// The gate's counters pass: exactly N requests per cell, nothing in flight at either counter
    /// read, so hand-offs (counted at enqueue and at reply) come out exactly 2 per request for the
    /// channel and 0 for the pool; a crashing cell is still a failed row.
    @Test func countersPassIsExact() throws {
        let plan = SweepPlan(scenarios: ["params-only", "crash"], contexts: [.eager], dispatchers: [.channel, .mutexPool],
                             workers: [1], connections: [8], repeats: 1)
        let sweep = try Self.sweep(plan, fixedRequests: 500)
        let outcome = try sweep.run(interrupted: { false }) { _ in }
        #expect(outcome.ran == 4 && outcome.failed == 2)
        let rows = try RunLog.read(sweep.directory.runsCSV).records.filter { $0.status == .ok }
        #expect(rows.map { $0[.requests] } == [500, 500])
        #expect(rows.map { $0[.handoffs] } == [2, 0])
        #expect(rows.allSatisfy { $0[.closures] == 4 })
    }

    @Test func brokenAndCrashingCellsBecomeFailedRowsAndTheSweepGoesOn() throws {
        let plan = SweepPlan(scenarios: ["broken", "crash", "params-only"], contexts: [.lazy], dispatchers: [.mutexPool],
                             workers: [1], connections: [4], repeats: 1)
        let sweep = try Self.sweep(plan)
        let outcome = try sweep.run(interrupted: { false }) { _ in }
        #expect(outcome.ran == 3)
        #expect(outcome.failed == 2)
        let rows = try RunLog.read(sweep.directory.runsCSV).records
        #expect(rows.map(\.key.scenario) == ["broken", "crash", "params-only"])
        #expect(rows[0].status == .failed && rows[0].reason.contains("app.lua:"), "\(rows[0].reason)")
        #expect(rows[1].status == .failed && rows[1].reason.contains("exit"), "\(rows[1].reason)")
        #expect(rows[2].status == .ok)
        #expect(rows[2][.requests] > 0)
        #expect(rows[2][.closures] == 1)
        #expect(rows[2][.handoffs] == 0)
        #expect(FileManager.default.fileExists(atPath: sweep.directory.hgrm(for: try #require(plan.cells.last)).path))
    }

    /// Answers are checked under load, not only before it: a cell that answers wrong bodies
    /// once the start-up check has passed becomes a failed row.
    @Test func wrongBodiesUnderLoadFailTheCell() throws {
        let plan = SweepPlan(scenarios: ["liar"], contexts: [.lazy], dispatchers: [.affine],
                             workers: [1], connections: [2], repeats: 1)
        let sweep = try Self.sweep(plan)
        _ = try sweep.run(interrupted: { false }) { _ in }
        let row = try #require(try RunLog.read(sweep.directory.runsCSV).records.first)
        #expect(row.status == .failed)
        #expect(row.reason.contains("had a wrong body"), "\(row.reason)")
    }

    @Test func interruptedSweepKeepsFinishedRowsAndResumeCompletesIt() throws {
        let plan = SweepPlan(scenarios: ["params-only"], contexts: [.eager, .lazy], dispatchers: [.channel],
                             workers: [1], connections: [2], repeats: 2)
        let sweep = try Self.sweep(plan)
        var seen = 0
        let first = try sweep.run(interrupted: { seen >= 2 }) { _ in seen += 1 }
        #expect(first.interrupted)
        #expect(try RunLog.read(sweep.directory.runsCSV).records.count == 2)
        let second = try sweep.run(interrupted: { false }) { _ in }
        #expect(!second.interrupted)
        #expect(second.skipped == 2 && second.ran == 2)
        let rows = try RunLog.read(sweep.directory.runsCSV).records
        #expect(Set(rows.map { "\($0.cell)#\($0.repeatIndex)" }).count == 4)
        #expect(rows.allSatisfy { $0.status == .ok })
        // Counted as they happen (enqueue, reply): a request in flight at a window's edge may have
        // one of its two in the window, so a timed trial is 2 to within a few per thousand.
        #expect(rows.allSatisfy { abs($0[.handoffs] - 2) < 0.01 }, "\(rows.map { $0[.handoffs] })")
    }
}
