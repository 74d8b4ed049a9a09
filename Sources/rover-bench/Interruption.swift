import Glibc
import Synchronization

/// Ctrl-C and SIGTERM during a long run (`sweep`, `duet`): the run stops after the trial or
/// process pair in progress, keeps every finished row, and says how to resume.
enum Interruption {
    private static let flag = Atomic<Bool>(false)

    /// Routes SIGINT and SIGTERM to the flag (instead of ending the process at once).
    static func install() {
        signal(SIGINT) { _ in Interruption.flag.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in Interruption.flag.store(true, ordering: .relaxed) }
    }

    /// Whether a stop was asked for.
    static var requested: Bool { flag.load(ordering: .relaxed) }
}
