/// The parsed request line and header block of one request: what `HTTPRequestParser` needs to
/// decide framing and keep-alive. Pure functions over a byte array; no state, no threads.
///
/// Rules (RFC 9112, strict where laxness would be ambiguous): lines end in CRLF; the request line
/// is `method SP target SP HTTP/1.x`; header names are tokens with no space before `:`; obsolete
/// line folding, Content-Length together with Transfer-Encoding, and a Transfer-Encoding other than
/// a lone `chunked` are rejected (400). Target and field values may hold any byte ≥ 0x80: invalid
/// UTF-8 is kept, never repaired.
struct HTTPHead {
    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    var method: HTTPMethod
    var target: Range<Int>
    var headers: [HeaderField]
    var isHTTP10: Bool
    var keepAlive: Bool
    var framing: Framing
    /// `Expect: 100-continue` on an HTTP/1.1 request with a body.
    var expectsContinue = false

    /// Parses `head` (request line through the blank line, CRLF CRLF included). The header fields
    /// are collected in `fields`, emptied first and kept for the next call: its storage is reused
    /// (no allocation) when nothing else holds it any more, copied on write when something does.
    static func parse(_ head: [UInt8], maxBody: Int, fields: inout [HeaderField]) throws(HTTPParseError) -> HTTPHead {
        try head.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> HTTPHead in
            try parse(p, maxBody: maxBody, fields: &fields)
        }
    }

    private static func parse(_ p: UnsafeBufferPointer<UInt8>, maxBody: Int,
                              fields headers: inout [HeaderField]) throws(HTTPParseError) -> HTTPHead {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), sp = UInt8(ascii: " ")
        let end = p.count - 2  // index of the final CRLF (the blank line)
        // Method.
        var i = 0
        while i < end, isTokenByte(p[i]) { i += 1 }
        guard i > 0, i < end, p[i] == sp else { throw .bad("Malformed request line") }
        let method = HTTPMethod(token: UnsafeBufferPointer(rebasing: p[0..<i]))
        // Target: any byte but controls, SP and DEL.
        i += 1
        let t0 = i
        while i < end, p[i] > sp, p[i] != 0x7F { i += 1 }
        guard i > t0, i < end, p[i] == sp else { throw .bad("Malformed request target") }
        let target = t0..<i
        i += 1
        // Version: exactly "HTTP/1.0" or "HTTP/1.1" then CRLF.
        guard i + 10 <= p.count, p[i] == UInt8(ascii: "H"), p[i + 1] == UInt8(ascii: "T"),
              p[i + 2] == UInt8(ascii: "T"), p[i + 3] == UInt8(ascii: "P"), p[i + 4] == UInt8(ascii: "/"),
              isDigit(p[i + 5]), p[i + 6] == UInt8(ascii: "."), isDigit(p[i + 7]),
              p[i + 8] == cr, p[i + 9] == lf
        else { throw .bad("Malformed HTTP version") }
        guard p[i + 5] == UInt8(ascii: "1"), p[i + 7] == UInt8(ascii: "0") || p[i + 7] == UInt8(ascii: "1") else {
            throw HTTPParseError(status: 505, reason: "HTTP version not supported")
        }
        let isHTTP10 = p[i + 7] == UInt8(ascii: "0")
        i += 10

        headers.removeAll(keepingCapacity: true)
        if headers.capacity < 8 { headers.reserveCapacity(8) }
        var keepAlive = !isHTTP10
        var contentLength: Int?
        var chunked = false
        var sawTransferEncoding = false
        var expectContinue = false
        while i < end {
            let n0 = i
            while i < end, isTokenByte(p[i]) { i += 1 }
            guard i > n0, i < end, p[i] == UInt8(ascii: ":") else { throw .bad("Malformed header field") }
            let name = n0..<i
            i += 1
            while i < end, p[i] == sp || p[i] == 0x09 { i += 1 }
            let v0 = i
            // The value runs to the next byte that is not allowed in it (CR where the line ends).
            while i < end {
                let b = p[i]
                guard b >= sp || b == 0x09, b != 0x7F else { break }
                i += 1
            }
            guard i < end, p[i] == cr else { throw .bad(i < end ? "Invalid byte in header value" : "Malformed header line") }
            guard p[i + 1] == lf else { throw .bad("Malformed header line") }
            var vEnd = i  // trailing whitespace is not part of the value
            while vEnd > v0, p[vEnd - 1] == sp || p[vEnd - 1] == 0x09 { vEnd -= 1 }
            i += 2
            let value = v0..<vEnd
            headers.append(HeaderField(name: name, value: value))

            switch name.count {
            case 10 where equalsLower(p, name, "connection"):
                if hasToken(p, value, "close") { keepAlive = false }
                else if hasToken(p, value, "keep-alive") { keepAlive = true }
            case 14 where equalsLower(p, name, "content-length"):
                guard let n = parseDecimal(p, value) else { throw .bad("Invalid Content-Length") }
                if let old = contentLength, old != n { throw .bad("Conflicting Content-Length") }
                contentLength = n
            case 17 where equalsLower(p, name, "transfer-encoding"):
                guard !sawTransferEncoding, value.count == 7, equalsLower(p, value, "chunked") else {
                    throw HTTPParseError(status: 501, reason: "Unsupported Transfer-Encoding")
                }
                sawTransferEncoding = true
                chunked = true
            case 6 where equalsLower(p, name, "expect"):
                expectContinue = value.count == 12 && equalsLower(p, value, "100-continue")
            default: break
            }
        }
        var framing = Framing.none
        if chunked {
            guard contentLength == nil else { throw .bad("Both Content-Length and Transfer-Encoding") }
            guard !isHTTP10 else { throw .bad("Chunked body in HTTP/1.0") }
            framing = .chunked
        } else if let n = contentLength {
            guard n <= maxBody else { throw .bodyTooLarge }
            framing = .length(n)
        }
        return HTTPHead(method: method, target: target, headers: headers, isHTTP10: isHTTP10,
                        keepAlive: keepAlive, framing: framing,
                        expectsContinue: expectContinue && !isHTTP10 && framing != .none)
    }

    // MARK: byte helpers

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// RFC 9110 `tchar`: ALPHA, DIGIT and `!#$%&'*+-.^_`|~`, as one bit per byte in two words
    /// (bytes 0-63, 64-127; HTTPParserTests.tokenBytesAreExactlyTchar checks them against the list).
    @inline(__always) static func isTokenByte(_ b: UInt8) -> Bool {
        let low: UInt64 = 0x03FF_6CFA_0000_0000, high: UInt64 = 0x57FF_FFFF_C7FF_FFFE
        guard b < 128 else { return false }
        return ((b < 64 ? low : high) >> UInt64(b & 63)) & 1 == 1
    }

    /// Case-insensitive compare of `p[r]` with a lower-case ASCII literal of the same length.
    static func equalsLower(_ p: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ lower: StaticString) -> Bool {
        guard r.count == lower.utf8CodeUnitCount else { return false }
        let l = lower.utf8Start
        for k in 0..<r.count where p[r.lowerBound + k] | 0x20 != l[k] | 0x20 { return false }
        return true
    }

    /// Whether the comma-separated list in `p[r]` holds `token` (case-insensitive).
    static func hasToken(_ p: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ token: StaticString) -> Bool {
        var i = r.lowerBound
        while i < r.upperBound {
            while i < r.upperBound, p[i] == UInt8(ascii: " ") || p[i] == 0x09 || p[i] == UInt8(ascii: ",") { i += 1 }
            let s = i
            while i < r.upperBound, p[i] != UInt8(ascii: ","), p[i] != UInt8(ascii: " "), p[i] != 0x09 { i += 1 }
            if equalsLower(p, s..<i, token) { return true }
        }
        return false
    }

    /// A non-negative decimal of at most 18 digits, or nil.
    static func parseDecimal(_ p: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int? {
        guard !r.isEmpty, r.count <= 18 else { return nil }
        var n = 0
        for k in r {
            guard isDigit(p[k]) else { return nil }
            n = n * 10 + Int(p[k] &- UInt8(ascii: "0"))
        }
        return n
    }
}
