import Foundation
import RoverLoad
import RoverSystem

/// One `runLoad` on its own thread (pinned to `cpus` when given), so a duet can drive two
/// servers at once and read their counters meanwhile.
///
/// Belongs to RoverRunner (duet). Sendable: the result crosses threads through a pthread mutex
/// (visible to ThreadSanitizer), and `join` waits on a semaphore the load thread signals after
/// storing it.
final class LoadThread: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let result = PThreadLocked<Result<LoadResult, any Error>?>(nil)

    init(config: LoadConfig, cpus: [Int]?) {
        let thread = Thread { [self] in
            if let cpus { CPUList.pinCurrentThread(cpus) }
            let outcome = Result { try runLoad(config) }
            result.withLock { $0 = outcome }
            done.signal()
        }
        thread.name = "rover-duet-load"
        thread.start()
    }

    /// Waits for the load to end and returns its result; later calls return the same at once.
    @discardableResult
    func join() -> Result<LoadResult, any Error> {
        if let finished = result.withLock({ $0 }) { return finished }
        done.wait()
        return result.withLock { $0 }!
    }
}
