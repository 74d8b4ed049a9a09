import NIOCore
import Synchronization
public import NIOPosix

/// The HTTP/1.1 server: a SwiftNIO `ServerBootstrap` whose child pipelines hold exactly one
/// `HTTPConnectionHandler` (no NIOHTTP1 codec), bound to `host:port`.
///
/// Lives in RoverEngine/HTTP. `Sendable`: `start` and `stop` may be called from any task. `stop()`
/// is graceful: it stops accepting, lets every connection finish the requests it has dispatched
/// (idle connections close at once), waits for them to close, shuts the dispatcher down, and shuts
/// the event-loop group down if the server created it.
public final class RoverServer: Sendable {
    /// The port actually bound (the ephemeral one when started with port 0).
    public let port: Int
    public let host: String
    public let dispatcher: any Dispatcher
    public let stats: ServerStats
    public let group: MultiThreadedEventLoopGroup
    private let ownsGroup: Bool
    private let serverChannel: any Channel
    private let connections: ConnectionRegistry
    /// Set once `stop()` has told every open connection to finish (observable by tests).
    let quiesceSent = Atomic<Bool>(false)

    private init(port: Int, host: String, dispatcher: any Dispatcher, stats: ServerStats,
                 group: MultiThreadedEventLoopGroup, ownsGroup: Bool, serverChannel: any Channel,
                 connections: ConnectionRegistry) {
        self.port = port
        self.host = host
        self.dispatcher = dispatcher
        self.stats = stats
        self.group = group
        self.ownsGroup = ownsGroup
        self.serverChannel = serverChannel
        self.connections = connections
    }

    /// Creates an event-loop group of `eventLoopThreads` threads, builds the dispatcher on it
    /// (affine dispatchers need the group's loops), and starts serving. The server owns the group.
    /// If `makeDispatcher` or the bind throws, the group is shut down and the error rethrown.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, limits: HTTPLimits = HTTPLimits(),
        eventLoopThreads: Int,
        makeDispatcher: (MultiThreadedEventLoopGroup) throws -> any Dispatcher
    ) async throws -> RoverServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, eventLoopThreads))
        let dispatcher: any Dispatcher
        do {
            dispatcher = try makeDispatcher(group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        do {
            return try await bind(host: host, port: port, limits: limits, group: group, ownsGroup: true,
                                  dispatcher: dispatcher)
        } catch {
            dispatcher.shutdown()
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Starts serving on a caller-owned group with a ready dispatcher. `stop()` shuts the
    /// dispatcher down but leaves the group to the caller.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, limits: HTTPLimits = HTTPLimits(),
        group: MultiThreadedEventLoopGroup, dispatcher: any Dispatcher
    ) async throws -> RoverServer {
        try await bind(host: host, port: port, limits: limits, group: group, ownsGroup: false, dispatcher: dispatcher)
    }

    private static func bind(host: String, port: Int, limits: HTTPLimits, group: MultiThreadedEventLoopGroup,
                             ownsGroup: Bool, dispatcher: any Dispatcher) async throws -> RoverServer {
        let stats = ServerStats()
        let connections = ConnectionRegistry()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                connections.add(channel)
                channel.closeFuture.whenComplete { _ in connections.remove(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPConnectionHandler(dispatcher: dispatcher, stats: stats, limits: limits))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        guard let bound = channel.localAddress?.port else {
            try? await channel.close()
            throw ServerError.noLocalAddress
        }
        return RoverServer(port: bound, host: host, dispatcher: dispatcher, stats: stats, group: group,
                           ownsGroup: ownsGroup, serverChannel: channel, connections: connections)
    }

    /// Graceful stop; safe to call more than once.
    public func stop() async {
        try? await serverChannel.close()
        // Connections accepted while closing register late: loop until none is left.
        while true {
            let open = connections.closeAndSnapshot()
            if open.isEmpty { break }
            for c in open {
                c.pipeline.fireUserInboundEventTriggered(HTTPConnectionHandler.Quiesce())
            }
            quiesceSent.store(true, ordering: .releasing)
            for c in open {
                try? await c.closeFuture.get()
            }
        }
        dispatcher.shutdown()
        if ownsGroup {
            try? await group.shutdownGracefully()
        }
    }

    public enum ServerError: Error {
        case noLocalAddress
    }
}
