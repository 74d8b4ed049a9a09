import RoverSystem
import RoverScenarios
import RoverTestSupport
import Foundation
import RoverEngine
import RoverStrategies
import Testing
import RoverKinds

/// The `coroutine` dispatcher over real sockets, with the real engine: yields, pooling, counters.
@Suite(.serialized) struct CoroutineDispatcherTests {
    static let app = """
    local api = rover.server {}
    local released = false
    function api.slow.p_id.get(ctx)
      while not released do coroutine.yield() end
      return "slow " .. ctx:params().id
    end
    function api.release.get(ctx) released = true return "released" end
    function api.id.p_n.get(ctx) return ctx:params().n end
    function api.fail.get(ctx) error("fail") end
    return api
    """

    static func withServer(loops: Int, _ body: (RoverServer) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("co-\(UUID().uuidString).lua").path
        try Self.app.write(toFile: path, atomically: true, encoding: .utf8)
        let builder = ContextKind.userdata.makeBuilder()
        let factory: HandlerFactory = { try Engine(appPath: path, builder: builder) }
        let server = try await RoverServer.start(eventLoopThreads: loops) { group in
            try DispatcherKind.coroutine.make(workers: 1, group: group, factory: factory)
        }
        do { try await body(server) } catch { await server.stop(); throw error }
        await server.stop()
    }

    /// One loop, one VM: a request that yields waits, the requests after it on other connections
    /// are answered meanwhile, and one of them lets it finish.
    @Test func aYieldingHandlerSuspendsOnlyItsRequest() async throws {
        try await Self.withServer(loops: 1) { server in
            let slow = try BlockingHTTPClient(port: server.port)
            try slow.send("GET /slow/7 HTTP/1.1\r\nHost: t\r\n\r\n")
            let other = try BlockingHTTPClient(port: server.port)
            for i in 0..<5 {
                try other.send("GET /id/\(i) HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try other.readResponse()?.text == "\(i)")
            }
            try other.send("GET /release HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try other.readResponse()?.text == "released")
            let r = try #require(try slow.readResponse())
            #expect(r.status == 200)
            #expect(r.text == "slow 7")
            let s = server.dispatcher.counters()
            #expect(s.requests == 7)
            #expect(s.coroutineCreations == 2)  // /slow kept one busy while the others reused one
            #expect(s.coroutineReuses == 5)
        }
    }

    @Test func countersEndpointReportsCreationsAndReuses() async throws {
        let n = 30
        try await Self.withServer(loops: 2) { server in
            let client = try BlockingHTTPClient(port: server.port)
            for i in 0..<n {
                try client.send("GET /\(i == 10 ? "fail" : "id/\(i)") HTTP/1.1\r\n\r\n")
                #expect(try client.readResponse()?.status == (i == 10 ? 500 : 200))
            }
            try client.send("GET /__rover/counters HTTP/1.1\r\n\r\n")
            let s = try CountersEndpoint.decode(try #require(try client.readResponse()).body).counters
            #expect(s.requests == UInt64(n))
            #expect(s.vms == 2)
            #expect(s.coroutineCreations == 2)  // the first, and one after /fail killed its coroutine
            #expect(s.coroutineReuses == UInt64(n - 2))
            #expect(s.handoffs == 0 && s.lockAcquisitions == 0 && s.casRetries == 0)
        }
    }
}
