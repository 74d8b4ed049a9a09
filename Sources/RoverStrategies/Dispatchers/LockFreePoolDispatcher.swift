public import RoverSystem
public import NIOCore
public import RoverEngine
import Atomics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// N handlers (VMs, N ≤ 64) whose availability is one atomic bit mask: a thread takes the lowest
/// free VM with a compare-and-swap that clears its bit, runs the handler in place, and gives it
/// back with an atomic OR. No mutex anywhere on the path; no hand-offs.
///
/// When no VM is free (only possible when there are more event-loop threads than VMs), the thread
/// spins, yielding the CPU (`sched_yield`) every 64 failed attempts. It never blocks on a lock:
/// the holder is another thread running one bounded handler in place (the engine's instruction
/// budget stops runaways), and a thread holds at most one VM and returns it before replying, so a
/// VM always comes back. Every failed attempt — a lost CAS or an empty mask — counts in
/// `casRetries`.
///
/// Lives in RoverStrategies/Dispatchers; thread-safe, `dispatch` from any thread.
public final class LockFreePoolDispatcher: Dispatcher {
    public static let maxWorkers = 64

    private let boxes: [HandlerBox]
    /// Bit i set ⇔ `boxes[i]` is free. Acquire on take, release on give-back, so a VM's state
    /// written by one thread is visible to the next.
    private let free: ManagedAtomic<UInt64>
    private let retries = ManagedAtomic<UInt64>(0)

    /// Creates `workers` handlers on the calling thread; rethrows the first factory error.
    public init(workers: Int, factory: HandlerFactory) throws {
        precondition((1...Self.maxWorkers).contains(workers), "lockfree-pool holds 1...64 VMs")
        var boxes: [HandlerBox] = []
        for _ in 0..<workers { boxes.append(HandlerBox(try factory())) }
        self.boxes = boxes
        free = ManagedAtomic(workers == 64 ? UInt64.max : (UInt64(1) << UInt64(workers)) - 1)
    }

    public func dispatch(_ request: Request, on eventLoop: any EventLoop,
                         reply: Reply) {
        let i = take()
        let response = boxes[i].handler.handle(request)
        _ = free.loadThenBitwiseOr(with: UInt64(1) << UInt64(i), ordering: .releasing)
        reply(response)
    }

    /// Clears one free bit and returns its index.
    private func take() -> Int {
        var failed: UInt64 = 0
        defer { if failed > 0 { retries.wrappingIncrement(by: failed, ordering: .relaxed) } }
        var mask = free.load(ordering: .relaxed)
        while true {
            if mask == 0 {
                failed += 1
                if failed & 63 == 0 {
                    // Publish while waiting, so a long wait shows in the counters as it happens.
                    retries.wrappingIncrement(by: failed, ordering: .relaxed)
                    failed = 0
                    sched_yield()
                }
                mask = free.load(ordering: .relaxed)
                continue
            }
            let bit = mask.trailingZeroBitCount
            let (won, seen) = free.weakCompareExchange(
                expected: mask, desired: mask & ~(UInt64(1) << UInt64(bit)),
                successOrdering: .acquiring, failureOrdering: .relaxed)
            if won { return bit }
            failed += 1
            mask = seen
        }
    }

    public func counters() -> CounterSnapshot {
        var total = CounterSnapshot()
        for box in boxes { total.add(box.counters.snapshot()) }
        total.casRetries = retries.load(ordering: .relaxed)
        return total
    }

    /// Nothing to stop: the handlers run on the callers' threads.
    public func shutdown() {}
}
