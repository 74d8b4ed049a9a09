import RoverEngine

/// Carries a non-Sendable handler (one Lua VM) across a thread boundary or into shared storage.
///
/// Lives in RoverStrategies/Dispatchers. `@unchecked Sendable` — invariant: at any moment at most
/// one thread uses `handler`; the dispatcher that owns the box guarantees it (the lock-free pool
/// by owning the slot's free bit, the affine dispatcher by touching a box only on its own loop).
final class HandlerBox: @unchecked Sendable {
    let handler: any RequestHandling
    let counters: EngineCounters

    init(_ handler: any RequestHandling) {
        self.handler = handler
        self.counters = handler.counters
    }
}
