import Foundation
import Histogram
import Testing
@testable import RoverLoad

/// The `rover-bench load` and `merge` commands as processes: bad arguments exit 64 with a
/// message naming the problem; two generator processes against one server merge exactly.
/// Uses the `rover-bench` binary built next to this test bundle (`swift build --build-tests`).
@Suite(.serialized) struct CLITests {
    struct Run { var status: Int32; var output: String }

    static func binary() throws -> URL {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("rover-bench")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw CLIMissing()
    }
    struct CLIMissing: Error, CustomStringConvertible {
        var description: String { "rover-bench binary not found next to the test bundle; run swift build --build-tests" }
    }

    static func start(_ args: [String]) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        return (p, pipe)
    }

    static func run(_ args: [String]) throws -> Run {
        let (p, pipe) = try start(args)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: [
        (["load", "-c", "0", "http://127.0.0.1:9/"], "--connections"),
        (["load", "--rate", "100", "-d", "0", "http://127.0.0.1:9/"], "--rate"),
        (["load", "127.0.0.1:9"], "malformed URL"),
        (["load", "http://127.0.0.1:notaport/"], "malformed URL"),
        (["load", "-H", "NoColonHere", "http://127.0.0.1:9/"], "malformed header"),
        (["load", "http://192.0.2.1:9/"], "--allow-remote"),
        (["load", "-d", "ten", "http://127.0.0.1:9/"], "--duration"),
        (["merge", "/nonexistent/a.json"], "cannot read"),
        (["load", "--segment", "3/3", "http://127.0.0.1:9/"], "--segment"),
        (["load", "--segment", "half", "http://127.0.0.1:9/"], "--segment"),
        (["load", "--segment", "0/3", "-c", "2", "http://127.0.0.1:9/"], "--segment"),
        (["load", "--start-at", "tomorrow", "http://127.0.0.1:9/"], "--start-at"),
        (["load", "--start-at", "2999-01-01T00:00:00Z", "http://127.0.0.1:9/"], "--start-at"),
        (["load", "--barrier", "nohostport", "http://127.0.0.1:9/"], "--barrier"),
        (["load", "--barrier", "127.0.0.1:7", "--start-at", "1796426191", "http://127.0.0.1:9/"], "--barrier"),
        (["load", "--barrier", "127.0.0.1:7", "--barrier-timeout", "soon", "http://127.0.0.1:9/"], "--barrier-timeout"),
        (["barrier", "--parties", "0"], "--parties"),
        (["barrier", "--parties", "2", "--listen", "127.0.0.1"], "--listen"),
    ])
    func badArgumentsExit64(args: [String], mentions: String) throws {
        let r = try Self.run(args)
        #expect(r.status == 64, "\(args): status \(r.status), output \(r.output)")
        #expect(r.output.contains(mentions), "\(args): \(r.output)")
    }

    /// `rover-bench barrier` holds three segments until all are ready (they arrive at different
    /// times), then releases them together: the merge counts every request once and reports a
    /// start skew far below the arrival spread. A barrier nobody joins times out with exit 1.
    @Test func aBarrierReleasesThreeSegmentsTogether() throws {
        let server = try TestHTTPServer()
        defer { server.shutdown() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("roverload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = 20_000 + Int(getpid() % 20_000)
        let (barrier, barrierPipe) = try Self.start(["barrier", "--parties", "3", "--listen", "127.0.0.1:\(port)", "--timeout", "60s"])
        var procs: [(Process, Pipe)] = []
        defer {   // SIGKILL: a process waiting at the barrier may not act on SIGTERM
            for p in [barrier] + procs.map(\.0) where p.isRunning { kill(p.processIdentifier, SIGKILL) }
        }
        let files = (0..<3).map { dir.appendingPathComponent("s\($0).json").path }
        for i in 0..<3 {
            if i > 0 { usleep(400_000) }   // arrivals 0.4 s apart; the release is one instant
            procs.append(try Self.start(["load", "--segment", "\(i)/3", "--barrier", "127.0.0.1:\(port)", "-c", "6", "-n", "600",
                                         "-d", "30s", "--json", files[i], server.url]))
        }
        for (p, pipe) in procs {
            let out = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(String(decoding: out, as: UTF8.self))")
        }
        let said = String(decoding: barrierPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        barrier.waitUntilExit()
        #expect(barrier.terminationStatus == 0 && said.contains("released 3 parties"), "\(said)")
        let m = try Self.run(["merge"] + files + ["--json", dir.appendingPathComponent("m.json").path])
        #expect(m.status == 0, "\(m.output)")
        let merged = try LoadResult.decode(json: Data(contentsOf: dir.appendingPathComponent("m.json")))
        #expect(merged.requests == 600 && server.counts.requests == 600 && merged.latency.totalCount == 600)
        #expect(merged.parts.map { $0.requests } == [200, 200, 200])
        #expect(merged.startSkewSeconds! < 0.4, "skew \(merged.startSkewSeconds!) s, arrivals were 0.4 s apart")
        let alone = try Self.run(["load", "--barrier", "127.0.0.1:\(port + 1)", "--barrier-timeout", "0.5s", "-n", "1", server.url])
        #expect(alone.status == 1 && alone.output.contains("start barrier: timed out"), "\(alone.output)")
    }

    @Test func twoGeneratorProcessesMergeExactly() throws {
        let server = try TestHTTPServer()
        defer { server.shutdown() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("roverload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.json").path, b = dir.appendingPathComponent("b.json").path
        let merged = dir.appendingPathComponent("m.json").path, hgrm = dir.appendingPathComponent("m.hgrm").path
        let procs = try [a, b].map { try Self.start(["load", "-c", "3", "-n", "700", "-d", "30s", "--json", $0, server.url]) }
        for (p, pipe) in procs {
            _ = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        let m = try Self.run(["merge", a, b, "--json", merged, "--hgrm", hgrm])
        #expect(m.status == 0, "\(m.output)")
        #expect(m.output.contains("2 generator processes merged"))
        let parts = try [a, b].map { try LoadResult.decode(json: Data(contentsOf: URL(fileURLWithPath: $0))) }
        let result = try LoadResult.decode(json: Data(contentsOf: URL(fileURLWithPath: merged)))
        #expect(result.requests == 1400 && result.processes == 2)
        #expect(server.counts.requests == 1400)
        var expected = parts[0].latency
        expected.add(parts[1].latency)
        #expect(result.latency == expected)
        #expect(result.latency.totalCount == 1400)
        #expect(try String(contentsOfFile: hgrm, encoding: .utf8).contains("Total count    =         1400]"))
    }
}
