public import NIOPosix
public import RoverEngine

/// The dispatcher strategies, and the one place that maps a kind to its type.
///
/// Lives in RoverStrategies; parsed at the CLI edge (`--dispatcher`), never passed as a string
/// past it. A plain value, `Sendable`.
public enum DispatcherKind: String, CaseIterable, Sendable {
    case channel
    case mutexPool = "mutex-pool"
    case lockfreePool = "lockfree-pool"
    case affine
    case coroutine

    /// One VM per event loop (`affine`, `coroutine`): `--workers` is then the loop count.
    public var hasOneVMPerLoop: Bool { self == .affine || self == .coroutine }

    /// Builds the dispatcher. `workers` is the VM count for the pools; `channel` always has one
    /// VM (one Lua thread), `affine` and `coroutine` one per loop of `group`, so they ignore it.
    public func make(workers: Int, group: MultiThreadedEventLoopGroup,
                     factory: @escaping HandlerFactory) throws -> any Dispatcher {
        switch self {
        case .channel: try ChannelDispatcher(factory: factory)
        case .mutexPool: try MutexPoolDispatcher(workers: workers, factory: factory)
        case .lockfreePool: try LockFreePoolDispatcher(workers: workers, factory: factory)
        case .affine: try AffineDispatcher(group: group, factory: factory)
        case .coroutine: try CoroutineDispatcher(group: group, factory: factory)
        }
    }
}
