import NIOCore

/// Decodes a chunked transfer-coded request body incrementally (RFC 9112 §7.1).
///
/// A value type owned by one `HTTPRequestParser`; consumes bytes from the buffer it is given as
/// far as they go. Chunk extensions are skipped, trailer fields are read and dropped.
struct HTTPChunkedDecoder {
    private enum State {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers(seen: Int)
    }

    private var state = State.size
    /// The longest chunk-size line (with extensions) accepted.
    static let maxSizeLine = 1024

    /// Consumes what it can. Returns `true` once the whole body (and trailers) has been read.
    mutating func decode(_ buffer: inout ByteBuffer, into body: inout [UInt8], limits: HTTPLimits)
        throws(HTTPParseError) -> Bool
    {
        while true {
            switch state {
            case .size:
                guard let line = Self.lineLength(buffer) else {
                    if buffer.readableBytes > Self.maxSizeLine { throw .bad("Chunk size line too long") }
                    return false
                }
                let size = try Self.parseSize(buffer, lineLength: line)
                buffer.moveReaderIndex(forwardBy: line + 2)
                guard size <= limits.maxBodyBytes - body.count else { throw .bodyTooLarge }
                state = size == 0 ? .trailers(seen: 0) : .data(remaining: size)
            case .data(let remaining):
                let n = min(remaining, buffer.readableBytes)
                if n == 0 { return false }
                buffer.withUnsafeReadableBytes { body.append(contentsOf: $0.prefix(n)) }
                buffer.moveReaderIndex(forwardBy: n)
                state = n == remaining ? .dataEnd : .data(remaining: remaining - n)
            case .dataEnd:
                guard buffer.readableBytes >= 2 else { return false }
                guard buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) == 0x0D0A else {
                    throw .bad("Missing CRLF after chunk data")
                }
                buffer.moveReaderIndex(forwardBy: 2)
                state = .size
            case .trailers(let seen):
                guard let line = Self.lineLength(buffer) else {
                    if seen + buffer.readableBytes > limits.maxHeaderBytes { throw .headerTooLarge }
                    return false
                }
                buffer.moveReaderIndex(forwardBy: line + 2)
                if line == 0 {
                    state = .size
                    return true
                }
                guard seen + line + 2 <= limits.maxHeaderBytes else { throw .headerTooLarge }
                state = .trailers(seen: seen + line + 2)
            }
        }
    }

    /// Bytes before the first CRLF in the readable bytes, or nil when there is none yet.
    static func lineLength(_ buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { p -> Int? in
            guard p.count >= 2 else { return nil }
            var i = 0
            while i < p.count - 1 {
                if p[i] == 0x0D {
                    if p[i + 1] == 0x0A { return i }
                }
                i += 1
            }
            return nil
        }
    }

    /// Hex digits up to `;` (extensions, ignored), optional whitespace allowed before `;`.
    private static func parseSize(_ buffer: ByteBuffer, lineLength: Int) throws(HTTPParseError) -> Int {
        let r = buffer.withUnsafeReadableBytes { p -> Int? in
            var n = 0, digits = 0, i = 0
            while i < lineLength {
                let b = p[i]
                let v: Int
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): v = Int(b &- UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): v = Int(b &- UInt8(ascii: "a")) + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): v = Int(b &- UInt8(ascii: "A")) + 10
                case UInt8(ascii: ";"), UInt8(ascii: " "), 0x09:
                    return digits > 0 ? n : nil
                default: return nil
                }
                digits += 1
                if digits > 15 { return nil }
                n = n << 4 | v
                i += 1
            }
            return digits > 0 ? n : nil
        }
        guard let r else { throw .bad("Invalid chunk size") }
        return r
    }
}
