import Histogram
import NIOCore
import Testing
@testable import RoverLoad

/// Open loop (`rate`) against a server that stalls once for 1 s: coordinated-omission
/// correction must show the stall in the corrected p99 and not in the uncorrected one.
@Suite(.serialized) struct OpenLoopTests {
    @Test func stallShowsInCorrectedButNotUncorrectedP99() throws {
        // 400 req/s over 4 connections for 4 s; the stall starts at the 400th request (~1 s in).
        let server = try TestHTTPServer(TestServerBehaviour(stallAtRequest: 400, stallFor: .seconds(1)))
        defer { server.shutdown() }
        var c = LoadConfig(url: try TargetURL(server.url))
        c.connections = 4; c.mode = .openLoop(rate: 400); c.duration = 4; c.timeout = 5
        let r = try runLoad(c)
        let corrected = try #require(r.correctedLatency)
        let correctedP99 = Double(corrected.valueAtPercentile(99)) / 1000
        let uncorrectedP99 = Double(r.latency.valueAtPercentile(99)) / 1000
        // During the stall ~400 intended sends (a quarter of the run) wait up to 1 s; only the
        // 4 requests in flight when it began see it from their actual send time.
        #expect(correctedP99 >= 500, "corrected p99 \(correctedP99) ms")
        #expect(uncorrectedP99 < 500, "uncorrected p99 \(uncorrectedP99) ms")
        #expect(r.latency.max >= 900_000)        // the stalled requests themselves are recorded
        #expect(r.errors.total == 0)
        #expect(!r.generatorSaturated)
        #expect(r.requests > 1200)
    }
}
