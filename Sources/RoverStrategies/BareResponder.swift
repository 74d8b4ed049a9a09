public import RoverSystem
public import NIOCore
public import RoverEngine
import Synchronization

/// The HTTP layer's floor: a `Dispatcher` that answers every request in place with one fixed
/// response and never touches Lua (`rover-bench serve --bare`). Measured in the same run as the
/// engine, it tells how much of the server's CPU per request is HTTP, not Lua.
///
/// Lives in RoverStrategies beside the dispatchers it is measured against; not a strategy (it
/// does not run the app), so it is not a `DispatcherKind`. Thread-safe.
public final class BareResponder: Dispatcher {
    private let response: Response
    private let counts = EngineCounters()

    /// Answers with `body` as `application/json`, 200 (default: the params-only answer).
    public init(body: String = #"{"user_id":"123"}"#) {
        response = Response(status: 200, contentType: .json, body: Array(body.utf8))
    }

    public func dispatch(_ request: Request, on eventLoop: any EventLoop,
                         reply: Reply) {
        counts.bumpRequests()
        reply(response)
    }

    public func counters() -> CounterSnapshot {
        var s = counts.snapshot()
        s.vms = 0
        return s
    }

    public func shutdown() {}
}
