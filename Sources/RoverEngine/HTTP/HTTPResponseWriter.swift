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

    /// Sizes the whole response, then copies every part in one pass into the buffer's writable
    /// bytes: one capacity check instead of one per part (each `ByteBuffer.writeBytes` checks
    /// capacity and uniqueness; a response took seven of them, about 900 instructions together
    /// under callgrind).
    private static func write(_ response: Response, isHead: Bool, connection: Connection, into buffer: inout ByteBuffer) {
        let noBody = !hasBody(response)
        let sendBody = !noBody && !isHead
        let status = statusLine(response.status)
        let type = noBody ? nil : response.contentType.map(contentTypeField)
        let length = response.body.count
        let digits = decimalDigits(length)
        let closing: [UInt8]? = switch connection {
        case .keepAlive: nil
        case .keepAliveHTTP10: keepAliveField
        case .close: closeField
        }
        var total = status.count + (closing?.count ?? 0) + 2 + (sendBody ? length : 0)
        if !noBody { total += (type?.count ?? 0) + contentLengthPrefix.count + digits + 2 }
        for f in response.headers { total += f.name.utf8.count + f.value.utf8.count + 4 }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { raw in
            var out = RawOut(base: raw.baseAddress!)
            out.put(status)
            if !noBody {
                if let type { out.put(type) }
                out.put(contentLengthPrefix)
                out.putDecimal(length, digits: digits)
                out.putCRLF()
            }
            for f in response.headers {
                out.putSanitised(f.name.utf8)
                out.put(colonSpace)
                out.putSanitised(f.value.utf8)
                out.putCRLF()
            }
            if let closing { out.put(closing) }
            out.putCRLF()
            if sendBody { out.put(response.body) }
            precondition(out.count == total, "response size miscounted")
            return total
        }
    }

    /// A cursor over writable bytes sized beforehand by `write`.
    private struct RawOut {
        let base: UnsafeMutableRawPointer
        var count = 0

        @inline(__always) mutating func put(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { b in
                if b.count > 0 { (base + count).copyMemory(from: b.baseAddress!, byteCount: b.count) }
                count += b.count
            }
        }

        @inline(__always) mutating func putCRLF() {
            base.storeBytes(of: 0x0D, toByteOffset: count, as: UInt8.self)
            base.storeBytes(of: 0x0A, toByteOffset: count + 1, as: UInt8.self)
            count += 2
        }

        /// ASCII decimal of a non-negative `n` of `digits` digits.
        @inline(__always) mutating func putDecimal(_ n: Int, digits: Int) {
            var v = n
            for k in stride(from: digits - 1, through: 0, by: -1) {
                base.storeBytes(of: UInt8(truncatingIfNeeded: v % 10) &+ UInt8(ascii: "0"), toByteOffset: count + k, as: UInt8.self)
                v /= 10
            }
            count += digits
        }

        /// CR and LF would split the header block: they become spaces.
        mutating func putSanitised(_ bytes: String.UTF8View) {
            for b in bytes {
                base.storeBytes(of: b == 0x0D || b == 0x0A ? UInt8(ascii: " ") : b, toByteOffset: count, as: UInt8.self)
                count += 1
            }
        }
    }

    /// Digits in the ASCII decimal of a non-negative `n`.
    private static func decimalDigits(_ n: Int) -> Int {
        var count = 1
        var v = n
        while v >= 10 { v /= 10; count += 1 }
        return count
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

}
