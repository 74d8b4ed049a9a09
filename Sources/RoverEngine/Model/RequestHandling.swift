/// Something that answers requests on one Lua VM: `Engine` in production, fakes in tests.
///
/// Not `Sendable`: a handler owns a VM and is used by one thread at a time. Dispatchers create
/// them through a `HandlerFactory` and decide which thread may touch which handler.
public protocol RequestHandling: AnyObject {
    /// Never throws: Lua errors become 500 responses.
    func handle(_ request: Request) -> Response
    /// Published after each request; readable from any thread.
    var counters: EngineCounters { get }
}

/// Creates one handler (one VM). Called once per VM by a dispatcher, on the thread that will
/// first use it.
public typealias HandlerFactory = @Sendable () throws -> any RequestHandling
