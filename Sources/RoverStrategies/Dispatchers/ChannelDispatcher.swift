public import NIOCore
public import RoverEngine
import Dispatch
import Foundation
import Synchronization
public import RoverSystem

/// The seed's current design: one dedicated Lua thread owns one handler (one VM); connections
/// send (request, reply) through a bounded MPSC queue of 1024; the Lua thread answers through a
/// one-shot reply that runs on the connection's event loop (`eventLoop.execute`). Two cross-thread
/// hand-offs per request: the request to the Lua thread, the response back.
///
/// Back-pressure: when the queue is full, `dispatch` blocks the calling event-loop thread until
/// the Lua thread frees a slot (a condition-variable wait; counted in `fullWaits`). This is the
/// thread-level analogue of the seed's `send().await` on a bounded channel: the producer stops
/// and, while it waits, its loop reads no more requests — nothing is dropped and nothing crashes.
/// It cannot deadlock: the Lua thread never waits for an event loop (replies are enqueued with
/// `execute`, which does not block). With the HTTP layer's per-connection pipelining limit the
/// queue only fills with more than 1024 requests in flight.
///
/// Lives in RoverStrategies/Dispatchers. Thread-safe: `dispatch` from any event loop.
public final class ChannelDispatcher: Dispatcher {
    public static let queueCapacity = 1024

    private struct Job: Sendable {
        var request: Request
        var eventLoop: any EventLoop
        var reply: Reply
    }

    private let queue: BoundedQueue<Job>
    /// Counted where each hand-off happens: once when a request is enqueued for the Lua thread
    /// (in `dispatch`), once when its reply runs back on the connection's event loop.
    private let handoffCounter: HandoffCounter
    private let engineCounters: EngineCounters
    private let exited = DispatchSemaphore(value: 0)
    private let stopped = PThreadLocked(false)

    /// Starts the Lua thread and creates the handler on it; rethrows the factory's error (the
    /// thread then exits) so an app that fails to load stops startup.
    public init(factory: @escaping HandlerFactory, queueCapacity: Int = ChannelDispatcher.queueCapacity) throws {
        let queue = BoundedQueue<Job>(capacity: queueCapacity)
        self.queue = queue
        let started = DispatchSemaphore(value: 0)
        let result = PThreadLocked<Result<EngineCounters, any Error>?>(nil)
        let handoffs = HandoffCounter()
        self.handoffCounter = handoffs
        let exited = self.exited
        let thread = Thread {
            let handler: any RequestHandling
            do {
                handler = try factory()
                let counters = handler.counters
                result.withLock { $0 = .success(counters) }
                started.signal()
            } catch {
                result.withLock { $0 = .failure(error) }
                started.signal()
                exited.signal()
                return
            }
            while let job = queue.pop() {
                let response = handler.handle(job.request)
                let reply = job.reply
                job.eventLoop.execute {
                    handoffs.add(1)  // the response crossed back to the connection's loop
                    reply(response)
                }
            }
            exited.signal()
        }
        thread.name = "rover-lua"
        thread.start()
        started.wait()
        switch result.withLock({ $0 })! {
        case .success(let counters): engineCounters = counters
        case .failure(let error): throw error
        }
    }

    public func dispatch(_ request: Request, on eventLoop: any EventLoop,
                         reply: Reply) {
        if queue.push(Job(request: request, eventLoop: eventLoop, reply: reply)) {
            handoffCounter.add(1)  // the request crossed to the Lua thread
        } else {
            reply(.error(503, "Server is shutting down"))
        }
    }

    public func counters() -> CounterSnapshot {
        var s = engineCounters.snapshot()
        var own = CounterSnapshot()
        own.handoffs = handoffCounter.value
        own.lockAcquisitions = queue.acquisitions.load(ordering: .relaxed)
        own.lockContended = queue.contended.load(ordering: .relaxed)
        own.queueHighWater = queue.highWater.load(ordering: .relaxed)
        own.luaThreadWakes = queue.consumerWakes.load(ordering: .relaxed)
        s.add(own)
        return s
    }

    /// Pushes that waited on a full queue (back-pressure events).
    public var fullQueueWaits: UInt64 { queue.fullWaits.load(ordering: .relaxed) }

    /// Closes the queue, lets the Lua thread answer everything queued, and waits for it to exit.
    public func shutdown() {
        let first = stopped.withLock { s -> Bool in
            defer { s = true }
            return !s
        }
        guard first else { return }
        queue.close()
        exited.wait()
    }
}

/// A relaxed atomic counter written by one thread, read by any.
final class HandoffCounter: Sendable {
    private let count = Atomic<UInt64>(0)
    func add(_ n: UInt64) { count.add(n, ordering: .relaxed) }
    var value: UInt64 { count.load(ordering: .relaxed) }
}
