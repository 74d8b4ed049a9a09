import RoverScenarios
import RoverTestSupport
import NIOCore
import Synchronization
import Testing
@testable import RoverEngine
import RoverSystem
import RoverStrategies

/// The HTTP layer over real sockets on 127.0.0.1, port 0, with fake dispatchers.
@Suite struct HTTPServerTests {
    func withServer(_ dispatcher: any Dispatcher, limits: HTTPLimits = HTTPLimits(),
                    _ body: (RoverServer) async throws -> Void) async throws {
        let server = try await RoverServer.start(limits: limits, eventLoopThreads: 2) { _ in dispatcher }
        do { try await body(server) } catch { await server.stop(); throw error }
        await server.stop()
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        try await withServer(EchoDispatcher()) { server in
            let c = try BlockingHTTPClient(port: server.port)
            for i in 0..<20 {
                try c.send("GET /k/\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
                let r = try #require(try c.readResponse())
                #expect(r.status == 200 && r.text == "/k/\(i)")
                #expect(r.header("Content-Type") == "text/plain; charset=utf-8")
                #expect(r.header("Content-Length") == "\(r.body.count)")
                #expect(r.header("Connection") == nil)
            }
        }
    }

    @Test func bareResponderAnswersTheFixedBodyWithoutLua() async throws {
        let bare = BareResponder()
        try await withServer(bare) { server in
            let c = try BlockingHTTPClient(port: server.port)
            try c.send("GET /users/9 HTTP/1.1\r\nHost: x\r\n\r\nGET /other HTTP/1.1\r\nHost: x\r\n\r\n")
            for _ in 0..<2 {
                let r = try #require(try c.readResponse())
                #expect(r.status == 200 && r.text == #"{"user_id":"123"}"#)
                #expect(r.header("Content-Type") == "application/json")
            }
        }
        #expect(bare.counters().requests == 2)
        #expect(bare.counters().vms == 0)
    }

    @Test func pipelinedRepliesAreWrittenInRequestOrder() async throws {
        // The dispatcher answers each batch of 3 in reverse order.
        try await withServer(GatedDispatcher(batch: 3)) { server in
            let c = try BlockingHTTPClient(port: server.port)
            try c.send("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n")
            var got: [String] = []
            for _ in 0..<3 { got.append(try #require(try c.readResponse()).text) }
            #expect(got == ["/1", "/2", "/3"])
        }
    }

    /// Each connection writes its next response into the last one's buffer: answers of every
    /// size, pipelined (several written before one flush) and one at a time, longest first so a
    /// stale tail would show, never mix; one past the kept size (4 KiB) is answered whole too.
    @Test func aReusedResponseBufferNeverMixesAnswers() async throws {
        try await withServer(EchoDispatcher()) { server in
            let c = try BlockingHTTPClient(port: server.port)
            let paths = [3000, 5000, 700, 40, 1, 260, 4090].map { "/" + String(repeating: "p", count: $0 - 1) }
            try c.send(paths.map { "GET \($0) HTTP/1.1\r\n\r\n" }.joined())
            for p in paths {
                let r = try #require(try c.readResponse())
                #expect(r.text == p && r.header("Content-Length") == "\(p.utf8.count)")
            }
            for n in [2000, 900, 10, 1, 6000, 12] {
                let p = "/" + String(repeating: "q", count: n - 1)
                try c.send("GET \(p) HTTP/1.1\r\n\r\n")
                let r = try #require(try c.readResponse())
                #expect(r.text == p && r.header("Content-Length") == "\(n)")
            }
        }
    }

    @Test func malformedRequestGets400AndCloseThenNewConnectionWorks() async throws {
        try await withServer(EchoDispatcher()) { server in
            let c = try BlockingHTTPClient(port: server.port)
            try c.send("GET /ok HTTP/1.1\r\n\r\nNOT HTTP AT ALL\r\n\r\nGET /never HTTP/1.1\r\n\r\n")
            #expect(try c.readResponse()?.text == "/ok")
            let bad = try #require(try c.readResponse())
            #expect(bad.status == 400)
            #expect(bad.header("Connection") == "close")
            #expect(try c.readsEOF())
            let d = try BlockingHTTPClient(port: server.port)
            try d.send("GET /again HTTP/1.1\r\n\r\n")
            #expect(try d.readResponse()?.text == "/again")
            #expect(server.stats.snapshot().parseErrors == 1)
        }
    }

    @Test func limitsAnswer431And413() async throws {
        try await withServer(EchoDispatcher(), limits: HTTPLimits(maxHeaderBytes: 256, maxBodyBytes: 8)) { server in
            let c = try BlockingHTTPClient(port: server.port)
            try c.send("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 300) + "\r\n\r\n")
            #expect(try c.readResponse()?.status == 431)
            let d = try BlockingHTTPClient(port: server.port)
            try d.send("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n")
            #expect(try d.readResponse()?.status == 413)
            #expect(try d.readsEOF())
        }
    }

    @Test func bodiesHeadHTTP10AndClose() async throws {
        try await withServer(EchoDispatcher()) { server in
            let c = try BlockingHTTPClient(port: server.port)
            try c.send("POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
            #expect(try c.readResponse()?.text == "/b|abc")
            try c.send("HEAD /h HTTP/1.1\r\n\r\n")
            let h = try #require(try c.readResponse(bodyless: true))
            #expect(h.header("Content-Length") == "2" && h.body.isEmpty)
            try c.send("GET /ten HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try c.readResponse()?.header("Connection") == "keep-alive")
            try c.send("GET /bye HTTP/1.1\r\nConnection: close\r\n\r\n")
            let last = try #require(try c.readResponse())
            #expect(last.text == "/bye" && last.header("Connection") == "close")
            #expect(try c.readsEOF())
            let old = try BlockingHTTPClient(port: server.port)
            try old.send("GET /old HTTP/1.0\r\n\r\n")
            #expect(try old.readResponse()?.text == "/old")
            #expect(try old.readsEOF())
        }
    }

    @Test func expectContinueGets100ThenTheResponse() async throws {
        try await withServer(EchoDispatcher()) { server in
            let c = try BlockingHTTPClient(port: server.port)
            try c.send("POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            #expect(try c.readResponse()?.status == 100)
            try c.send("body")
            let r = try #require(try c.readResponse())
            #expect(r.status == 200 && r.text == "/e|body")
        }
    }

    @Test func countersEndpointIsNativeAndCountedApart() async throws {
        let echo = EchoDispatcher()
        try await withServer(echo) { server in
            let c = try BlockingHTTPClient(port: server.port)
            for _ in 0..<3 {
                try c.send("GET /x HTTP/1.1\r\n\r\n")
                _ = try c.readResponse()
            }
            try c.send("GET /__rover/counters HTTP/1.1\r\n\r\n")
            let r = try #require(try c.readResponse())
            #expect(r.status == 200 && r.header("Content-Type") == "application/json")
            let body = try CountersEndpoint.decode(r.body)
            #expect(body.counters.requests == 3)
            #expect(body.server.appRequests == 3)
            #expect(body.server.counterRequests == 0)  // counted after it is written
            #expect(body.process.cpuMicros > 0 && body.process.maxRSSKiB > 0)
            #expect(server.stats.snapshot().counterRequests == 1)
            #expect(echo.count.load(ordering: .relaxed) == 3)  // never reached the dispatcher
        }
    }

    @Test func stopFinishesInFlightRequests() async throws {
        let gate = GatedDispatcher()
        let server = try await RoverServer.start(eventLoopThreads: 1) { _ in gate }
        let c = try BlockingHTTPClient(port: server.port)
        try c.send("GET /inflight HTTP/1.1\r\n\r\n")
        #expect(await eventually { gate.waiting == 1 })
        let stopping = Task { await server.stop() }
        // Once stop() has told the connection to finish (the listener is closed by then), release
        // the reply: the Quiesce event is queued on the loop before the reply.
        #expect(await eventually { server.quiesceSent.load(ordering: .acquiring) })
        #expect((try? BlockingHTTPClient(port: server.port)) == nil)
        gate.release()
        let r = try #require(try c.readResponse())
        #expect(r.status == 200 && r.text == "/inflight")
        #expect(r.header("Connection") == "close")
        #expect(try c.readsEOF())
        await stopping.value
    }
}
