import Synchronization

/// An engine's counters, published after each request with relaxed atomic stores so that the
/// counters endpoint can read them from any thread without racing the VM's own thread.
public final class EngineCounters: Sendable {
    private let requests = Atomic<UInt64>(0)
    public init() {}
    public func bumpRequests() { requests.add(1, ordering: .relaxed) }
    public func snapshot() -> CounterSnapshot {
        var s = CounterSnapshot()
        s.requests = requests.load(ordering: .relaxed)
        s.vms = 1
        return s
    }
}
