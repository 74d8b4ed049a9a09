public import RoverSystem
public import NIOCore

/// Gets a parsed request from the HTTP layer to a Lua VM, and its response back.
///
/// Lives in RoverEngine; the implementations (channel, mutex-pool, lockfree-pool, affine) live in
/// RoverStrategies, one type per file. Threading contract: `dispatch` is called on the connection's
/// event loop, and `reply` must be called exactly once, on that same event loop (synchronously,
/// inside `dispatch`, is allowed: the pools run the handler in place).
public protocol Dispatcher: Sendable {
    func dispatch(_ request: Request, on eventLoop: any EventLoop, reply: Reply)
    /// A snapshot of the dispatcher's and its engines' counters. Safe from any thread.
    func counters() -> CounterSnapshot
    /// Stops any threads the dispatcher owns, after the work in flight is answered.
    func shutdown()
}

extension Dispatcher {
    /// `dispatch` with the reply as a closure (tests, tools).
    public func dispatch(_ request: Request, on eventLoop: any EventLoop, reply: @escaping @Sendable (Response) -> Void) {
        dispatch(request, on: eventLoop, reply: Reply(reply))
    }
}
