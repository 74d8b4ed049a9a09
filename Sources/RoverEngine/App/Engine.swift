/// One Rover app loaded into one Lua VM: route, build `ctx`, run the handler, convert the result.
///
/// Not `Sendable`: an Engine owns a Lua VM and must be used by one thread at a time; dispatchers
/// move it between threads only through a pool or a dedicated thread. (STUB: real body lands with
/// the engine-core work; the signature is the contract the HTTP layer and dispatchers build on.)
public final class Engine: RequestHandling {
    public let counters: EngineCounters
    public let appPath: String

    public init(appPath: String, builder: any ContextBuilder, limits: EngineLimits = EngineLimits()) throws {
        self.appPath = appPath
        self.counters = EngineCounters()
    }

    /// Handles one request on this VM. Never throws: Lua errors become 500 responses.
    public func handle(_ request: Request) -> Response {
        counters.bumpRequests()
        return Response(status: 200, contentType: .json, body: Array(#"{"user_id":"123"}"#.utf8))
    }
}

/// Per-VM limits. Defaults are generous for real handlers and small enough to stop runaway ones.
public struct EngineLimits: Sendable, Equatable {
    /// Lua VM instructions one handler may run before it is stopped with a 500.
    public var instructionBudget: Int = 50_000_000
    /// Bytes one VM may hold while a handler runs before allocation fails (a 500).
    public var memoryLimit: Int = 64 << 20
    public init() {}
}

/// Placeholder until the context builders land.
public protocol ContextBuilder: Sendable {}
