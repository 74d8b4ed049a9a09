import RoverSystem
import RoverTestSupport
import Dispatch
import NIOCore
import NIOPosix
import RoverEngine
import RoverStrategies
import Synchronization
import Testing

/// Pool specifics: what each pool does when every VM is busy, counted deterministically. One VM,
/// two loops: request A holds the VM (its handler waits on a gate); request B arrives on the
/// other loop and must wait; the test sees B's wait in the counters, then opens the gate.
@Suite struct DispatcherPoolTests {
    func holdOneVMWhileAnotherRequestWaits(
        _ make: (FakeFactory) throws -> any Dispatcher,
        waiting: @escaping @Sendable (CounterSnapshot) -> Bool
    ) async throws -> CounterSnapshot {
        let gate = DispatchSemaphore(value: 0)
        let fakes = FakeFactory(gate: gate)
        let dispatcher = try make(fakes)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = Array(group.makeIterator())
        let loopA = loops[0], loopB = loops[1]
        func send(_ path: String, on loop: any EventLoop) -> EventLoopFuture<String> {
            let p = loop.makePromise(of: String.self)
            loop.execute {
                dispatcher.dispatch(Request(method: .get, target: path), on: loop) {
                    p.succeed(String(decoding: $0.body, as: UTF8.self))
                }
            }
            return p.futureResult
        }
        let a = send("/gate/a", on: loopA)
        #expect(await poll { fakes.entered.load(ordering: .relaxed) == 1 })
        let b = send("/b", on: loopB)
        #expect(await poll { waiting(dispatcher.counters()) })
        gate.signal()
        #expect(try await a.get() == "/gate/a")
        #expect(try await b.get() == "/b")
        #expect(fakes.violations.load(ordering: .relaxed) == 0)
        let s = dispatcher.counters()
        dispatcher.shutdown()
        try await group.shutdownGracefully()
        return s
    }

    @Test func mutexPoolCountsAContendedAcquisition() async throws {
        let s = try await holdOneVMWhileAnotherRequestWaits({ try MutexPoolDispatcher(workers: 1, factory: $0.factory) },
                                                            waiting: { $0.lockContended >= 1 })
        #expect(s.lockAcquisitions == 2 && s.lockContended == 1 && s.requests == 2)
    }

    @Test func lockFreePoolSpinsWithoutALockAndCountsRetries() async throws {
        let s = try await holdOneVMWhileAnotherRequestWaits({ try LockFreePoolDispatcher(workers: 1, factory: $0.factory) },
                                                            waiting: { $0.casRetries >= 64 })
        #expect(s.lockAcquisitions == 0 && s.casRetries >= 64 && s.requests == 2)
    }

    @Test func channelShutdownAnswersWhatIsQueued() async throws {
        let fakes = FakeFactory()
        let dispatcher = try ChannelDispatcher(factory: fakes.factory)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let futures = (0..<50).map { i -> EventLoopFuture<Int> in
            let p = loop.makePromise(of: Int.self)
            loop.execute {
                dispatcher.dispatch(Request(method: .get, target: "/q/\(i)"), on: loop) { r in p.succeed(r.status) }
            }
            return p.futureResult
        }
        try await loop.submit {}.get()  // all 50 are queued once this runs
        dispatcher.shutdown()
        for f in futures { #expect(try await f.get() == 200) }
        #expect(dispatcher.counters().requests == 50)
        try await group.shutdownGracefully()
    }
}

func poll(seconds: Double = 15, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return condition()
}
