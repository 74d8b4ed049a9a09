import Synchronization

/// Responses answered so far (status 2xx), readable while a load runs: how a duet counts an
/// external server's requests without the server's help.
///
/// Counted in the worker loop where a response is parsed complete (``WorkerLoop``), for the
/// whole run (warm-up included), one relaxed atomic add per response; read by another thread at
/// any time. Belongs to RoverLoad's public API; thread-safe.
public final class AnsweredCount: Sendable {
    private let count = Atomic<UInt64>(0)

    public init() {}

    /// Responses with a 2xx status parsed so far.
    public var value: UInt64 { count.load(ordering: .relaxed) }

    func add() { count.add(1, ordering: .relaxed) }
}
