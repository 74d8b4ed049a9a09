public import NIOPosix
public import RoverEngine
public import RoverKinds

/// The one place that maps a dispatcher kind to its type.
///
/// Belongs to RoverStrategies (it names every dispatcher); the kind itself lives in RoverKinds.
extension DispatcherKind {
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
