import Glibc

/// An incremental HTTP/1.1 response parser that reads only what a load generator needs:
/// the status code, where the response ends (Content-Length, chunked, or close), and whether
/// the server will close the connection afterwards.
///
/// Belongs to RoverLoad's hot loop: one per connection, owned by that connection's thread.
/// It keeps no bytes — input may be split anywhere, across any number of `parse` calls — and
/// never allocates. Malformed input yields `.malformed` (counted as a read error by the caller).
struct ResponseParser {
    enum Outcome: Equatable {
        /// Input exhausted inside a response (or between responses).
        case needMore
        /// A full response ended; `consumed` bytes of this call's input belong to it (and before).
        case complete(status: Int)
        case malformed
    }

    enum State: UInt8 {
        case statusLine, statusRest, headerStart, headerName, headerValue, skipLine, headersLF
        case body, chunkSize, chunkExt, chunkData, chunkDataEnd, trailerStart, trailerLine, untilClose
    }

    // Names and tokens are StaticString literals read through their constant pointers: no arrays,
    // no lazy globals, nothing to retain on the per-byte path.

    /// The next response answers a HEAD request: it has headers only.
    var expectsHeadResponse = false
    /// After `.complete`: the server will close the connection (Connection: close, HTTP/1.0, or body-until-close).
    private(set) var closeAfterResponse = false

    var state = State.statusLine
    var index = 0
    var status = 0
    var http10 = false
    private var candidates: UInt8 = 0          // bit 0 content-length, 1 transfer-encoding, 2 connection
    private var header: UInt8 = 0              // which header's value is being read
    private var match = 0, match2 = 0
    var sawLength = false, isChunked = false, sawClose = false, sawKeepAlive = false
    var remaining = 0
    /// When set, every 2xx body (with a Content-Length, or chunked: the chunks' data joined) is
    /// compared byte for byte with these bytes (owned by the worker, which outlives the parser);
    /// `bodyMismatch` says how the last response's body compared (one delimited by the close
    /// counts as a mismatch).
    var expectedBody: UnsafeBufferPointer<UInt8>?
    private(set) var bodyMismatch = false
    private var bodyOffset = 0
    private var checkingBody = false

    /// True between responses (nothing of a next response seen yet).
    var isBetweenResponses: Bool { state == .statusLine && index == 0 }

    /// Parses from `p[consumed]` up to `count`; advances `consumed`. Returns at the end of each response.
    mutating func parse(_ p: UnsafePointer<UInt8>, _ count: Int, consumed: inout Int) -> Outcome {
        var i = consumed
        defer { consumed = i }
        while i < count {
            let c = p[i]
            switch state {
            case .statusLine:
                // Common case: the whole head is in this buffer; parse it line by line at once.
                if index == 0, let end = fastHead(p, count, from: i) {
                    i = end
                    if let o = headersEnded() { return o }
                    continue
                }
                // "HTTP/1.x SSS": check the prefix, read three digits at 9...11.
                switch index {
                case 0: guard c == UInt8(ascii: "H") else { return .malformed }; resetHeaders()
                case 7: http10 = c == UInt8(ascii: "0")
                case 9, 10, 11:
                    guard c >= 48 && c <= 57 else { return .malformed }
                    status = status * 10 + Int(c - 48)
                    if index == 11 { state = .statusRest }
                default: break
                }
                index += 1
                i += 1
            case .statusRest, .skipLine, .trailerLine:
                guard let lf = Self.find(UInt8(ascii: "\n"), p + i, count - i) else { i = count; continue }
                i += lf + 1
                state = state == .trailerLine ? .trailerStart : .headerStart
            case .headerStart:
                i += 1
                if c == UInt8(ascii: "\r") { state = .headersLF; continue }
                if c == UInt8(ascii: "\n") { if let o = headersEnded() { return o }; continue }
                candidates = 0b111; index = 0
                state = .headerName
                nameByte(c)
            case .headersLF:
                i += 1
                guard c == UInt8(ascii: "\n") else { return .malformed }
                if let o = headersEnded() { return o }
            case .headerName:
                i += 1
                if c == UInt8(ascii: ":") { startValue(); continue }
                if c == UInt8(ascii: "\n") { state = .headerStart; continue }
                nameByte(c)
                if candidates == 0 { state = .skipLine }
            case .headerValue:
                i += 1
                if c == UInt8(ascii: "\n") { state = .headerStart; continue }
                valueByte(c >= 65 && c <= 90 ? c | 0x20 : c)
            case .body:
                let n = min(remaining, count - i)
                compareBody(p + i, n)
                i += n; remaining -= n
                if remaining == 0 { return finish() }
            case .chunkSize:
                i += 1
                if let d = Self.hexValue(c) {
                    guard remaining < (1 << 40) else { return .malformed }
                    remaining = remaining * 16 + d
                } else if c == UInt8(ascii: "\n") {
                    state = remaining == 0 ? .trailerStart : .chunkData
                } else { state = .chunkExt }
            case .chunkExt:
                guard let lf = Self.find(UInt8(ascii: "\n"), p + i, count - i) else { i = count; continue }
                i += lf + 1
                state = remaining == 0 ? .trailerStart : .chunkData
            case .chunkData:
                let n = min(remaining, count - i)
                compareBody(p + i, n)
                i += n; remaining -= n
                if remaining == 0 { state = .chunkDataEnd }
            case .chunkDataEnd:
                i += 1
                if c == UInt8(ascii: "\n") { state = .chunkSize }
            case .trailerStart:
                i += 1
                if c == UInt8(ascii: "\n") {
                    // A chunked body that ended short of the expected one is wrong too.
                    if checkingBody, !bodyMismatch, let e = expectedBody, bodyOffset != e.count { bodyMismatch = true }
                    return finish()
                }
                if c != UInt8(ascii: "\r") { state = .trailerLine }
            case .untilClose:
                i = count
            }
        }
        return .needMore
    }

    /// The peer closed. Returns the status if that ended a body-until-close response.
    mutating func endOfInput() -> Int? {
        guard state == .untilClose else { return nil }
        closeAfterResponse = true
        state = .statusLine; index = 0
        return status
    }

    /// Forgets any partial response (after a reconnect).
    mutating func reset() { state = .statusLine; index = 0 }

    mutating func resetHeaders() {
        status = 0; sawLength = false; isChunked = false; sawClose = false; sawKeepAlive = false; remaining = 0
    }

    private mutating func nameByte(_ c: UInt8) {
        let lower = c >= 65 && c <= 90 ? c | 0x20 : c
        if candidates & 1 != 0 && !Self.matches("content-length", index, lower) { candidates &= ~1 }
        if candidates & 2 != 0 && !Self.matches("transfer-encoding", index, lower) { candidates &= ~2 }
        if candidates & 4 != 0 && !Self.matches("connection", index, lower) { candidates &= ~4 }
        index += 1
    }

    private mutating func startValue() {
        header = 0
        if candidates & 1 != 0 && index == 14 { header = 1; sawLength = true; remaining = 0 }
        if candidates & 2 != 0 && index == 17 { header = 2 }
        if candidates & 4 != 0 && index == 10 { header = 3 }
        match = 0; match2 = 0
        state = header == 0 ? .skipLine : .headerValue
    }

    private mutating func valueByte(_ lower: UInt8) {
        switch header {
        case 1:
            if lower >= 48 && lower <= 57 && remaining < (1 << 50) { remaining = remaining * 10 + Int(lower - 48) }
        case 2:
            match = Self.advance(match, lower, "chunked")
            if match == 7 { isChunked = true; match = 0 }
        default:
            match = Self.advance(match, lower, "close")
            if match == 5 { sawClose = true; match = 0 }
            match2 = Self.advance(match2, lower, "keep-alive")
            if match2 == 10 { sawKeepAlive = true; match2 = 0 }
        }
    }

    /// Byte `index` of `name` equals `c` (false past the end).
    @inline(__always)
    private static func matches(_ name: StaticString, _ index: Int, _ c: UInt8) -> Bool {
        index < name.utf8CodeUnitCount && name.utf8Start[index] == c
    }

    /// Substring matcher for tokens without a repeated prefix ("chunked", "close", "keep-alive").
    @inline(__always)
    static func advance(_ m: Int, _ c: UInt8, _ token: StaticString) -> Int {
        if token.utf8Start[m] == c { return m + 1 }
        return token.utf8Start[0] == c ? 1 : 0
    }

    mutating func headersEnded() -> Outcome? {
        closeAfterResponse = sawClose || (http10 && !sawKeepAlive)
        if status < 200 {             // 1xx interim: the real response follows
            state = .statusLine; index = 0
            return nil
        }
        bodyOffset = 0
        bodyMismatch = false
        checkingBody = false
        if let e = expectedBody, status >= 200, status < 300, !expectsHeadResponse {
            checkingBody = true
            // A wrong or missing length is wrong already (a chunked body's is known at its end).
            bodyMismatch = !isChunked && (!sawLength || remaining != e.count)
        }
        if expectsHeadResponse || status == 204 || status == 304 { return finish() }
        if isChunked { state = .chunkSize; remaining = 0; return nil }
        if sawLength {
            if remaining == 0 { return finish() }
            state = .body
            return nil
        }
        state = .untilClose
        return nil
    }

    /// Compares the next `n` body bytes (of a Content-Length body or a chunk's data) with the
    /// expected body at the current offset.
    @inline(__always)
    private mutating func compareBody(_ bytes: UnsafePointer<UInt8>, _ n: Int) {
        guard checkingBody, !bodyMismatch, let e = expectedBody else { return }
        bodyMismatch = bodyOffset + n > e.count || memcmp(bytes, e.baseAddress! + bodyOffset, n) != 0
        bodyOffset += n
    }

    private mutating func finish() -> Outcome {
        state = .statusLine; index = 0
        return .complete(status: status)
    }

    private static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 48...57: return Int(c - 48)
        case 65...70: return Int(c - 55)
        case 97...102: return Int(c - 87)
        default: return nil
        }
    }

    static func find(_ byte: UInt8, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        guard n > 0, let hit = memchr(p, Int32(byte), n) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(p)
    }
}
