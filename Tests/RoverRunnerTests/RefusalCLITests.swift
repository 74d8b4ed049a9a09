import Foundation
import Testing

/// `serve` and `sweep` exit 1 at load when the app uses a Rover feature rover-bench refuses,
/// printing the feature and file:line.
@Suite struct RefusalCLITests {
    static func scenarioDir() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rover-refusal-\(UUID().uuidString)")
        let dir = root.appendingPathComponent("uses-sse")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "local api = rover.server {}\nfunction api.e.get(ctx)\n  return api.sse(function() end)\nend\nreturn api\n"
            .write(to: dir.appendingPathComponent("app.lua"), atomically: true, encoding: .utf8)
        try #"{"description":"x","method":"GET","path":"/e","headers":{},"expect_status":200,"expect_body":""}"#
            .write(to: dir.appendingPathComponent("scenario.json"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func serveExits1NamingTheFeature() throws {
        let dir = try Self.scenarioDir()
        let r = try SweepCLITests.run(["serve", dir.appendingPathComponent("app.lua").path, "--port", "0"])
        #expect(r.code == 1)
        #expect(r.err.contains("app.lua:3: server-sent events (api.sse) is not supported by rover-bench"), "\(r.err)")
    }

    @Test func sweepExits1NamingTheFeature() throws {
        let dir = try Self.scenarioDir()
        let r = try SweepCLITests.run(["sweep", "--scenarios-dir", dir.deletingLastPathComponent().path,
                                       "--scenario", "uses-sse", "--out", "/nonexistent/never-created"])
        #expect(r.code == 1)
        #expect(r.err.contains("scenario uses-sse:"), "\(r.err)")
        #expect(r.err.contains("app.lua:3: server-sent events (api.sse) is not supported by rover-bench"), "\(r.err)")
    }
}
