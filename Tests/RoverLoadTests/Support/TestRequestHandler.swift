import NIOCore

/// One connection of `TestHTTPServer`: splits the byte stream into requests (head up to a blank
/// line, then a Content-Length body) and answers each in order as the behaviour says.
/// Lives on the server's event loop only.
final class TestRequestHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let server: TestHTTPServer
    private var pending = ByteBuffer()
    private var seen = 0
    private var lastDue = NIODeadline.uptimeNanoseconds(0)
    private var closing = false

    init(server: TestHTTPServer) { self.server = server }

    func channelActive(context: ChannelHandlerContext) {
        server.connectionOpened()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        pending.writeBuffer(&bytes)
        while !closing, let length = nextRequestLength() {
            pending.moveReaderIndex(forwardBy: length)
            answer(context: context)
        }
        pending.discardReadBytes()
    }

    /// Bytes of the first complete request in `pending`, or nil if it is not complete yet.
    private func nextRequestLength() -> Int? {
        let view = pending.readableBytesView
        guard let end = view.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let headLength = end.upperBound - view.startIndex
        let head = String(decoding: view[view.startIndex..<end.lowerBound], as: UTF8.self).lowercased()
        var bodyLength = 0
        for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            bodyLength = Int(line.dropFirst("content-length:".count).trimmingPrefix(" ")) ?? 0
        }
        return view.count >= headLength + bodyLength ? headLength + bodyLength : nil
    }

    private func answer(context: ChannelHandlerContext) {
        seen += 1
        let b = server.behaviour
        let due = max(server.requestArrived(now: .now()), lastDue + .nanoseconds(1))
        lastDue = due
        if b.dropEvery > 0 && seen % b.dropEvery == 0 {
            closing = true
            context.close(promise: nil)
            return
        }
        let close = b.closeEvery > 0 && seen % b.closeEvery == 0
        if close { closing = true }
        let response = server.response(close: close)
        let channel = context.channel
        let server = self.server
        let send: @Sendable () -> Void = {
            server.responded()
            let done = channel.writeAndFlush(response)
            if close { done.whenComplete { _ in channel.close(promise: nil) } }
        }
        if due <= .now() { send() } else { context.eventLoop.scheduleTask(deadline: due, send) }
    }
}
