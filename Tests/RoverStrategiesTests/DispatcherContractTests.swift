import RoverScenarios
import RoverTestSupport
import NIOCore
import NIOPosix
import RoverEngine
import RoverStrategies
import Synchronization
import Testing
import RoverKinds
import RoverSystem

/// One contract over every dispatcher, through the real HTTP server on 127.0.0.1 port 0.
@Suite(.serialized) struct DispatcherContractTests {
    static let loops = 2
    static let workers = 3

    func withServer(_ kind: DispatcherKind, _ fakes: FakeFactory,
                    _ body: (RoverServer) async throws -> Void) async throws {
        FileDescriptorLimit.raiseToHardLimit()
        let server = try await RoverServer.start(eventLoopThreads: Self.loops) { group in
            try kind.make(workers: Self.workers, group: group, factory: fakes.factory)
        }
        do { try await body(server) } catch { await server.stop(); throw error }
        await server.stop()
    }

    @Test(arguments: DispatcherKind.allCases)
    func manyConnectionsEachGetTheirOwnAnswers(kind: DispatcherKind) async throws {
        let fakes = FakeFactory()
        try await withServer(kind, fakes) { server in
            var clients: [BlockingHTTPClient] = []
            var sent = 0
            for c in 0..<256 {
                let client = try BlockingHTTPClient(port: server.port)
                var batch = ""
                for k in 0..<(1 + c % 4) {  // 1–4 requests per write: some pipelining
                    let fail = (c + k) % 7 == 0
                    batch += "GET /\(fail ? "fail" : "id")/\(c)/\(k) HTTP/1.1\r\nHost: t\r\n\r\n"
                    sent += 1
                }
                try client.send(batch)
                clients.append(client)
            }
            var received = 0
            for (c, client) in clients.enumerated() {
                for k in 0..<(1 + c % 4) {
                    let r = try #require(try client.readResponse(), "connection \(c) lost response \(k)")
                    if (c + k) % 7 == 0 {
                        #expect(r.status == 500)
                        #expect(r.text.hasPrefix(#"{"error":"boom on vm "#))
                    } else {
                        #expect(r.status == 200)
                        #expect(r.text == "/id/\(c)/\(k)")
                    }
                    received += 1
                }
            }
            #expect(received == sent)
            let counters = server.dispatcher.counters()
            #expect(counters.requests == UInt64(sent))  // none lost, none run twice
            #expect(server.stats.snapshot().appRequests == UInt64(sent))
            #expect(fakes.violations.load(ordering: .relaxed) == 0)  // no VM ran on two threads at once
        }
    }

    @Test(arguments: DispatcherKind.allCases)
    func countersShowTheStructure(kind: DispatcherKind) async throws {
        let fakes = FakeFactory()
        let n = 40
        try await withServer(kind, fakes) { server in
            let client = try BlockingHTTPClient(port: server.port)
            for i in 0..<n {
                try client.send("GET /c/\(i) HTTP/1.1\r\n\r\n")
                #expect(try client.readResponse()?.status == 200)
            }
            try client.send("GET /__rover/counters HTTP/1.1\r\n\r\n")
            let body = try CountersEndpoint.decode(try #require(try client.readResponse()).body)
            let s = body.counters
            #expect(s.requests == UInt64(n))
            switch kind {
            case .channel:
                #expect(s.handoffs == UInt64(2 * n))
                #expect(s.vms == 1)
                #expect(s.queueHighWater >= 1)
                #expect(s.lockAcquisitions >= UInt64(2 * n))  // queue lock: a push and a pop each
            case .mutexPool:
                #expect(s.handoffs == 0)
                #expect(s.lockAcquisitions == UInt64(n))
                #expect(s.vms == Self.workers)
            case .lockfreePool:
                #expect(s.handoffs == 0)
                #expect(s.lockAcquisitions == 0)
                #expect(s.casRetries == 0)  // one client, one request at a time: never contended
                #expect(s.vms == Self.workers)
            case .affine:
                #expect(s.handoffs == 0)
                #expect(s.lockAcquisitions == 0 && s.lockContended == 0 && s.casRetries == 0)
                #expect(s.vms == Self.loops)
                #expect(fakes.count == Self.loops)
            case .coroutine:
                #expect(s.handoffs == 0)
                #expect(s.lockAcquisitions == 0 && s.lockContended == 0 && s.casRetries == 0)
                #expect(s.vms == Self.loops)
                #expect(fakes.count == Self.loops)
                #expect(s.coroutineCreations == 0)  // fakes have no Lua: run as affine runs them
            }
        }
    }

    @Test(arguments: DispatcherKind.allCases)
    func repliesComeBackOnTheCallersLoop(kind: DispatcherKind) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let dispatcher = try kind.make(workers: 2, group: group, factory: FakeFactory().factory)
        var futures: [EventLoopFuture<Bool>] = []
        for i in 0..<20 {
            let loop = group.next()
            let promise = loop.makePromise(of: Bool.self)
            loop.execute {
                dispatcher.dispatch(Request(method: .get, target: "/d/\(i)"), on: loop) { response in
                    promise.succeed(loop.inEventLoop && response.body == Array("/d/\(i)".utf8))
                }
            }
            futures.append(promise.futureResult)
        }
        for f in futures { #expect(try await f.get()) }
        dispatcher.shutdown()
        try await group.shutdownGracefully()
    }
}
