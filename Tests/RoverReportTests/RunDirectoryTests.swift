import Foundation
import Testing
@testable import RoverReport
import RoverKinds

@Suite struct RunDirectoryTests {
    static func tempDir() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("rover-report-\(UUID().uuidString)")
    }

    @Test func nameIsUTCTimestampAndSafeHost() {
        let date = Date(timeIntervalSince1970: 1_795_938_184)  // 2026-11-29T07:43:04Z
        #expect(RunDirectory.name(date: date, host: "bench 1/x") == "20261129T074304Z-bench-1-x")
    }

    @Test func regenerateWritesEveryFileFromRunsCSV() throws {
        let root = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = try RunDirectory.create(in: root, date: Date(timeIntervalSince1970: 0), host: "h")
        #expect(dir.url.lastPathComponent == "19700101T000000Z-h")
        let writer = try RunLogWriter(url: dir.runsCSV)
        for r in Fixtures.constantRuns() { try writer.append(r) }
        writer.close()
        try Data(HTMLTests.hgrm.utf8).write(to: dir.hgrm(for: Fixtures.key(.lazy, .channel)))
        try Data("garbage\n".utf8).write(to: dir.hgrmDirectory.appendingPathComponent("bad.hgrm"))
        let meta = RunMeta(timestamp: "t", host: "h", cpuModel: "cpu", cores: 2, kernel: "k", os: "o",
                           swiftVersion: "s", luaVersion: "5.4.4", buildConfiguration: "release",
                           gitCommit: "abc", gitDirty: false, commandLine: ["rover-bench", "sweep"])
        try dir.writeMeta(meta)
        #expect(dir.readMeta() == meta)

        let outcome = try ReportWriter.regenerate(dir)
        #expect(outcome.summary == Summary(records: Fixtures.constantRuns()))
        #expect(outcome.hgrmProblems.count == 1 && outcome.hgrmProblems[0].contains("bad.hgrm"))
        let md = try String(contentsOf: dir.summaryMarkdown, encoding: .utf8)
        #expect(md == MarkdownExporter.render(outcome.summary))
        let csv = try String(contentsOf: dir.summaryCSV, encoding: .utf8)
        #expect(csv == SummaryCSVExporter.render(outcome.summary))
        let json = try JSONExporter.decode(Data(contentsOf: dir.summaryJSON))
        #expect(json.summary == outcome.summary)
        let html = try String(contentsOf: dir.reportHTML, encoding: .utf8)
        #expect(html.contains("\"source\":\"hgrm\"") && html.contains("5.4.4"))
    }

    @Test func cpuInfoParsing() {
        let text = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: a b\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"
        let parsed = RunMeta.parseCPUInfo(text)
        #expect(parsed.model == "AMD EPYC 7B13" && parsed.count == 2)
        #expect(RunMeta.parseOSRelease("NAME=x\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n") == "Debian GNU/Linux 12 (bookworm)")
    }

    @Test func collectReadsThisMachine() {
        let meta = RunMeta.collect(commandLine: ["x"], buildConfiguration: "debug", luaVersion: "5.4.6")
        #expect(meta.cores >= 1)
        #expect(meta.swiftVersion.contains("Swift version"))
        #expect(meta.kernel.hasPrefix("Linux"))
        #expect(meta.luaVersion == "5.4.6" && meta.commandLine == ["x"])
    }

    @Test func markerReplacement() throws {
        let doc = "# Title\n\n<!-- rover-bench:begin -->\nold\nstuff\n<!-- rover-bench:end -->\ntail\n"
        #expect(try MarkerBlock.replace(in: doc, with: "new table") ==
            "# Title\n\n<!-- rover-bench:begin -->\nnew table\n<!-- rover-bench:end -->\ntail\n")
        #expect(throws: MarkerError.missingBegin) { try MarkerBlock.replace(in: "x <!-- rover-bench:end -->", with: "") }
        #expect(throws: MarkerError.missingEnd) { try MarkerBlock.replace(in: "<!-- rover-bench:begin -->", with: "") }
        #expect(throws: MarkerError.endBeforeBegin) {
            try MarkerBlock.replace(in: "<!-- rover-bench:end --><!-- rover-bench:begin -->", with: "")
        }
        let root = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let file = root.appendingPathComponent("README.md")
        try Data(doc.utf8).write(to: file)
        try MarkerBlock.update(file: file, with: "A\n")
        #expect(try String(contentsOf: file, encoding: .utf8).contains("begin -->\nA\n<!-- rover-bench:end"))
    }

    /// `report` judges a run by the rules saved in its duet.json (not today's flags), unless told
    /// otherwise; `report --across` does the same for every run.
    @Test func aRunIsJudgedByItsOwnSavedRules() throws {
        let dir = RunDirectory(url: FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: dir.url) }
        try FileManager.default.createDirectory(at: dir.url, withIntermediateDirectories: true)
        // A 1.2% cost: "slower" at a 0.5% minimum effect, not at a 2% one.
        let records = DuetSummaryTests.windows(DuetSummaryTests.base, control: true, truth: 1, starts: 20, windows: 2, seed: 3)
            + DuetSummaryTests.windows(DuetSummaryTests.lazy, truth: 1.012, starts: 20, windows: 2, seed: 4)
        try Data(PairLog.encode(records).utf8).write(to: dir.url.appendingPathComponent(PairLog.fileName))
        #expect(dir.readJudgingRules() == nil)
        #expect(try ReportWriter.regenerate(dir).summary.duet?.row(DuetSummaryTests.lazy)?.cpu?.verdict == .slower)
        try Data(#"{"seed": 1, "rules": {"pairedFloor": 0.03, "minEffect": 0.02}}"#.utf8).write(to: dir.duetJSON)
        #expect(dir.readJudgingRules() == JudgingRules(pairedFloor: 0.03, minEffect: 0.02))
        let saved = try ReportWriter.regenerate(dir)
        #expect(saved.rules == JudgingRules(pairedFloor: 0.03, minEffect: 0.02))
        #expect(saved.summary.duet?.row(DuetSummaryTests.lazy)?.cpu?.verdict == .noDifference)
        #expect(try ReportWriter.regenerate(dir, pairedMinEffect: 0.005).summary.duet?.row(DuetSummaryTests.lazy)?.cpu?.verdict == .slower)
        #expect(try dir.acrossInput().duet.minEffect == 0.02)
        #expect(try dir.acrossInput(minEffect: 0.005).duet.minEffect == 0.005)
    }
}
