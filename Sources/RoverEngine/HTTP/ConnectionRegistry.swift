import NIOCore
import RoverSystem

/// The open connections of one `RoverServer`, so that `stop()` can tell each to finish and close.
///
/// Lives in RoverEngine/HTTP. Thread-safe: a `PThreadLocked` guards the table; it is touched once when a
/// connection opens and once when it closes, never per request.
final class ConnectionRegistry: Sendable {
    private struct State {
        var open: [ObjectIdentifier: any Channel] = [:]
        var stopping = false
    }

    private let state = PThreadLocked(State())

    func add(_ channel: any Channel) {
        let late = state.withLock { s -> Bool in
            s.open[ObjectIdentifier(channel)] = channel
            return s.stopping
        }
        if late {
            channel.pipeline.fireUserInboundEventTriggered(HTTPConnectionHandler.Quiesce())
        }
    }

    func remove(_ channel: any Channel) {
        _ = state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Marks the server as stopping and returns the connections open now.
    func closeAndSnapshot() -> [any Channel] {
        state.withLock { s in
            s.stopping = true
            return Array(s.open.values)
        }
    }
}
