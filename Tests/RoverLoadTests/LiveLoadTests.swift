import Histogram
import NIOCore
import Testing
@testable import RoverLoad

/// `runLoad` against `TestHTTPServer` on loopback. Serialized: these tests share two cores.
@Suite(.serialized) struct LiveLoadTests {
    static func config(_ server: TestHTTPServer, _ edit: (inout LoadConfig) -> Void) throws -> LoadConfig {
        var c = LoadConfig(url: try TargetURL(server.url))
        c.duration = 30          // a safety cap; budget-driven tests end long before
        edit(&c)
        return c
    }

    @Test(arguments: [(1, 1, 1), (8, 2, 1), (6, 3, 4)])
    func requestCountsAreExact(connections: Int, threads: Int, pipeline: Int) throws {
        let server = try TestHTTPServer()
        defer { server.shutdown() }
        let r = try runLoad(Self.config(server) {
            $0.connections = connections; $0.threads = threads; $0.pipeline = pipeline; $0.mode = .fixedCount(1001)
        })
        #expect(r.requests == 1001)
        #expect(r.latency.totalCount == 1001)
        #expect(r.errors.total == 0 && r.non2xx == 0)
        #expect(server.counts.requests == 1001)
        #expect(server.counts.responses == 1001)
    }

    @Test func postBodiesAndChunkedResponses() throws {
        let server = try TestHTTPServer(TestServerBehaviour(chunked: true))
        defer { server.shutdown() }
        let r = try runLoad(Self.config(server) {
            $0.connections = 4; $0.method = "POST"; $0.body = Array(repeating: 65, count: 3000); $0.mode = .fixedCount(400)
            $0.headers = [("X-Test", "1")]
        })
        #expect(r.requests == 400 && r.errors.total == 0)
        #expect(server.counts.requests == 400)
    }

    @Test func medianReflectsServerDelay() throws {
        let server = try TestHTTPServer(TestServerBehaviour(delay: .milliseconds(20)))
        defer { server.shutdown() }
        let r = try runLoad(Self.config(server) { $0.connections = 4; $0.mode = .fixedCount(200) })
        let p50 = Double(r.latency.valueAtPercentile(50)) / 1000
        #expect(p50 >= 20 && p50 <= 25, "p50 \(p50) ms")
        #expect(r.requests == 200)
    }

    @Test func non2xxAreCountedApart() throws {
        let server = try TestHTTPServer(TestServerBehaviour(status: 503))
        defer { server.shutdown() }
        let r = try runLoad(Self.config(server) { $0.connections = 3; $0.mode = .fixedCount(300) })
        #expect(r.requests == 300)
        #expect(r.non2xx == 300)
        #expect(r.latency.totalCount == 0)
        #expect(r.failedLatency.totalCount == 300)
        #expect(r.errors.total == 0)
    }

    @Test func serverClosesAreCountedAndReconnected() throws {
        let server = try TestHTTPServer(TestServerBehaviour(closeEvery: 5))
        defer { server.shutdown() }
        let r = try runLoad(Self.config(server) { $0.connections = 4; $0.mode = .fixedCount(300) })
        #expect(r.requests == 300 && r.errors.total == 0)
        // Every connection life ends after its 5th response; only the last life of each of the
        // 4 connections may end early (when the budget runs out).
        #expect(r.reconnects >= (300 - 4 * 4) / 5 && r.reconnects <= 300 / 5)
        #expect(server.counts.connections >= r.reconnects)     // 4 first opens + reopens, minus up to 4 not yet accepted
        #expect(server.counts.requests == 300)
    }

    @Test func droppedRequestsAreReadErrors() throws {
        let server = try TestHTTPServer(TestServerBehaviour(dropEvery: 10))
        defer { server.shutdown() }
        let r = try runLoad(Self.config(server) { $0.connections = 2; $0.mode = .fixedCount(200) })
        // Each connection life ends at its 10th request, which fails; only the last life of each
        // of the 2 connections may end early, when the budget runs out.
        #expect(r.errors.read >= (200 - 2 * 9) / 10 && r.errors.read <= 20)
        #expect(r.requests + r.errors.read == 200)
        #expect(r.failedLatency.totalCount == UInt64(r.errors.read))
        #expect(r.latency.totalCount == UInt64(r.requests))
        #expect(server.counts.requests == 200)
    }

    @Test func connectErrorsAreCounted() throws {
        let server = try TestHTTPServer()
        let url = server.url
        server.shutdown()       // nothing listens on this port now
        var c = LoadConfig(url: try TargetURL(url))
        c.connections = 2; c.duration = 0.3
        let r = try runLoad(c)
        #expect(r.errors.connect > 0)
        #expect(r.requests == 0)
    }
}

extension LiveLoadTests {
    @Test func slowResponsesTimeOutAndAreReconnected() throws {
        let server = try TestHTTPServer(TestServerBehaviour(delay: .seconds(2)))
        defer { server.shutdown() }
        var c = LoadConfig(url: try TargetURL(server.url))
        c.connections = 2; c.duration = 0.9; c.timeout = 0.2
        let r = try runLoad(c)
        // Each connection times out every ~0.2-0.45 s (timeout + scan interval), then reopens.
        #expect(r.errors.timeout >= 2)
        #expect(r.requests == 0)
        #expect(r.failedLatency.totalCount == UInt64(r.errors.timeout))
        #expect(server.counts.connections >= r.errors.timeout)     // 2 first opens + reopens, minus up to 2 not yet accepted
    }
}

extension LiveLoadTests {
    @Test func pipelinedRequestsToADroppingServerAreEachResolvedOnce() throws {
        // The server closes in the middle of a pipelined batch: every request of the batch is
        // resolved exactly once (answered, or failed with the read error), none is lost or doubled.
        let server = try TestHTTPServer(TestServerBehaviour(dropEvery: 3))
        defer { server.shutdown() }
        let r = try runLoad(Self.config(server) { $0.connections = 4; $0.pipeline = 4; $0.mode = .fixedCount(400) })
        #expect(r.errors.read > 0)
        #expect(r.requests + Int(r.failedLatency.totalCount) == 400)
        #expect(r.latency.totalCount == UInt64(r.requests))
    }
}

extension LiveLoadTests {
    @Test func warmupIsNotRecorded() throws {
        let server = try TestHTTPServer()
        defer { server.shutdown() }
        var c = LoadConfig(url: try TargetURL(server.url))
        c.connections = 2; c.warmup = 0.3; c.duration = 0.3
        let r = try runLoad(c)
        // Responses of the warm-up reached the server but not the result.
        #expect(r.requests > 0)
        #expect(server.counts.requests > r.requests)
        #expect(r.latency.totalCount == UInt64(r.requests))
    }
}
