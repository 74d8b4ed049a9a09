import Foundation
import NIOCore
import NIOPosix

/// How the test server answers. Counts are per connection unless said otherwise.
struct TestServerBehaviour: Sendable {
    var status = 200
    /// Delay before each response.
    var delay: TimeAmount = .zero
    /// Answer a connection's k-th request with `Connection: close`, then close (0 = never).
    var closeEvery = 0
    /// Close a connection without answering its k-th request (0 = never).
    var dropEvery = 0
    /// When the server has received this many requests in total, hold every response until
    /// `stallFor` has passed (once; 0 = never) — a GC-pause-like stall.
    var stallAtRequest = 0
    var stallFor: TimeAmount = .seconds(1)
    /// Send bodies with `Transfer-Encoding: chunked` instead of Content-Length.
    var chunked = false
}

/// A small HTTP/1.1 server for RoverLoad's tests, on 127.0.0.1 and an ephemeral port, one
/// event-loop thread. It parses just enough (request head, Content-Length body) to answer
/// pipelined requests in order, and counts what it saw.
///
/// Thread use: handlers run on the server's single event loop; `counts` is read from the test
/// thread through a lock.
final class TestHTTPServer: @unchecked Sendable {
    // @unchecked: `state` is only touched under `lock`; `group`/`channel` are set in init.
    struct Counts: Sendable { var requests = 0; var connections = 0; var responses = 0 }

    let behaviour: TestServerBehaviour
    private let lock = NSLock()
    private var state = Counts()
    private var stalledUntil = NIODeadline.uptimeNanoseconds(0)
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: (any Channel)?
    private(set) var port = 0

    init(_ behaviour: TestServerBehaviour = TestServerBehaviour()) throws {
        self.behaviour = behaviour
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TestRequestHandler(server: self))
                }
            }
        let ch = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        channel = ch
        port = ch.localAddress?.port ?? 0
    }

    var url: String { "http://127.0.0.1:\(port)/test" }

    var counts: Counts { lock.withLock { state } }

    func shutdown() {
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }

    func connectionOpened() { lock.withLock { state.connections += 1 } }
    func responded() { lock.withLock { state.responses += 1 } }

    /// Counts one request and returns when its response may be sent.
    func requestArrived(now: NIODeadline) -> NIODeadline {
        lock.withLock {
            state.requests += 1
            if behaviour.stallAtRequest > 0 && state.requests == behaviour.stallAtRequest {
                stalledUntil = now + behaviour.stallFor
            }
            return max(now + behaviour.delay, stalledUntil)
        }
    }

    func response(close: Bool) -> ByteBuffer {
        var head = "HTTP/1.1 \(behaviour.status) Test\r\nContent-Type: text/plain\r\n"
        if close { head += "Connection: close\r\n" }
        head += behaviour.chunked ? "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n" : "Content-Length: 2\r\n\r\nok"
        return ByteBuffer(string: head)
    }
}
