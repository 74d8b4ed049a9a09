import RoverSystem
import NIOCore

/// One HTTP/1.1 connection: parse requests, hand them to the dispatcher, write the responses in
/// request order, close when the exchange says so.
///
/// Lives in RoverEngine/HTTP; one instance per connection, touched only on the connection's event
/// loop (replies arrive on that loop by the `Dispatcher` contract, through `Reply`).
/// Pipelined requests are all dispatched at once (up to `HTTPLimits.maxPipelinedRequests`, past
/// which reads pause) and answered in order through `ResponseQueue`, whatever order replies come
/// back in. Writes are flushed once per read batch (`channelReadComplete`), or, for replies that
/// arrive outside a read batch, when every outstanding reply is in (or every 16 responses).
final class HTTPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Sent down the pipeline by `RoverServer.stop()`: finish what was dispatched, then close.
    struct Quiesce: Sendable {}

    private let dispatcher: any Dispatcher
    private let stats: ServerStats
    private let limits: HTTPLimits
    private var parser: HTTPRequestParser
    private var buffer = ByteBuffer()
    private var queue = ResponseQueue()
    private var context: ChannelHandlerContext?

    /// No more requests are read: a close is decided (error, `Connection: close`, EOF, stop).
    private var closing = false
    private var quiescing = false
    private var inReadBatch = false
    private var parsing = false
    private var unflushed = 0
    /// The last response's buffer, kept to write the next one into: once the socket has taken
    /// the bytes nothing else holds its storage, and the next response needs no allocation
    /// (responses written before a flush each get their own, by copy-on-write). Not kept past
    /// ``reusableCapacity`` bytes, so an idle connection holds little.
    private var outbound: ByteBuffer?
    private static let reusableCapacity = 4096
    /// A `read` was held back while paused.
    private var readHeld = false

    init(dispatcher: any Dispatcher, stats: ServerStats, limits: HTTPLimits) {
        self.dispatcher = dispatcher
        self.stats = stats
        self.limits = limits
        self.parser = HTTPRequestParser(limits: limits)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        stats.connectionOpened()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        stats.connectionClosed()
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inReadBatch = true
        guard !closing else { return }  // a close is decided: further bytes are ignored
        var incoming = unwrapInboundIn(data)
        if buffer.readableBytes == 0 {
            buffer = incoming
        } else {
            buffer.writeBuffer(&incoming)
        }
        parseAvailable()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadBatch = false
        flushIfNeeded(force: true)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is Quiesce {
            quiescing = true
            closing = true
            closeIfDrained()
        } else if let e = event as? ChannelEvent, e == .inputClosed {
            // The client half-closed: answer what it sent, then close.
            closing = true
            closeIfDrained()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: outbound

    func read(context: ChannelHandlerContext) {
        if closing || queue.count >= limits.maxPipelinedRequests {
            readHeld = true
        } else {
            context.read()
        }
    }

    // MARK: requests

    /// Parses and dispatches requests from `buffer` while the pipeline has room.
    private func parseAvailable() {
        guard !parsing, let context else { return }
        parsing = true
        defer { parsing = false }
        while !closing, queue.count < limits.maxPipelinedRequests {
            switch parser.next(&buffer) {
            case .needMore:
                releaseBufferIfEmpty()
                // Interim 100 only when it cannot overtake an earlier response.
                if parser.takeContinueRequest(), queue.count == 0 {
                    context.write(wrapOutboundOut(HTTPResponseWriter.continueResponse(allocator: context.channel.allocator)),
                                  promise: nil)
                    unflushed += 1
                    flushIfNeeded(force: !inReadBatch)
                }
                return
            case .error(let error):
                closing = true
                buffer = ByteBuffer()
                stats.parseErrorAnswered()
                let seq = queue.append(isHead: false, keepAlive: false, isHTTP10: false, kind: .parseError)
                complete(seq, .error(error.status, error.reason))
                return
            case .request(let parsed):
                if !parsed.keepAlive { closing = true }
                let isHead = parsed.request.method == .head
                if CountersEndpoint.matches(parsed.request) {
                    let seq = queue.append(isHead: isHead, keepAlive: parsed.keepAlive,
                                           isHTTP10: parsed.isHTTP10, kind: .counters)
                    complete(seq, CountersEndpoint.response(dispatcher: dispatcher, stats: stats))
                    continue
                }
                let seq = queue.append(isHead: isHead, keepAlive: parsed.keepAlive,
                                       isHTTP10: parsed.isHTTP10, kind: .app)
                dispatcher.dispatch(parsed.request, on: context.eventLoop, reply: Reply(connection: self, seq: seq))
            }
        }
        releaseBufferIfEmpty()
    }

    private func releaseBufferIfEmpty() {
        if buffer.readableBytes == 0 { buffer = ByteBuffer() }
    }

    /// Debug builds: traps when called off the connection's event loop (a dispatcher breaking the
    /// reply contract). Nothing in release builds.
    func assertOnItsLoop() {
        assert(context.map { $0.eventLoop.inEventLoop } ?? true, "a reply arrived off its connection's event loop")
    }

    /// Records reply `seq` and writes every response now at the head of the queue.
    func complete(_ seq: UInt64, _ response: Response) {
        guard let context else { return }  // the connection is gone: drop the reply
        if let front = queue.popFront(seq) {
            guard send(response, front.isHead, front.keepAlive, front.isHTTP10, front.kind, context) else { return }
        } else {
            queue.fill(seq, response)
        }
        while let ready = queue.popReady() {
            guard send(ready.response, ready.isHead, ready.keepAlive, ready.isHTTP10, ready.kind, context) else { return }
        }
        flushIfNeeded(force: false)
        closeIfDrained()
        resumeIfRoom(context)
    }

    /// Writes one response, the front of the queue (already popped); `false` once it closed the
    /// connection.
    private func send(_ response: Response, _ isHead: Bool, _ keepAlive: Bool, _ isHTTP10: Bool,
                      _ kind: ResponseQueue.Kind, _ context: ChannelHandlerContext) -> Bool {
        let connection: HTTPResponseWriter.Connection
        if !keepAlive || (quiescing && queue.count == 0) {
            connection = .close
        } else {
            connection = isHTTP10 ? .keepAliveHTTP10 : .keepAlive
        }
        var bytes: ByteBuffer
        if var reuse = outbound.take() {
            HTTPResponseWriter.serialize(response, isHead: isHead, connection: connection, reusing: &reuse)
            bytes = reuse
        } else {
            bytes = HTTPResponseWriter.serialize(response, isHead: isHead, connection: connection,
                                                 allocator: context.channel.allocator)
        }
        if bytes.capacity <= Self.reusableCapacity { outbound = bytes }
        switch kind {
        case .app: stats.appRequestAnswered()
        case .counters: stats.counterRequestAnswered()
        case .parseError: break
        }
        context.write(wrapOutboundOut(bytes), promise: nil)
        unflushed += 1
        if connection == .close {
            closing = true
            flushAndClose(context)
            return false
        }
        return true
    }

    private func flushIfNeeded(force: Bool) {
        guard unflushed > 0, let context else { return }
        if force || (!inReadBatch && (queue.count == 0 || unflushed >= 16)) {
            unflushed = 0
            context.flush()
        }
    }

    /// After replies drained the pipeline below its limit: parse buffered requests, resume reads.
    private func resumeIfRoom(_ context: ChannelHandlerContext) {
        guard !closing, queue.count < limits.maxPipelinedRequests else { return }
        if buffer.readableBytes > 0 { parseAvailable() }
        if readHeld, !closing, queue.count < limits.maxPipelinedRequests {
            readHeld = false
            context.read()
        }
    }

    private func closeIfDrained() {
        guard closing, queue.count == 0, let context else { return }
        flushAndClose(context)
    }

    private func flushAndClose(_ context: ChannelHandlerContext) {
        unflushed = 0
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer()), promise: promise)
        let channel = context.channel
        promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }
}

extension HTTPResponseWriter.Connection: Equatable {}
