import Foundation
import Histogram
import RoverLoad
import RoverTestSupport
import Testing

/// The Kubernetes Job without a cluster: network namespaces joined by veth pairs to a bridge, one
/// "server host" running `rover-bench serve` and the start barrier (barrier.yaml's command line),
/// and three "generator hosts", each running pod k's command line from
/// deploy/kubernetes/load-job.yaml (FleetManifest expands both as the kubelet would; BARRIER is
/// the server host's address, as the headless Service's name would resolve). Then `rover-bench merge` of the three results, checked: totals are the sums of the
/// segments, histograms add exactly, the start skew is bounded, errors stay with their segment.
///
/// Addresses 10.231.0.0/24 exist only inside the namespaces this suite creates (names start
/// with `rbfleet-`); it removes them on every path, and removes leftovers of an earlier run
/// first. Skips, saying why, where namespaces are not permitted. With ROVER_FLEET_OUT=DIR set,
/// each run's command lines, segment files and merge report are kept under DIR.
@Suite(.serialized) struct FleetNamespaceTests {
    static let prefix = "rbfleet-"
    static let server = prefix + "srv"
    static let generators = (0..<3).map { "\(prefix)g\($0)" }
    static let serverAddress = "10.231.0.1"
    /// The barrier's address, a second one on the server host (as the Service would give its own
    /// pod): blocking the target's address from one generator host leaves the barrier reachable.
    static let barrierAddress = "10.231.0.2"
    static let port = 18080

    struct Outcome { var status: Int32; var output: String }

    /// iproute2's `ip`, looked up where Debian puts it (root's PATH may lack sbin under a test runner).
    static let ip: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @discardableResult
    static func sh(_ args: [String], check: Bool = true) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args.first == "ip" ? [ip ?? "ip"] + args.dropFirst() : args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let out = Outcome(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
        if check && out.status != 0 { throw Failure("\(args.joined(separator: " ")): exit \(out.status): \(out.output)") }
        return out
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Deletes every namespace of this suite, after killing what runs in it.
    static func removeNamespaces() {
        guard let list = try? sh(["ip", "netns", "list"], check: false) else { return }
        for line in list.output.split(separator: "\n") {
            let name = String(line.split(separator: " ").first ?? "")
            guard name.hasPrefix(prefix) else { continue }
            if let pids = try? sh(["ip", "netns", "pids", name], check: false) {
                for pid in pids.output.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
            }
            _ = try? sh(["ip", "netns", "del", name], check: false)
        }
    }

    /// Creates the hosts; nil when namespaces are not permitted here (with the reason).
    static func createHosts() throws -> String? {
        guard ip != nil else {
            return "iproute2's ip is not installed (apt-get install iproute2)"
        }
        removeNamespaces()
        let probe = try sh(["ip", "netns", "add", server], check: false)
        if probe.status != 0 {
            return "cannot create a network namespace (needs root with CAP_SYS_ADMIN and CAP_NET_ADMIN): \(probe.output.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
        try sh(["ip", "-n", server, "link", "set", "lo", "up"])
        try sh(["ip", "-n", server, "link", "add", "br0", "type", "bridge"])
        try sh(["ip", "-n", server, "addr", "add", "\(serverAddress)/24", "dev", "br0"])
        try sh(["ip", "-n", server, "addr", "add", "\(barrierAddress)/24", "dev", "br0"])
        try sh(["ip", "-n", server, "link", "set", "br0", "up"])
        for (k, g) in generators.enumerated() {
            try sh(["ip", "netns", "add", g])
            try sh(["ip", "-n", g, "link", "set", "lo", "up"])
            try sh(["ip", "link", "add", "rbf\(k)", "netns", server, "type", "veth", "peer", "name", "eth0", "netns", g])
            try sh(["ip", "-n", server, "link", "set", "rbf\(k)", "master", "br0"])
            try sh(["ip", "-n", server, "link", "set", "rbf\(k)", "up"])
            try sh(["ip", "-n", g, "addr", "add", "10.231.0.\(11 + k)/24", "dev", "eth0"])
            try sh(["ip", "-n", g, "link", "set", "eth0", "up"])
        }
        return nil
    }

    /// `rover-bench serve` of the hello scenario inside the server namespace, once it listens.
    static func startServer(_ binary: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [ip!, "netns", "exec", server, binary, "serve", Repository.scenarios + "/hello/app.lua",
                       "--host", serverAddress, "--port", String(port), "--threads", "1", "--workers", "1"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("listening on") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { throw Failure("serve exited before listening: \(String(decoding: seen, as: UTF8.self))") }
            seen += chunk
        }
        return p
    }

    /// The three generator hosts run pods 0, 1, 2 of the Job at once; then merge. Returns the
    /// parts, the merged result and the merge report.
    static func runJob(_ binary: String, in dir: URL, edit: ([String]) -> [String] = { $0 },
                       overrides extra: [String: String] = [:]) throws -> (parts: [LoadResult], merged: LoadResult, report: String, argv: [[String]]) {
        let manifest = try FleetManifest()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let barrierArgs = try FleetManifest(contentsOf: FleetManifest.barrierJob).arguments(index: 0, overrides: [:])
        let barrierPort = try #require(barrierArgs.first { $0.hasPrefix("--listen=") }?.split(separator: ":").last)
        let barrier = Process()
        barrier.executableURL = URL(fileURLWithPath: ip!)
        barrier.arguments = ["netns", "exec", server, binary] + barrierArgs
        let barrierPipe = Pipe()
        barrier.standardOutput = barrierPipe
        barrier.standardError = barrierPipe
        try barrier.run()
        defer { if barrier.isRunning { kill(barrier.processIdentifier, SIGKILL) }; barrier.waitUntilExit() }
        var overrides = ["TARGET_URL": "http://\(serverAddress):\(port)/hello", "BARRIER": "\(barrierAddress):\(barrierPort)", "RESULTS_DIR": dir.path]
        for (k, v) in extra { overrides[k] = v }
        var procs: [(Process, Pipe)] = []
        defer { stop(procs) }
        var argvs: [[String]] = []
        for (k, g) in generators.enumerated() {
            let argv = edit(manifest.arguments(index: k, overrides: overrides))
            argvs.append(argv)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [ip!, "netns", "exec", g, binary] + argv
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = pipe
            try p.run()
            procs.append((p, pipe))
        }
        try ((["rover-bench " + barrierArgs.joined(separator: " ") + "    # on the server host"] + argvs.map { "rover-bench " + $0.joined(separator: " ") }).joined(separator: "\n") + "\n")
            .write(to: dir.appendingPathComponent("commands.txt"), atomically: true, encoding: .utf8)
        // A watchdog: the runs are bounded by their --duration; never let one hang the suite.
        let deadline = DispatchTime.now() + 120
        for (k, (p, pipe)) in procs.enumerated() {
            DispatchQueue.global().asyncAfter(deadline: deadline) { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
            let out = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            try out.write(to: dir.appendingPathComponent("segment-\(k).txt"))
            guard p.terminationStatus == 0 else {
                throw Failure("segment \(k) exited \(p.terminationStatus): \(String(decoding: out, as: UTF8.self))")
            }
        }
        let barrierOut = barrierPipe.fileHandleForReading.readDataToEndOfFile()
        barrier.waitUntilExit()
        try barrierOut.write(to: dir.appendingPathComponent("barrier.txt"))
        guard barrier.terminationStatus == 0, String(decoding: barrierOut, as: UTF8.self).contains("released \(generators.count) parties") else {
            throw Failure("barrier exited \(barrier.terminationStatus): \(String(decoding: barrierOut, as: UTF8.self))")
        }
        let files = (0..<generators.count).map { dir.appendingPathComponent("segment-\($0).json").path }
        let mergedPath = dir.appendingPathComponent("merged.json").path
        let m = try sh([binary, "merge"] + files + ["--json", mergedPath, "--hgrm", dir.appendingPathComponent("merged.hgrm").path])
        try m.output.write(to: dir.appendingPathComponent("merge.txt"), atomically: true, encoding: .utf8)
        let parts = try files.map { try LoadResult.decode(json: Data(contentsOf: URL(fileURLWithPath: $0))) }
        let merged = try LoadResult.decode(json: Data(contentsOf: URL(fileURLWithPath: mergedPath)))
        return (parts, merged, m.output, argvs)
    }

    /// Kills what is still running of `procs` (SIGKILL: a process waiting at the barrier may not
    /// act on SIGTERM) and reaps it.
    static func stop(_ procs: [(Process, Pipe)]) {
        for (p, _) in procs where p.isRunning { kill(p.processIdentifier, SIGKILL) }
        for (p, _) in procs { p.waitUntilExit() }
    }

    /// Totals of the merged result are the sums of the parts, histograms bucket by bucket.
    static func expectExactSums(_ parts: [LoadResult], _ merged: LoadResult) {
        #expect(merged.processes == parts.count)
        #expect(merged.requests == parts.reduce(0) { $0 + $1.requests })
        #expect(merged.sentRequests == parts.reduce(0) { $0 + ($1.sentRequests ?? 0) })
        #expect(merged.non2xx == parts.reduce(0) { $0 + $1.non2xx })
        #expect(merged.errors.total == parts.reduce(0) { $0 + $1.errors.total })
        #expect(merged.run.connections == parts.reduce(0) { $0 + $1.run.connections })
        var success = LatencyHistogram.latency(), failed = LatencyHistogram.latency(), corrected = LatencyHistogram.latency()
        for p in parts {
            success.add(p.latency); failed.add(p.failedLatency)
            if let c = p.correctedLatency { corrected.add(c) }
        }
        #expect(merged.latency == success)
        #expect(merged.failedLatency == failed)
        if merged.correctedLatency != nil { #expect(merged.correctedLatency == corrected) }
        #expect(merged.parts.map(\.segment) == ["0/3", "1/3", "2/3"])
        #expect(merged.segmentProblems.isEmpty, "\(merged.segmentProblems)")
        for p in parts {
            #expect(p.start != nil && p.start?.intendedEpoch == nil)   // released by the barrier, not a clock
        }
        if let skew = merged.startSkewSeconds { #expect(skew >= 0 && skew < 0.5, "start skew \(skew) s") } else { Issue.record("no start skew") }
    }

    @Test func theJobsSegmentsRunOnThreeGeneratorHostsAndMergeExactly() throws {
        let binary = try #require(Repository.debugBinary, "build the executable first: swift build --build-tests")
        defer { Self.removeNamespaces() }
        if let reason = try Self.createHosts() {
            print("FleetNamespaceTests skipped: \(reason)")
            return
        }
        let server = try Self.startServer(binary)
        defer { server.terminate(); server.waitUntilExit() }
        let keep = ProcessInfo.processInfo.environment["ROVER_FLEET_OUT"].map { URL(fileURLWithPath: $0) }
        let root = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("rbfleet-\(UUID().uuidString)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: root) } }
        let manifest = try FleetManifest()
        let rate = try #require(manifest.value("RATE").flatMap { Double($0) })
        let connections = try #require(manifest.value("CONNECTIONS").flatMap { Int($0) })

        // Open loop: the Job as written. Together the segments offer the rate within 1%.
        let open = try Self.runJob(binary, in: root.appendingPathComponent("open-loop"))
        Self.expectExactSums(open.parts, open.merged)
        #expect(open.merged.run.connections == connections)
        #expect(abs(open.merged.run.targetRate! - rate) < 1e-9 * rate)
        let offered = try #require(open.merged.offeredRate)
        #expect(abs(offered - rate) <= 0.01 * rate, "offered \(offered) req/s of \(rate)")
        let intended = open.merged.parts.reduce(0) { $0 + ($1.intendedSends ?? 0) }
        #expect(abs(Double(open.merged.sentRequests!) - Double(intended)) <= 0.01 * Double(intended),
                "sent \(open.merged.sentRequests!) of \(intended) intended")
        #expect(open.merged.errors.total == 0 && open.merged.non2xx == 0)
        #expect(open.report.contains("Start skew:") && open.report.contains("offered"))

        // Closed loop: the same Job without --rate.
        let closed = try Self.runJob(binary, in: root.appendingPathComponent("closed-loop"), edit: { $0.filter { !$0.hasPrefix("--rate=") } })
        Self.expectExactSums(closed.parts, closed.merged)
        #expect(closed.merged.run.targetRate == nil && closed.merged.correctedLatency == nil)
        #expect(closed.parts.allSatisfy { $0.requests > 0 })

        // Errors stay with their segment: generator host 2 cannot reach the server.
        try Self.sh(["ip", "-n", Self.generators[2], "route", "add", "prohibit", "\(Self.serverAddress)/32"])   // the barrier stays reachable
        let broken = try Self.runJob(binary, in: root.appendingPathComponent("host-2-unreachable"),
                                     edit: { $0.filter { !$0.hasPrefix("--rate=") } }, overrides: ["DURATION": "2s"])
        Self.expectExactSums(broken.parts, broken.merged)
        #expect(broken.parts[2].errors.connect > 0 && broken.parts[2].requests == 0)
        #expect(broken.parts[0].errors.total == 0 && broken.parts[1].errors.total == 0)
        #expect(broken.parts[0].requests > 0 && broken.parts[1].requests > 0)
        #expect(broken.merged.parts[2].errors == broken.parts[2].errors)
        #expect(broken.merged.errors.connect == broken.parts[2].errors.connect)
    }
}
