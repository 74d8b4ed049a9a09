public import NIOCore
public import RoverEngine
import Synchronization
public import RoverSystem

/// N handlers (VMs), each behind its own pthread mutex (`PThreadLocked`); an atomic counter picks one round-robin and the
/// calling event-loop thread runs the handler in place, then replies synchronously. No hand-offs.
///
/// Each acquisition tries the lock first; when that fails it counts a contended acquisition and
/// blocks. Lives in RoverStrategies/Dispatchers; thread-safe, `dispatch` from any thread.
public final class MutexPoolDispatcher: Dispatcher {
    /// One VM and its lock; the counters sit beside it and are atomics so `counters()` can read
    /// them while the lock is held elsewhere.
    private final class Slot: Sendable {
        let handler: PThreadLocked<any RequestHandling>
        let engineCounters: EngineCounters
        let acquisitions = Atomic<UInt64>(0)
        let contended = Atomic<UInt64>(0)

        init(_ handler: any RequestHandling, counters: EngineCounters) {
            self.engineCounters = counters
            self.handler = PThreadLocked(handler)
        }
    }

    private let slots: [Slot]
    private let next = Atomic<UInt64>(0)

    /// Creates `workers` handlers on the calling thread; rethrows the first factory error.
    public init(workers: Int, factory: HandlerFactory) throws {
        precondition(workers > 0, "a pool needs at least one VM")
        var slots: [Slot] = []
        for _ in 0..<workers {
            let handler = try factory()
            let counters = handler.counters
            slots.append(Slot(handler, counters: counters))
        }
        self.slots = slots
    }

    public func dispatch(_ request: Request, on eventLoop: any EventLoop,
                         reply: Reply) {
        let i = Int(next.wrappingAdd(1, ordering: .relaxed).oldValue % UInt64(slots.count))
        let slot = slots[i]
        let response: Response
        if let r = slot.handler.withLockIfAvailable({ $0.handle(request) }) {
            response = r
        } else {
            slot.contended.add(1, ordering: .relaxed)
            response = slot.handler.withLock { $0.handle(request) }
        }
        slot.acquisitions.add(1, ordering: .relaxed)
        reply(response)
    }

    public func counters() -> CounterSnapshot {
        var total = CounterSnapshot()
        for slot in slots {
            var s = slot.engineCounters.snapshot()
            s.lockAcquisitions = slot.acquisitions.load(ordering: .relaxed)
            s.lockContended = slot.contended.load(ordering: .relaxed)
            total.add(s)
        }
        return total
    }

    /// Nothing to stop: the handlers run on the callers' threads.
    public func shutdown() {}
}
