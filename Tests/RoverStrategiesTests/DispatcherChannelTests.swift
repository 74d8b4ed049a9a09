import RoverTestSupport
import Dispatch
import NIOCore
import NIOPosix
import RoverEngine
import RoverStrategies
import Synchronization
import Testing

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

    @Test func loadErrorIsRethrown() {
        struct LoadError: Error {}
        #expect(throws: LoadError.self) { try ChannelDispatcher(factory: { throw LoadError() }) }
    }
}
