import Foundation
import Testing
@testable import RoverReport
import RoverKinds

/// Runs the built `rover-bench report` and `rover-bench gate` and checks their exit codes and
/// files. Skipped, with the reason printed, when the executable has not been built.
@Suite struct CLITests {
    static var binary: URL? {
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
        candidates.append(RenderTests.repoRoot.appendingPathComponent(".build/debug"))
        return candidates.map { $0.appendingPathComponent("rover-bench") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Result { var code: Int32; var out: String; var err: String }

    static func run(_ args: [String], env: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = binary!
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(code: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// A temp folder with run folders `good`, `extra-closure`, `fewer-allocs`, `noisy` and a
    /// baseline built from `good` with the given rules.
    static func workspace(rules: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        var fewer = Fixtures.runs()
        for i in fewer.indices where fewer[i].key.context == .lazy { fewer[i][.luaAllocs] -= 1 }
        let allFailed = Fixtures.runs().map { r -> RunRecord in
            var r = r
            r.status = .failed
            r.reason = "server died (exit code 3)"
            return r
        }
        let runs: [String: [RunRecord]] = ["good": Fixtures.runs(), "extra-closure": Fixtures.runs(extraClosure: true),
                                           "fewer-allocs": fewer, "all-failed": allFailed]
        for (name, records) in runs {
            let dir = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(RunLog.encode(records).utf8).write(to: RunDirectory(url: dir).runsCSV)
        }
        let baseline = root.appendingPathComponent("baseline")
        try FileManager.default.createDirectory(at: baseline, withIntermediateDirectories: true)
        try Data(rules.utf8).write(to: baseline.appendingPathComponent("gate.json"))
        try GateFiles.updateBaseline(from: RunDirectory(url: root.appendingPathComponent("good")), to: baseline)
        return root
    }

    static let rules = """
    {"comparisons":[{"scenario":"params-only","dispatcher":"mutex-pool","better":"lazy","worse":"eager","metric":"server_cpu_us_per_req"}]}
    """

    @Test func gateExitCodes() throws {
        guard Self.binary != nil else { print("CLITests skipped: rover-bench not built (swift build)"); return }
        let root = try Self.workspace(rules: Self.rules)
        defer { try? FileManager.default.removeItem(at: root) }
        func gate(_ run: String, _ extra: [String] = [], env: [String: String] = [:]) throws -> Result {
            try Self.run(["gate", "--baseline", root.appendingPathComponent("baseline").path,
                          "--current", root.appendingPathComponent(run).path] + extra, env: env)
        }
        let summaryFile = root.appendingPathComponent("step-summary.md")
        let pass = try gate("good", env: ["GITHUB_STEP_SUMMARY": summaryFile.path])
        #expect(pass.code == 0, "\(pass.err)")
        #expect(pass.out.hasPrefix("### rover-bench gate: pass (exit 0)"))
        #expect(try String(contentsOf: summaryFile, encoding: .utf8).contains("### rover-bench gate: pass"))

        let regression = try gate("extra-closure")
        #expect(regression.code == 2)
        #expect(regression.out.contains("| closures_per_req | 1 | 2 | regression |"))
        #expect(try gate("fewer-allocs").code == 3)

        // An enforced timing rule the runs cannot settle (lazy vs eager req/s under channel is
        // not asked to be anything in particular here: the jitter is shared) … exit 4.
        let noisyRules = root.appendingPathComponent("noisy.json")
        try Data("""
        {"comparisons":[{"scenario":"params-only","context":"eager","better":"mutex-pool","worse":"channel",
          "metric":"lat_p99_us","enforce":true}], "floor": 0.5}
        """.utf8).write(to: noisyRules)
        let noisy = try gate("good", ["--rules", noisyRules.path])
        #expect(noisy.code == 4, "\(noisy.out)")
        #expect(try gate("all-failed").code == 2)

        // Exact instruction counts: the baseline's file against a current one.
        let header = "subject,requests,instructions_per_req\n"
        try Data((header + "micro.params-only.lazy,1000,11481.5\n").utf8)
            .write(to: root.appendingPathComponent("baseline/instructions.csv"))
        let same = root.appendingPathComponent("same.csv"), slower = root.appendingPathComponent("slower.csv")
        try Data((header + "micro.params-only.lazy,1000,11481.5\n").utf8).write(to: same)
        try Data((header + "micro.params-only.lazy,1000,11711.1\n").utf8).write(to: slower)
        #expect(try gate("good", ["--instructions", same.path]).code == 0)
        #expect(try gate("good", ["--instructions", slower.path]).code == 2)
        #expect(try gate("good", ["--instructions", root.appendingPathComponent("absent.csv").path]).code == 64)

        // Hot-path counts: two-sided, absolute (one allocation more per request is 2, one fewer 3).
        let hot = "subject,requests,per_req\n"
        try Data((hot + "http.bare.allocs,2000,5.00\nhttp.bare.epoll,2000,1.00\n").utf8)
            .write(to: root.appendingPathComponent("baseline/hotpath.csv"))
        func hotpath(_ allocs: String) throws -> Int32 {
            let file = root.appendingPathComponent("hot-\(allocs).csv")
            try Data((hot + "http.bare.allocs,2000,\(allocs)\nhttp.bare.epoll,2000,1.00\n").utf8).write(to: file)
            return try gate("good", ["--hotpath", file.path]).code
        }
        #expect(try hotpath("5.00") == 0)
        #expect(try hotpath("5.05") == 0)
        #expect(try hotpath("6.00") == 2)
        #expect(try hotpath("4.00") == 3)
        #expect(try gate("good", ["--hotpath", root.appendingPathComponent("absent.csv").path]).code == 64)
        // The script's arithmetic: the marks and the strace log of one target become its rows.
        let marks = root.appendingPathComponent("marks"), log = root.appendingPathComponent("strace")
        try Data("6198\n8765\n21332\n".utf8).write(to: marks)
        try Data(HotPathGateTests.straceLog.utf8).write(to: log)
        let tally = try Self.run(["hotpath-tally", "--target", "bare", "--marks", marks.path, "--strace", log.path,
                                  "--n1", "1", "--n2", "2"])
        #expect(tally.code == 0 && tally.out == "http.bare.allocs,1,10000.00\nhttp.bare.reads,1,1.00\nhttp.bare.writes,1,1.00\nhttp.bare.epoll,1,3.00\n",
                "\(tally.out)\(tally.err)")
        try Data("6198\n8765\n".utf8).write(to: marks)
        #expect(try Self.run(["hotpath-tally", "--target", "bare", "--marks", marks.path, "--strace", log.path,
                              "--n1", "1", "--n2", "2"]).code == 1)

        let badRules = root.appendingPathComponent("bad.json")
        try Data(#"{"comparisons":[{"scenario":"s","better":"a","worse":"b","metric":"rps"}]}"#.utf8).write(to: badRules)
        let usage = try gate("good", ["--rules", badRules.path])
        #expect(usage.code == 64 && usage.err.contains("bad gate rules"))
        #expect(try gate("good", ["--rules", root.appendingPathComponent("absent.json").path]).code == 64)
        #expect(try gate("no-such-run").code == 64)
        #expect(try Self.run(["gate", "--current", root.path]).code == 64)  // --baseline missing
    }

    @Test func updateBaselineKeepsRules() throws {
        guard Self.binary != nil else { print("CLITests skipped: rover-bench not built (swift build)"); return }
        let root = try Self.workspace(rules: Self.rules)
        defer { try? FileManager.default.removeItem(at: root) }
        let baseline = root.appendingPathComponent("baseline")
        let result = try Self.run(["gate", "--update-baseline", "--current", root.appendingPathComponent("extra-closure").path,
                                   "--baseline", baseline.path])
        #expect(result.code == 0, "\(result.err)")
        #expect(try String(contentsOf: baseline.appendingPathComponent("gate.json"), encoding: .utf8) == Self.rules)
        let summary = try GateFiles.loadBaseline(baseline)
        #expect(summary.cell(Fixtures.key(.lazy, .channel))?.median(.closures) == 2)
        // Now the extra closure is the baseline, so the same run passes.
        let again = try Self.run(["gate", "--baseline", baseline.path, "--current", root.appendingPathComponent("extra-closure").path])
        #expect(again.code == 0)
    }

    @Test func reportRegeneratesAndUpdatesMarkers() throws {
        guard Self.binary != nil else { print("CLITests skipped: rover-bench not built (swift build)"); return }
        let root = try Self.workspace(rules: "{}")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = RunDirectory(url: root.appendingPathComponent("fewer-allocs"))
        let doc = root.appendingPathComponent("README.md")
        try Data("intro\n<!-- rover-bench:begin -->\nold\n<!-- rover-bench:end -->\n".utf8).write(to: doc)
        let ok = try Self.run(["report", run.url.path, "--update", doc.path])
        #expect(ok.code == 0, "\(ok.err)")
        let expected = MarkdownExporter.render(Summary(records: try RunLog.read(run.runsCSV).records))
        #expect(try String(contentsOf: run.summaryMarkdown, encoding: .utf8) == expected)
        #expect(try String(contentsOf: doc, encoding: .utf8)
            == "intro\n<!-- rover-bench:begin -->\n\(expected)<!-- rover-bench:end -->\n")
        #expect(FileManager.default.fileExists(atPath: run.reportHTML.path))

        try Data("no markers here\n".utf8).write(to: doc)
        let noMarkers = try Self.run(["report", run.url.path, "--update", doc.path])
        #expect(noMarkers.code == 65 && noMarkers.err.contains("rover-bench:begin"))
        #expect(try Self.run(["report", root.path]).code == 64)  // no runs.csv
        #expect(try Self.run(["report", run.url.path, "--floor", "2"]).code == 64)
    }
}
