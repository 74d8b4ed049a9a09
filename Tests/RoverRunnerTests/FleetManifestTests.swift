import Foundation
import RoverTestSupport
import Testing

/// deploy/kubernetes: the manifests validate offline against the pinned Kubernetes version
/// (Scripts/validate-manifests.sh, strict), a broken one does not, and the Job's layout is what
/// the README and FleetNamespaceTests rely on. The validation skips, saying why, when the
/// validator's venv is missing (`Scripts/validate-manifests.sh --install`; CI installs it).
@Suite struct FleetManifestTests {
    static let script = Repository.root.appendingPathComponent("Scripts/validate-manifests.sh").path
    static var validatorInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: Repository.root.appendingPathComponent(".build/kubernetes-validate/bin/kubernetes-validate").path)
    }

    static func validate(_ files: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script] + files
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func manifestsValidateOfflineAndABrokenOneDoesNot() throws {
        guard Self.validatorInstalled else {
            print("FleetManifestTests skipped: kubernetes-validate not installed (Scripts/validate-manifests.sh --install)")
            return
        }
        let all = try Self.validate([])
        #expect(all.status == 0, "\(all.output)")
        for name in ["configmap", "results-pvc", "barrier", "load-job", "merge-job"] {
            #expect(all.output.contains("deploy/kubernetes/\(name).yaml passed"), "\(all.output)")
        }
        #expect(all.output.contains("against version 1.30"))
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("broken-job-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: broken) }
        let text = try String(contentsOf: FleetManifest.loadJob, encoding: .utf8)
        try text.replacingOccurrences(of: "completionMode: Indexed", with: "completionsMode: Indexed")
            .write(to: broken, atomically: true, encoding: .utf8)
        let bad = try Self.validate([broken.path])
        #expect(bad.status != 0, "\(bad.output)")
        #expect(bad.output.contains("completionsMode"), "\(bad.output)")
    }

    @Test func theJobRunsOneSegmentPerIndex() throws {
        let m = try FleetManifest()
        let segments = try #require(m.value("SEGMENTS").flatMap { Int($0) })
        #expect(m.completions == segments && m.parallelism == segments)
        #expect(m.command == ["rover-bench"])
        #expect(m.args.first == "load")
        #expect(m.args.contains("--segment=$(JOB_COMPLETION_INDEX)/$(SEGMENTS)"))
        #expect(m.args.contains("--barrier=$(BARRIER)") && m.value("BARRIER") == "rover-barrier:7700")
        #expect(m.args.last == "$(TARGET_URL)")
        #expect(Set(m.external) == ["JOB_COMPLETION_INDEX", "TARGET_URL"])
        let barrier = try FleetManifest(contentsOf: FleetManifest.barrierJob)
        #expect(barrier.command == ["rover-bench"] && barrier.value("SEGMENTS") == String(segments))
        #expect(barrier.arguments(index: 0, overrides: [:]) == ["barrier", "--parties=\(segments)", "--listen=0.0.0.0:7700", "--timeout=15m"])
        let pod2 = m.arguments(index: 2, overrides: ["TARGET_URL": "http://10.0.0.1:80/x", "RESULTS_DIR": "/r"])
        #expect(pod2.contains("--segment=2/\(segments)") && pod2.contains("--json=/r/segment-2.json"))
        #expect(pod2.last == "http://10.0.0.1:80/x" && !pod2.contains { $0.contains("$(") })
    }
}
