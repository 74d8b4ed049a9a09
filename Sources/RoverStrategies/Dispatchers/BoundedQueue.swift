#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A bounded multi-producer single-consumer FIFO for the channel dispatcher: a ring buffer behind
/// a pthread mutex, with condition variables for "not empty" (the consumer sleeps) and "not full"
/// (producers sleep: that is the back-pressure).
///
/// Lives in RoverStrategies/Dispatchers. Thread-safe; `@unchecked Sendable` because its mutable
/// state is raw storage — invariant: `ring`, `head`, `count`, `closed` and the waiter counts are
/// read and written only with `mutex` held; the counters are atomics readable from any thread.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    let capacity: Int
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var ring: [Element?]
    private var head = 0
    private var count = 0
    private var closed = false
    private var consumerWaiting = false
    private var producersWaiting = 0

    let acquisitions = Atomic<UInt64>(0)
    let contended = Atomic<UInt64>(0)
    let highWater = Atomic<UInt64>(0)
    /// Pushes that found the queue full and waited.
    let fullWaits = Atomic<UInt64>(0)
    /// Pops that found the queue empty and put the consumer to sleep: each is one wake-up of the
    /// consumer thread (counted when it wakes, where the work happens).
    let consumerWakes = Atomic<UInt64>(0)

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        ring = Array(repeating: nil, count: capacity)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(notEmpty, nil)
        pthread_cond_init(notFull, nil)
    }

    deinit {
        pthread_cond_destroy(notFull)
        pthread_cond_destroy(notEmpty)
        pthread_mutex_destroy(mutex)
        notFull.deallocate()
        notEmpty.deallocate()
        mutex.deallocate()
    }

    /// Try-lock first so a contended acquisition is counted, then block.
    private func lock() {
        if pthread_mutex_trylock(mutex) != 0 {
            contended.add(1, ordering: .relaxed)
            pthread_mutex_lock(mutex)
        }
        acquisitions.add(1, ordering: .relaxed)
    }

    private func unlock() { pthread_mutex_unlock(mutex) }

    /// Appends `element`, waiting while the queue is full. Returns false (dropping nothing: the
    /// element is handed back unqueued) once the queue is closed.
    func push(_ element: Element) -> Bool {
        lock()
        while count == capacity, !closed {
            fullWaits.add(1, ordering: .relaxed)
            producersWaiting += 1
            pthread_cond_wait(notFull, mutex)
            producersWaiting -= 1
        }
        if closed {
            unlock()
            return false
        }
        ring[(head + count) % capacity] = element
        count += 1
        if UInt64(count) > highWater.load(ordering: .relaxed) { highWater.store(UInt64(count), ordering: .relaxed) }
        let wake = consumerWaiting
        unlock()
        if wake { pthread_cond_signal(notEmpty) }
        return true
    }

    /// Removes the oldest element, sleeping while the queue is empty. Returns nil once the queue
    /// is closed and drained.
    func pop() -> Element? {
        lock()
        var slept = false
        while count == 0, !closed {
            consumerWaiting = true
            pthread_cond_wait(notEmpty, mutex)
            consumerWaiting = false
            slept = true
        }
        if slept { consumerWakes.add(1, ordering: .relaxed) }
        guard count > 0 else {
            unlock()
            return nil
        }
        let element = ring[head].take()
        head = (head + 1) % capacity
        count -= 1
        let wake = producersWaiting > 0
        unlock()
        if wake { pthread_cond_signal(notFull) }
        return element
    }

    /// Refuses further pushes; the consumer still drains what is queued.
    func close() {
        lock()
        closed = true
        unlock()
        pthread_cond_broadcast(notEmpty)
        pthread_cond_broadcast(notFull)
    }
}
