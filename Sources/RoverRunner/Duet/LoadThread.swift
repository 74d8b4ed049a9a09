import Foundation
import RoverLoad

/// One `runLoad` on its own thread (pinned to `cpus` when given), so a duet can drive two
/// servers at once and read their counters meanwhile.
///
/// Belongs to RoverRunner (duet). `@unchecked Sendable`: `result` is written once by the load
/// thread before it signals `done`, and read by the starting thread only after waiting on it.
final class LoadThread: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<LoadResult, any Error>?
    /// Touched only by the thread that calls `join`.
    private var joined = false

    init(config: LoadConfig, cpus: [Int]?) {
        let thread = Thread { [self] in
            if let cpus { CPUList.pinCurrentThread(cpus) }
            result = Result { try runLoad(config) }
            done.signal()
        }
        thread.name = "rover-duet-load"
        thread.start()
    }

    /// Waits for the load to end; its result (once; later calls return the same).
    @discardableResult
    func join() -> Result<LoadResult, any Error> {
        if !joined {
            done.wait()
            joined = true
        }
        return result!
    }
}
