/// Where a dispatcher sends a request's response: exactly once, on the connection's event loop
/// (the ``Dispatcher`` contract); call it like a function.
///
/// The HTTP layer's replies name their connection and sequence number instead of capturing them
/// in a closure, so handing one to a dispatcher allocates nothing (a closure capturing the
/// connection and the sequence number costs a heap context per request: one of `serve --bare`'s
/// allocations, `Results/hotpath-20261205/bare-alloc-sites.txt`). Tests and tools pass a closure
/// (``init(_:)``, or `dispatch(_:on:reply:)` with a trailing closure).
///
/// Lives in RoverEngine (model). A value; Sendable: the connection is touched only on its event
/// loop, which the ``Dispatcher`` contract guarantees and debug builds assert (release builds do
/// not check it on every reply, as `NIOLoopBound` did: two thread checks and an event-loop
/// reference per request).
public struct Reply: Sendable {
    enum Target: Sendable {
        case connection(LoopConfined, UInt64)
        case closure(@Sendable (Response) -> Void)
    }

    /// The connection handler, handed across threads only to come back on its own loop.
    struct LoopConfined: @unchecked Sendable {
        let handler: HTTPConnectionHandler
    }

    let target: Target

    /// A reply that runs `body` with the response.
    public init(_ body: @escaping @Sendable (Response) -> Void) {
        target = .closure(body)
    }

    /// The HTTP layer's reply: response `seq` of `connection`.
    init(connection: HTTPConnectionHandler, seq: UInt64) {
        target = .connection(LoopConfined(handler: connection), seq)
    }

    public func callAsFunction(_ response: Response) {
        switch target {
        case .connection(let connection, let seq):
            connection.handler.assertOnItsLoop()
            connection.handler.complete(seq, response)
        case .closure(let body): body(response)
        }
    }
}
