import RoverTestSupport
import Dispatch
import NIOCore
import NIOPosix
import RoverEngine
import RoverStrategies
import Synchronization
import Testing
import RoverSystem

/// Channel-dispatcher specifics: back-pressure on a full queue, graceful shutdown.
@Suite struct DispatcherChannelTests {
    @Test func fullQueueBlocksTheProducerAndLosesNothing() async throws {
        let gate = DispatchSemaphore(value: 0)
        let fakes = FakeFactory(gate: gate)
        let dispatcher = try ChannelDispatcher(factory: fakes.factory, queueCapacity: 2)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let answered = PThreadLocked<[String]>([])
        let done = loop.makePromise(of: Void.self)
        let total = 10
        // The first request holds the VM; the queue (2) fills; the loop then waits in `dispatch`.
        loop.execute {
            for i in 0..<total {
                dispatcher.dispatch(Request(method: .get, target: "/gate/\(i)"), on: loop) { r in
                    let n = answered.withLock { a in
                        a.append(String(decoding: r.body, as: UTF8.self))
                        return a.count
                    }
                    if n == total { done.succeed() }
                }
            }
        }
        let deadline = ContinuousClock.now + .seconds(15)
        while dispatcher.fullQueueWaits == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(dispatcher.fullQueueWaits > 0)
        for _ in 0..<total { gate.signal() }
        try await done.futureResult.get()
        #expect(answered.withLock { $0 } == (0..<total).map { "/gate/\($0)" })
        let s = dispatcher.counters()
        #expect(s.queueHighWater == 2)
        #expect(s.handoffs == UInt64(2 * total))
        dispatcher.shutdown()
        try await group.shutdownGracefully()
    }

    /// Each hand-off is counted where it happens: the request when it is enqueued for the Lua
    /// thread, the response only once its reply has run on the connection's loop. A request
    /// refused after shutdown crossed no thread and counts nothing.
    @Test func handoffsAreCountedWhereTheyHappen() async throws {
        let gate = DispatchSemaphore(value: 0)
        let dispatcher = try ChannelDispatcher(factory: FakeFactory(gate: gate).factory)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let replied = loop.makePromise(of: Void.self)
        try await loop.submit {
            dispatcher.dispatch(Request(method: .get, target: "/gate/0"), on: loop) { _ in replied.succeed() }
        }.get()
        #expect(dispatcher.counters().handoffs == 1)  // enqueued; the VM is held by the gate
        gate.signal()
        try await replied.futureResult.get()
        #expect(dispatcher.counters().handoffs == 2)
        dispatcher.shutdown()
        let refused = loop.makePromise(of: Int.self)
        loop.execute {
            dispatcher.dispatch(Request(method: .get, target: "/late"), on: loop) { refused.succeed($0.status) }
        }
        #expect(try await refused.futureResult.get() == 503)
        #expect(dispatcher.counters().handoffs == 2)
        try await group.shutdownGracefully()
    }

    @Test func loadErrorIsRethrown() {
        struct LoadError: Error {}
        #expect(throws: LoadError.self) { try ChannelDispatcher(factory: { throw LoadError() }) }
    }
}
