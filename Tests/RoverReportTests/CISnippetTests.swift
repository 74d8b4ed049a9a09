import Foundation
import RoverTestSupport
import Testing

/// Runs the README's CI snippet (its last `run: |` step, between the `ci-snippet` markers) with a
/// stand-in `rover-bench` that exits with each code the gate can give, the way GitHub Actions
/// runs a step (`bash -eo pipefail`): 0 and 3 pass the step, everything else fails it.
@Suite struct CISnippetTests {
    static func gateStep() throws -> String {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        guard let begin = readme.range(of: "<!-- ci-snippet:begin -->"),
              let end = readme.range(of: "<!-- ci-snippet:end -->", range: begin.upperBound..<readme.endIndex) else {
            Issue.record("README.md has no ci-snippet markers")
            return ""
        }
        let lines = readme[begin.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.lastIndex(where: { $0.hasPrefix("- run: |") }) else { return "" }
        return lines[(start + 1)...].prefix { $0.hasPrefix("    ") }.map { String($0.dropFirst(4)) }.joined(separator: "\n")
    }

    @Test(arguments: [(Int32(0), true), (3, true), (2, false), (4, false), (64, false), (1, false)])
    func snippetStepPassesOnlyPassAndImprovement(code: Int32, passes: Bool) throws {
        let step = try Self.gateStep()
        #expect(step.contains(".build/release/rover-bench gate"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ci-snippet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".build/release"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let stub = dir.appendingPathComponent(".build/release/rover-bench")
        try Data("#!/bin/sh\necho \"gate $*\"\nexit \(code)\n".utf8).write(to: stub)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["--noprofile", "--norc", "-eo", "pipefail", "-c", step]
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect((p.terminationStatus == 0) == passes, "exit \(code) → step status \(p.terminationStatus)")
    }
}
