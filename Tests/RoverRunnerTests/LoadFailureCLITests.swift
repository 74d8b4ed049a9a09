import Foundation
import RoverReport
import RoverKinds
import RoverRunner
import Testing

/// `rover-bench sweep` loads every app in a child (`serve --check`) before it measures: an app
/// that exits, crashes, hangs or fails to compile while loading becomes failed rows naming the
/// app and what happened, in both phases, and the sweep goes on; a sweep where every cell failed
/// says so and exits 2. `--resume` needs the run's settings.json. Real sweeps of the debug
/// binary, kept to a few seconds.
@Suite(.serialized) struct LoadFailureCLITests {
    /// name, app.lua, what its failed rows' reason must contain.
    static let broken: [(name: String, app: String, reason: String)] = [
        ("exit0", "os.exit(0)\n", "exit0/app.lua exited with status 0 while loading"),
        ("exit3", "os.exit(3)\n", "exit3/app.lua exited with status 3 while loading"),
        ("syntax", "local api = rover.server {\nreturn api\n", "syntax/app.lua:2: unexpected symbol near 'return'"),
        ("hang", "while true do end\n", "hang/app.lua did not finish loading within 3 s"),
        ("killed", "os.execute('kill -KILL $PPID')\nwhile true do end\n", "killed/app.lua was killed by signal 9 (SIGKILL) while loading"),
    ]

    /// A scenarios folder: params-only and every broken app, each with params-only's scenario.json.
    static func scenariosDir() throws -> URL {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("load-failures-\(UUID().uuidString)")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        let source = SweepTests.repoRoot.appendingPathComponent("Scenarios/params-only")
        try fm.copyItem(at: source, to: root.appendingPathComponent("params-only"))
        for b in broken {
            let dir = root.appendingPathComponent(b.name)
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try b.app.write(to: dir.appendingPathComponent("app.lua"), atomically: true, encoding: .utf8)
            try fm.copyItem(at: source.appendingPathComponent("scenario.json"), to: dir.appendingPathComponent("scenario.json"))
        }
        return root
    }

    /// A tiny sweep: eager and lazy under channel (so the duet has a comparison and an A/A
    /// control), one 0.2 s trial per cell, two short process pairs per comparison.
    static func sweep(_ scenarios: [String], in root: URL, out: URL) throws -> (code: Int32, err: String) {
        try SweepCLITests.run(["sweep", "--scenarios-dir", root.path, "--scenario"] + scenarios + [
            "--context", "eager", "lazy", "--dispatcher", "channel", "--workers", "1", "--connections", "4",
            "--duration", "0.2", "--warmup", "0", "--repeats", "1",
            "--duet-starts", "2", "--duet-control-starts", "2", "--duet-stages", "1",
            "--duet-windows", "1", "--duet-window", "0.1", "--duet-warmup", "0.1",
            "--load-timeout", "3", "--out", out.path,
        ])
    }

    /// The one run folder a sweep made under `out`.
    static func runFolder(_ out: URL) throws -> RunDirectory {
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(names.count == 1, "\(names)")
        return RunDirectory(url: out.appendingPathComponent(try #require(names.first)))
    }

    @Test func appsThatFailToLoadAreFailedRowsAndTheSweepGoesOn() throws {
        let root = try Self.scenariosDir()
        let out = root.appendingPathComponent("out")
        let r = try Self.sweep(["params-only"] + Self.broken.map(\.name), in: root, out: out)
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        let dir = try Self.runFolder(out)
        let runs = try RunLog.read(dir.runsCSV).records
        let pairs = try PairLog.read(dir.url.appendingPathComponent(PairLog.fileName))
        for b in Self.broken {
            #expect(r.err.contains("scenario \(b.name): "), "\(b.name): \(r.err)")
            #expect(r.err.contains(b.reason), "\(b.name): \(r.err)")
            let rows = runs.filter { $0.key.scenario == b.name }
            #expect(rows.count == 2, "\(b.name): \(rows.count) sequential rows")
            #expect(rows.allSatisfy { $0.status == .failed && $0.reason.contains(b.reason) }, "\(b.name): \(rows.map(\.reason))")
            // One failed row per comparison (the A/A control and lazy vs eager); no further pairs.
            let failedPairs = pairs.filter { $0.cell.scenario == b.name }
            #expect(failedPairs.count == 2, "\(b.name): \(failedPairs.count) duet rows")
            #expect(failedPairs.allSatisfy { $0.status == .failed && $0.window == -1 && $0.reason.contains(b.reason) },
                    "\(b.name): \(failedPairs.map(\.reason))")
        }
        // The app that loads is measured as usual, in both phases.
        let good = runs.filter { $0.key.scenario == "params-only" }
        #expect(good.count == 2 && good.allSatisfy { $0.status == .ok && $0[.requests] > 0 }, "\(good.map(\.reason))")
        let goodPairs = pairs.filter { $0.cell.scenario == "params-only" }
        #expect(goodPairs.filter { $0.kind != .alone }.count == 4 && goodPairs.allSatisfy { $0.status != .failed },
                "\(goodPairs.map(\.reason))")
        // Each of lazy vs eager's two process pairs ended with its alone windows (the A/A control's did not).
        let alone = goodPairs.filter { $0.kind == .alone }
        #expect(alone.count == 2 && alone.allSatisfy { $0.cell.context == .lazy && $0.cellRequests > 0 && $0.refRequests > 0 },
                "\(alone)")
        #expect(!r.err.contains("every cell failed"))
    }

    @Test func aSweepInWhichEveryCellFailedSaysSoAndExits2() throws {
        let root = try Self.scenariosDir()
        let out = root.appendingPathComponent("out")
        let names = ["exit0", "exit3", "syntax", "hang"]
        let r = try Self.sweep(names, in: root, out: out)
        #expect(r.code == 2, "exit \(r.code): \(r.err)")
        #expect(r.err.contains("error: every cell failed"), "\(r.err)")
        let dir = try Self.runFolder(out)
        let runs = try RunLog.read(dir.runsCSV).records
        let pairs = try PairLog.read(dir.url.appendingPathComponent(PairLog.fileName))
        #expect(runs.count == 8 && pairs.count == 8, "\(runs.count) runs, \(pairs.count) pairs")
        for b in Self.broken where names.contains(b.name) {
            #expect(runs.filter { $0.key.scenario == b.name && $0.status == .failed && $0.reason.contains(b.reason) }.count == 2, "\(b.name)")
            #expect(pairs.filter { $0.cell.scenario == b.name && $0.status == .failed && $0.reason.contains(b.reason) }.count == 2, "\(b.name)")
        }
        // The report is still written for a run where nothing succeeded.
        #expect(FileManager.default.fileExists(atPath: dir.summaryMarkdown.path))
    }

    /// A run folder with a good plan.json (one cell, one 0.2 s trial, no duet phase) and the
    /// given settings.json (nil: none).
    static func runToResume(settings: Data?, asDirectory: Bool = false) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let plan = SweepPlan(scenarios: ["params-only"], contexts: [.eager], dispatchers: [.channel],
                             workers: [1], connections: [4], repeats: 1)
        try JSONEncoder().encode(plan).write(to: dir.appendingPathComponent("plan.json"))
        let file = dir.appendingPathComponent("settings.json")
        if asDirectory { try FileManager.default.createDirectory(at: file, withIntermediateDirectories: false) }
        try settings?.write(to: file)
        return dir
    }

    /// A settings.json `--resume` cannot use: none, a folder in its place, not JSON, not settings.
    struct BadSettings: Sendable, CustomTestStringConvertible {
        var what: String
        var contents: Data?
        var asDirectory = false
        /// What the error must say about the file.
        var why: String
        var testDescription: String { what }
    }

    @Test(arguments: [
        BadSettings(what: "missing", contents: nil, why: "does not exist"),
        BadSettings(what: "a folder", contents: nil, asDirectory: true, why: "cannot be read"),
        BadSettings(what: "not JSON", contents: Data("settings?".utf8), why: "not valid JSON"),
        BadSettings(what: "not settings", contents: Data("{}".utf8), why: "is not a sweep's settings"),
    ])
    func resumeStopsOnAnUnreadableSettingsFile(_ bad: BadSettings) throws {
        let dir = try Self.runToResume(settings: bad.contents, asDirectory: bad.asDirectory)
        let r = try SweepCLITests.run(["sweep", "--resume", dir.path])
        #expect(r.code == 64, "\(bad.what): exit \(r.code) \(r.err)")
        #expect(r.err.contains(dir.appendingPathComponent("settings.json").path), "\(bad.what): \(r.err)")
        #expect(r.err.contains(bad.why), "\(bad.what): \(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs.csv").path), "\(bad.what): a trial ran")
    }

    /// The good case of the same folder: the run continues with its own settings (0.2 s trials,
    /// not the 1 s the flags would give).
    @Test func resumeMeasuresWithTheSavedSettings() throws {
        let exe = try #require(SweepTests.binary, "build the executable first: swift build --build-tests")
        let saved = TrialSettings(executable: exe, duration: 0.2, warmup: 0)
        let dir = try Self.runToResume(settings: try JSONEncoder().encode(saved))
        let r = try SweepCLITests.run(["sweep", "--resume", dir.path])
        #expect(r.code == 0, "exit \(r.code): \(r.err)")
        let rows = try RunLog.read(dir.appendingPathComponent("runs.csv")).records
        #expect(rows.count == 1 && rows[0].status == .ok, "\(rows.map(\.reason))")
        #expect(rows.first.map { $0[.duration] < 0.6 } == true, "\(rows.map { $0[.duration] })")
    }
}
