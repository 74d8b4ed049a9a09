public import RoverSystem
import Synchronization

/// Counts what the HTTP layer itself does, apart from the dispatcher: app requests answered,
/// requests to the native counters endpoint, connections, parse errors.
///
/// Lives in RoverEngine/HTTP; one per `RoverServer`, shared by all its connections. Every field is
/// an atomic updated with relaxed ordering: readable from any thread, totals only.
public final class ServerStats: Sendable {
    private let appRequests = Atomic<UInt64>(0)
    private let counterRequests = Atomic<UInt64>(0)
    private let parseErrors = Atomic<UInt64>(0)
    private let connectionsAccepted = Atomic<UInt64>(0)
    private let connectionsOpen = Atomic<Int>(0)

    public init() {}

    func appRequestAnswered() { appRequests.add(1, ordering: .relaxed) }
    func counterRequestAnswered() { counterRequests.add(1, ordering: .relaxed) }
    func parseErrorAnswered() { parseErrors.add(1, ordering: .relaxed) }
    func connectionOpened() {
        connectionsAccepted.add(1, ordering: .relaxed)
        connectionsOpen.add(1, ordering: .relaxed)
    }
    func connectionClosed() { connectionsOpen.subtract(1, ordering: .relaxed) }

    public func snapshot() -> Snapshot {
        Snapshot(appRequests: appRequests.load(ordering: .relaxed),
                 counterRequests: counterRequests.load(ordering: .relaxed),
                 parseErrors: parseErrors.load(ordering: .relaxed),
                 connectionsAccepted: connectionsAccepted.load(ordering: .relaxed),
                 connectionsOpen: connectionsOpen.load(ordering: .relaxed))
    }

    /// The wire format of these totals (`CountersEndpoint.Body.server`), in RoverSystem.
    public typealias Snapshot = ServerStatsSnapshot
}
