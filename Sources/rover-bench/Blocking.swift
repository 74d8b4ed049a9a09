import Dispatch
import Synchronization

/// Runs async work to completion from synchronous code: the CLI's main thread (never a thread of
/// the concurrency pool, which this would starve). The root command stays synchronous, so the
/// commands that need no concurrency (`micro`, `sweep`, …) never start its runtime; valgrind
/// 3.19, which this project uses for instruction counts, crashes on Swift's async `main`.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let result = ResultSlot<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { result.set(.success(try await body())) } catch { result.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    return try result.get()
}

/// One result handed from the task to the waiting thread (the semaphore orders the two).
private final class ResultSlot<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)
    func set(_ r: Result<T, any Error>) { value.withLock { $0 = r } }
    func get() throws -> T { try value.withLock { $0! }.get() }
}
