public import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An incremental HTTP/1.1 request parser over `ByteBuffer`: a pure state machine, no I/O.
///
/// Lives in RoverEngine/HTTP; one per connection, used only on that connection's event loop.
/// Feed it the connection's accumulated bytes: `next(_:)` consumes one whole request (head and
/// body) from the front of the buffer and returns it, or returns `.needMore` leaving the partial
/// bytes in place (they are scanned once: the CRLF CRLF search resumes where it stopped), or an
/// error, after which every call returns the same error. Pipelined input yields one request per
/// call. The head is copied once into `Request.head`; bytes are never decoded or repaired.
///
/// The head's bytes and its header-field array are refilled in place for each request: once the
/// previous `Request` is gone (a synchronous dispatcher answered it) neither allocates, and while
/// it is still held (pipelined, or on another thread) copy-on-write gives the new request its own.
public struct HTTPRequestParser {
    private enum State {
        case head(scanned: Int)
        case body(HTTPHead, [UInt8], remaining: Int)
        case chunked(HTTPHead, [UInt8], HTTPChunkedDecoder)
        case failed(HTTPParseError)
    }

    public let limits: HTTPLimits
    private var state = State.head(scanned: 0)
    private var headBytes: [UInt8] = []
    private var fields: [HeaderField] = []
    /// Past this many bytes a head's storage is not kept for the next request.
    static let reusableCapacity = 4096
    private var continuePending = false

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Consumes the next request from the front of `buffer`, if it is all there.
    public mutating func next(_ buffer: inout ByteBuffer) -> HTTPParseEvent {
        do {
            return try step(&buffer)
        } catch {
            state = .failed(error)
            return .error(error)
        }
    }

    private mutating func step(_ buffer: inout ByteBuffer) throws(HTTPParseError) -> HTTPParseEvent {
        switch state {
        case .failed(let error):
            return .error(error)
        case .head(var scanned):
            if scanned == 0 { Self.skipLeadingCRLF(&buffer) }
            guard let headLength = Self.findHeadEnd(buffer, from: &scanned) else {
                if buffer.readableBytes > limits.maxHeaderBytes { throw .headerTooLarge }
                state = .head(scanned: scanned)
                return .needMore
            }
            guard headLength <= limits.maxHeaderBytes else { throw .headerTooLarge }
            if headBytes.capacity > Self.reusableCapacity { headBytes = [] }
            if fields.capacity > 64 { fields = [] }
            headBytes.removeAll(keepingCapacity: true)
            buffer.withUnsafeReadableBytes { headBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0.prefix(headLength))) }
            buffer.moveReaderIndex(forwardBy: headLength)
            let head = try HTTPHead.parse(headBytes, maxBody: limits.maxBodyBytes, fields: &fields)
            continuePending = head.expectsContinue
            switch head.framing {
            case .none:
                return finish(head, body: nil)
            case .length(let n):
                state = .body(head, [], remaining: n)
            case .chunked:
                state = .chunked(head, [], HTTPChunkedDecoder())
            }
            return try step(&buffer)
        case .body(let head, var body, let remaining):
            guard buffer.readableBytes >= remaining else {
                return .needMore
            }
            body.reserveCapacity(remaining)
            buffer.withUnsafeReadableBytes { body.append(contentsOf: $0.prefix(remaining)) }
            buffer.moveReaderIndex(forwardBy: remaining)
            return finish(head, body: body)
        case .chunked(let head, var body, var decoder):
            state = .failed(.bad("internal"))  // drop our copies so `body` stays uniquely referenced
            let done = try decoder.decode(&buffer, into: &body, limits: limits)
            if done { return finish(head, body: body) }
            state = .chunked(head, body, decoder)
            return .needMore
        }
    }

    /// True once per request whose head said `Expect: 100-continue` while its body has not fully
    /// arrived: the caller may then send `100 Continue` (if no earlier response is pending).
    public mutating func takeContinueRequest() -> Bool {
        defer { continuePending = false }
        if case .failed = state { return false }
        return continuePending
    }

    private mutating func finish(_ head: HTTPHead, body: [UInt8]?) -> HTTPParseEvent {
        continuePending = false
        state = .head(scanned: 0)
        let request = Request(method: head.method, head: headBytes, target: head.target,
                              headers: head.headers, body: body)
        return .request(ParsedRequest(request: request, keepAlive: head.keepAlive, isHTTP10: head.isHTTP10))
    }

    /// Tolerates empty lines before a request line (RFC 9112 §2.2).
    private static func skipLeadingCRLF(_ buffer: inout ByteBuffer) {
        while let b = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), b == 0x0D || b == 0x0A {
            buffer.moveReaderIndex(forwardBy: 1)
        }
    }

    /// Length of the head through CRLF CRLF, scanning from `scanned` (updated when not found).
    /// Jumps from LF to LF with `memchr` (a byte-by-byte loop was about 290 instructions for a
    /// short request under callgrind).
    private static func findHeadEnd(_ buffer: ByteBuffer, from scanned: inout Int) -> Int? {
        let start = scanned
        let found = buffer.withUnsafeReadableBytes { p -> Int? in
            guard p.count >= 4, let base = p.baseAddress else { return nil }
            var i = max(start, 3)
            while i < p.count {
                guard let lf = memchr(base + i, 0x0A, p.count - i) else { return nil }
                i = base.distance(to: UnsafeRawPointer(lf))
                if i >= 3, p[i - 1] == 0x0D, p[i - 2] == 0x0A, p[i - 3] == 0x0D { return i + 1 }
                i += 1
            }
            return nil
        }
        if found == nil { scanned = max(buffer.readableBytes, 3) }
        return found
    }
}
