public import NIOCore

/// Where a dispatcher sends a request's response: exactly once, on the connection's event loop
/// (the ``Dispatcher`` contract); call it like a function.
///
/// The HTTP layer's replies name their connection and sequence number instead of capturing them
/// in a closure, so handing one to a dispatcher allocates nothing (a closure capturing the
/// connection and the sequence number costs a heap context per request: one of `serve --bare`'s
/// allocations, `Results/hotpath-20261205/bare-alloc-sites.txt`). Tests and tools pass a closure
/// (``init(_:)``, or `dispatch(_:on:reply:)` with a trailing closure).
///
/// Lives in RoverEngine (model). A value; Sendable (the connection is reached through its event
/// loop only, `NIOLoopBound`).
public struct Reply: Sendable {
    enum Target: Sendable {
        case connection(NIOLoopBound<HTTPConnectionHandler>, UInt64)
        case closure(@Sendable (Response) -> Void)
    }

    let target: Target

    /// A reply that runs `body` with the response.
    public init(_ body: @escaping @Sendable (Response) -> Void) {
        target = .closure(body)
    }

    /// The HTTP layer's reply: response `seq` of `connection`.
    init(connection: NIOLoopBound<HTTPConnectionHandler>, seq: UInt64) {
        target = .connection(connection, seq)
    }

    public func callAsFunction(_ response: Response) {
        switch target {
        case .connection(let connection, let seq): connection.value.complete(seq, response)
        case .closure(let body): body(response)
        }
    }
}
