import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Waits for SIGINT or SIGTERM: the serve command's way to know when to stop gracefully.
///
/// Lives in the rover-bench executable, beside its only user. The default action of the signals is replaced (SIG_IGN) and a
/// Dispatch signal source resumes the waiting task once; process-wide, use once per process.
public enum SignalWaiter {
    /// Returns the signal number received.
    public static func waitForTermination() async -> Int32 {
        let signals: [Int32] = [SIGINT, SIGTERM]
        let queue = DispatchQueue(label: "rover.signals")
        let sources = signals.map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
        for s in signals { _ = signal(s, SIG_IGN) }
        let received: Int32 = await withCheckedContinuation { continuation in
            nonisolated(unsafe) var resumed = false  // only touched on `queue` (serial)
            for (source, number) in zip(sources, signals) {
                source.setEventHandler {
                    guard !resumed else { return }
                    resumed = true
                    continuation.resume(returning: number)
                }
                source.resume()
            }
        }
        for s in sources { s.cancel() }
        return received
    }
}
