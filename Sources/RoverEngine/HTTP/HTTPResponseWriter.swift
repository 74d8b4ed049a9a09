public import NIOCore

/// Serialises a `Response` into one `ByteBuffer`: status line, `Content-Type`, `Content-Length`,
/// extra fields, connection field, body.
///
/// Lives in RoverEngine/HTTP. Status lines and the fixed header prefixes are precomputed once
/// (immutable tables, safe from any thread); `write` is a pure function of its arguments.
/// 1xx/204/304 carry neither Content-Type nor Content-Length nor body; a HEAD response carries the
/// Content-Length the body would have had and no body.
public enum HTTPResponseWriter {
    /// How the response ends the exchange.
    public enum Connection: Sendable {
        /// HTTP/1.1 keep-alive: nothing to say.
        case keepAlive
        /// HTTP/1.0 keep-alive: `Connection: keep-alive`.
        case keepAliveHTTP10
        /// `Connection: close`; the server closes after writing.
        case close
    }

    /// Writes `response` into a fresh buffer from `allocator`.
    public static func serialize(_ response: Response, isHead: Bool, connection: Connection,
                                 allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: capacity(response, isHead: isHead))
        write(response, isHead: isHead, connection: connection, into: &buffer)
        return buffer
    }

    /// Writes `response` into `buffer`, emptied first: no allocation when nothing else holds its
    /// storage any more (the previous response on this connection has been written out) and it
    /// is large enough, a fresh storage otherwise (``ByteBuffer/clear(minimumCapacity:)``).
    public static func serialize(_ response: Response, isHead: Bool, connection: Connection,
                                 reusing buffer: inout ByteBuffer) {
        buffer.clear(minimumCapacity: capacity(response, isHead: isHead))
        write(response, isHead: isHead, connection: connection, into: &buffer)
    }

    /// Bytes the response needs, with room to spare for the status line and fixed fields.
    private static func capacity(_ response: Response, isHead: Bool) -> Int {
        var extra = 0
        for f in response.headers { extra += f.name.utf8.count + f.value.utf8.count + 4 }
        return 128 + extra + (hasBody(response) && !isHead ? response.body.count : 0)
    }

    private static func hasBody(_ response: Response) -> Bool {
        !(response.status < 200 || response.status == 204 || response.status == 304)
    }

    private static func write(_ response: Response, isHead: Bool, connection: Connection, into buffer: inout ByteBuffer) {
        let noBody = !hasBody(response)
        let sendBody = !noBody && !isHead
        buffer.writeBytes(statusLine(response.status))
        if !noBody {
            if let type = response.contentType {
                buffer.writeBytes(contentTypeField(type))
            }
            buffer.writeBytes(contentLengthPrefix)
            writeDecimal(response.body.count, into: &buffer)
            buffer.writeBytes(crlf)
        }
        for f in response.headers {
            writeSanitised(f.name.utf8, into: &buffer)
            buffer.writeBytes(colonSpace)
            writeSanitised(f.value.utf8, into: &buffer)
            buffer.writeBytes(crlf)
        }
        switch connection {
        case .keepAlive: break
        case .keepAliveHTTP10: buffer.writeBytes(keepAliveField)
        case .close: buffer.writeBytes(closeField)
        }
        buffer.writeBytes(crlf)
        if sendBody { buffer.writeBytes(response.body) }
    }

    /// `HTTP/1.1 100 Continue` (an interim response: no fields, no body).
    public static func continueResponse(allocator: ByteBufferAllocator) -> ByteBuffer {
        var b = allocator.buffer(capacity: continueBytes.count)
        b.writeBytes(continueBytes)
        return b
    }

    // MARK: precomputed bytes

    private static let continueBytes: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    private static let crlf: [UInt8] = [0x0D, 0x0A]
    private static let colonSpace: [UInt8] = Array(": ".utf8)
    private static let contentLengthPrefix: [UInt8] = Array("Content-Length: ".utf8)
    private static let keepAliveField: [UInt8] = Array("Connection: keep-alive\r\n".utf8)
    private static let closeField: [UInt8] = Array("Connection: close\r\n".utf8)
    private static let jsonField: [UInt8] = Array("Content-Type: \(ContentType.json.rawValue)\r\n".utf8)
    private static let textField: [UInt8] = Array("Content-Type: \(ContentType.text.rawValue)\r\n".utf8)
    private static let htmlField: [UInt8] = Array("Content-Type: \(ContentType.html.rawValue)\r\n".utf8)

    private static func contentTypeField(_ type: ContentType) -> [UInt8] {
        switch type {
        case .json: jsonField
        case .text: textField
        case .html: htmlField
        }
    }

    /// `HTTP/1.1 <code> <reason>\r\n` for codes 100–599, built once.
    private static let statusLines: [[UInt8]] = (0..<600).map { code in
        Array("HTTP/1.1 \(code) \(HTTPStatusReason.phrase(code))\r\n".utf8)
    }

    private static func statusLine(_ status: Int) -> [UInt8] {
        (100..<600).contains(status) ? statusLines[status] : statusLines[500]
    }

    /// ASCII decimal of a non-negative `n` without going through `String`.
    private static func writeDecimal(_ n: Int, into buffer: inout ByteBuffer) {
        var count = 1
        var v = n
        while v >= 10 { v /= 10; count += 1 }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { p in
            var v = n
            for k in stride(from: count - 1, through: 0, by: -1) {
                p[k] = UInt8(truncatingIfNeeded: v % 10) &+ UInt8(ascii: "0")
                v /= 10
            }
            return count
        }
    }

    /// CR and LF would split the header block: they become spaces.
    private static func writeSanitised(_ bytes: String.UTF8View, into buffer: inout ByteBuffer) {
        if !bytes.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
            buffer.writeBytes(bytes)
            return
        }
        buffer.writeBytes(bytes.map { $0 == 0x0D || $0 == 0x0A ? UInt8(ascii: " ") : $0 })
    }
}
