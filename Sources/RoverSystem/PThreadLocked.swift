#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a `pthread_mutex_t`.
///
/// Lives in RoverSystem (process-level OS facilities): used by the engine's connection registry,
/// the channel and mutex-pool dispatchers and the runner's load threads. Chosen over `Synchronization.Mutex` because ThreadSanitizer intercepts pthread
/// mutexes but not the raw futex calls `Mutex` makes on Linux, which it reports as races; the
/// uncontended cost is the same order (a userspace CAS in glibc). `@unchecked Sendable` —
/// invariant: `value` is only read or written inside `withLock`/`withLockIfAvailable`, i.e. with
/// `mutex` held, so even a non-Sendable value (a Lua VM) is used by one thread at a time.
public final class PThreadLocked<Value>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the lock held, blocking until it is free.
    @inline(__always)
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    /// Runs `body` with the lock held if it is free now; nil (and `body` not run) otherwise.
    @inline(__always)
    public func withLockIfAvailable<R>(_ body: (inout Value) throws -> R) rethrows -> R? {
        guard pthread_mutex_trylock(mutex) == 0 else { return nil }
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
