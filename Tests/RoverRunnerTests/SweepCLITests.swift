import Foundation
import Testing

/// `rover-bench sweep` and `micro` refuse bad values before doing anything: exit 64, naming the flag.
@Suite struct SweepCLITests {
    static func run(_ args: [String]) throws -> (code: Int32, err: String) {
        let exe = try #require(SweepTests.binary, "build the executable first: swift build --build-tests")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = SweepTests.repoRoot
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: [
        (["sweep", "--workers", "0"], "--workers"),
        (["sweep", "--connections", "0"], "--connections"),
        (["sweep", "--duration", "-1"], "--duration"),
        (["sweep", "--repeats", "0"], "--repeats"),
        (["sweep", "--server-cpus", "7-9"], "--server-cpus"),
        (["sweep", "--load-cpus", "x"], "--load-cpus"),
        (["sweep", "--no-pin", "--server-cpus", "0"], "--no-pin"),
        (["sweep", "--context", "bogus"], "context"),
        (["sweep", "--dispatcher", "bogus"], "dispatcher"),
        (["sweep", "--scenario", "nope", "--out", "/nonexistent/never-created"], "--scenario nope"),
        (["sweep", "--resume", "/nonexistent/run"], "--resume"),
        (["sweep", "--instruction-budget", "-1"], "--instruction-budget"),
        (["sweep", "--duet-control-starts", "1"], "--duet-control-starts"),
        (["micro", "--rounds", "0"], "--rounds"),
        (["serve", "app.lua", "--workers", "0"], "--workers"),
    ] as [([String], String)])
    func badValuesExit64NamingTheFlag(args: [String], flag: String) throws {
        let r = try Self.run(args)
        #expect(r.code == 64, "\(args): exit \(r.code) \(r.err)")
        #expect(r.err.contains(flag), "\(args): \(r.err)")
    }
}
