import Foundation
import RoverTestSupport
import Testing
@testable import RoverReport
import RoverKinds

/// Renders report.html with headless chromium through Scripts/render-report.sh and checks the
/// charts were drawn by the page's script. Skipped, with the reason printed, without chromium.
@Suite struct RenderTests {
    static let repoRoot = Repository.root

    static var chromium: String? {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) { return path }
        return nil
    }

    @Test(.timeLimit(.minutes(2)))
    func chromiumDrawsEveryChart() throws {
        guard Self.chromium != nil else {
            print("RenderTests skipped: chromium not installed (apt-get install chromium)")
            return
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("render-\(UUID().uuidString)")
        defer { if ProcessInfo.processInfo.environment["ROVER_KEEP_RENDER"] == nil { try? FileManager.default.removeItem(at: root) } }
        let dir = try RunDirectory.create(in: root, date: Date(timeIntervalSince1970: 0), host: "render")
        let writer = try RunLogWriter(url: dir.runsCSV)
        for r in Fixtures.runs() { try writer.append(r) }
        writer.close()
        try Data(HTMLTests.hgrm.utf8).write(to: dir.hgrm(for: Fixtures.key(.lazy, .mutexPool)))
        let pairs = DuetSummaryTests.windows(DuetSummaryTests.base, control: true, truth: 1, seed: 2)
            + DuetSummaryTests.windows(DuetSummaryTests.lazy, truth: 1.03, seed: 1)
        try Data(PairLog.encode(pairs).utf8).write(to: dir.url.appendingPathComponent(PairLog.fileName))
        _ = try ReportWriter.regenerate(dir)

        let process = Process()
        process.executableURL = Self.repoRoot.appendingPathComponent("Scripts/render-report.sh")
        process.arguments = [dir.url.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "render-report.sh failed: \(errText)")
        print("rendered into \(dir.url.path)")

        let png = try Data(contentsOf: dir.url.appendingPathComponent("report.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))  // PNG signature
        #expect(png.count > 20_000, "screenshot suspiciously small: \(png.count) bytes")

        let dom = try String(contentsOf: dir.url.appendingPathComponent("report.dom.html"), encoding: .utf8)
        // 4 cells → 4 throughput bars, 4 latency curves (1 from hgrm, 3 from medians), 4 CPU bars.
        #expect(dom.contains("id=\"chart-throughput\" data-rendered=\"4\""))
        #expect(dom.contains("id=\"chart-latency\" data-rendered=\"4\""))
        #expect(dom.contains("data-panels=\"1\""))  // 4 cells of one load: one small multiple
        #expect(dom.contains("id=\"chart-server-cpu\" data-rendered=\"4\""))
        #expect(dom.components(separatedBy: "<svg").count - 1 == 3 + 1)  // and the forest plot
        #expect(dom.contains("class=\"forest-svg\" data-rows=\"2\""))
        #expect(dom.components(separatedBy: "<g class=\"forest-row verdict-").count - 1 == 2)
        #expect(dom.components(separatedBy: "<rect class=\"bar").count - 1 == 8)
        #expect(dom.components(separatedBy: "<polyline class=\"curve hgrm\"").count - 1 == 1)
        #expect(dom.components(separatedBy: "<polyline class=\"curve medians\"").count - 1 == 3)
    }
}
