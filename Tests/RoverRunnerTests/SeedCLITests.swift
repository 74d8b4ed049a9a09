import Foundation
import RoverReport
import RoverRunner
import Testing

/// A sweep draws a fresh seed, prints it and records it in plan.json and duet.json; `--seed`
/// replays it: the same process pairs in the same order.
@Suite struct SeedCLITests {
    static let args = ["sweep", "--duet-only", "--context", "eager", "lazy", "--dispatcher", "channel",
                       "--duet-starts", "2", "--duet-control-starts", "2", "--duet-stages", "1", "--duet-windows", "1",
                       "--duet-window", "0.05", "--duet-warmup", "0"]

    static func sweep(_ extra: [String]) throws -> (run: URL, err: String) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString)")
        let r = try SweepCLITests.run(args + ["--out", out.path] + extra)
        #expect(r.code == 0, "\(r.err)")
        let runs = try FileManager.default.contentsOfDirectory(at: out, includingPropertiesForKeys: nil)
        return (try #require(runs.first), r.err)
    }

    static func plan(_ run: URL) throws -> DuetPlan {
        try JSONDecoder().decode(DuetPlan.self, from: Data(contentsOf: run.appendingPathComponent("duet.json")))
    }

    /// (comparison, start, slot) in the order pairs.csv recorded them.
    static func order(_ run: URL) throws -> [String] {
        let lines = try String(contentsOf: run.appendingPathComponent("pairs.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let idx = ["kind", "context", "start", "slot"].map { header.firstIndex(of: $0)! }
        return lines.dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return idx.map { String(f[$0]) }.joined(separator: "/")
        }
    }

    @Test func aFreshSeedIsRecordedAndReplayed() throws {
        let first = try Self.sweep([])
        let seed = try Self.plan(first.run).seed
        #expect(seed != Bootstrap.defaultSeed)
        #expect(first.err.contains("seed \(seed) (replay this order with --seed \(seed))"), "\(first.err)")
        let planJSON = try String(contentsOf: first.run.appendingPathComponent("plan.json"), encoding: .utf8)
        #expect(planJSON.contains("\"shuffleSeed\" : \(seed)"), "\(planJSON)")
        let replay = try Self.sweep(["--seed", "\(seed)"])
        let replayedSeed = try Self.plan(replay.run).seed
        #expect(replayedSeed == seed)
        let order = try Self.order(first.run)
        let replayed = try Self.order(replay.run)
        // Four duet windows, and the comparison's two process pairs each end with alone windows.
        #expect(order.filter { !$0.hasPrefix("alone/") }.count == 4 && order == replayed)
        #expect(order.filter { $0.hasPrefix("alone/") }.count == 2, "\(order)")
        let other = try Self.sweep([])
        let otherSeed = try Self.plan(other.run).seed
        #expect(otherSeed != seed)
    }
}
