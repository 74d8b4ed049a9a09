import Glibc

/// The fast path of `ResponseParser`: when a response's whole head (status line to blank line)
/// is in the buffer — nearly always — it is parsed line by line with memchr and length-first
/// name comparison instead of byte by byte. Same results as the byte machine; when the head
/// is incomplete (or the status line too short) it returns nil and the byte machine takes over.
extension ResponseParser {
    /// Parses the head starting at `p[start]`; returns the index after its blank line, or nil
    /// when the head is not all in the buffer (header flags may be touched; the byte machine
    /// resets them when it starts over at the same byte).
    mutating func fastHead(_ p: UnsafePointer<UInt8>, _ count: Int, from start: Int) -> Int? {
        guard count - start >= 16 else { return nil }
        let d9 = p[start + 9], d10 = p[start + 10], d11 = p[start + 11]
        guard p[start] == UInt8(ascii: "H"), Self.isDigit(d9), Self.isDigit(d10), Self.isDigit(d11),
              let statusLF = Self.find(UInt8(ascii: "\n"), p + start, count - start) else { return nil }
        resetHeaders()
        http10 = p[start + 7] == UInt8(ascii: "0")
        status = Int(d9 - 48) * 100 + Int(d10 - 48) * 10 + Int(d11 - 48)
        var line = start + statusLF + 1
        while true {
            guard let rel = Self.find(UInt8(ascii: "\n"), p + line, count - line) else { return nil }
            let lf = line + rel
            if rel == 0 || (rel == 1 && p[line] == UInt8(ascii: "\r")) { return lf + 1 }   // blank line
            if let colon = Self.find(UInt8(ascii: ":"), p + line, rel) {
                header(name: p + line, length: colon, value: p + line + colon + 1, end: p + lf)
            }
            line = lf + 1
        }
    }

    private mutating func header(name: UnsafePointer<UInt8>, length: Int, value: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) {
        let raw = UnsafeRawPointer(name)
        switch length {
        case 14 where Self.word(raw, 0) == Self.contentDash && Self.word(raw, 6) == Self.tDashLength:
            sawLength = true
            remaining = 0
            var v = value
            while v < end {
                let c = v.pointee
                if c >= 48 && c <= 57 && remaining < (1 << 50) { remaining = remaining * 10 + Int(c - 48) }
                v += 1
            }
        case 17 where Self.word(raw, 0) == Self.transfer && Self.word(raw, 9) == Self.encoding && raw.load(fromByteOffset: 8, as: UInt8.self) == 0x2d:
            if Self.contains(value, end, "chunked") { isChunked = true }
        case 10 where Self.word(raw, 0) == Self.connecti && Self.word(raw, 2) == Self.nnection:
            var v = value
            while v < end && v.pointee == UInt8(ascii: " ") { v += 1 }
            var e = end
            while e > v && (e - 1).pointee <= 32 { e -= 1 }
            // The usual values first, whole; anything else by token search.
            if e - v == 10 && Self.word(UnsafeRawPointer(v), 2) == Self.epAlive && Self.lower(v.pointee) == 107 && Self.lower(v[1]) == 101 {
                sawKeepAlive = true
            } else if e - v == 5 && Self.lower(v[0]) == 99 && Self.lower(v[1]) == 108 && Self.lower(v[2]) == 111
                        && Self.lower(v[3]) == 115 && Self.lower(v[4]) == 101 {
                sawClose = true
            } else {
                if Self.contains(v, e, "close") { sawClose = true }
                if Self.contains(v, e, "keep-alive") { sawKeepAlive = true }
            }
        default:
            break
        }
    }

    /// 8 bytes at `offset`, ASCII letters folded to lower case (bit 0x20 set on every byte; the
    /// names compared contain only letters and '-', which that leaves unchanged).
    @inline(__always)
    private static func word(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) | 0x2020_2020_2020_2020
    }

    /// Little-endian words of the lower-case names: "content-", "t-length", "transfer",
    /// "encoding" (after the '-' at 8), "connecti", "nnection", and "ep-alive" (of keep-alive);
    /// literal constants, so no lazy initialisation on the hot path.
    private static let contentDash: UInt64 = 0x2d746e65746e6f63   // "content-"
    private static let tDashLength: UInt64 = 0x6874676e656c2d74   // "t-length"
    private static let transfer: UInt64 = 0x726566736e617274   // "transfer"
    private static let encoding: UInt64 = 0x676e69646f636e65   // "encoding"
    private static let connecti: UInt64 = 0x697463656e6e6f63   // "connecti"
    private static let nnection: UInt64 = 0x6e6f697463656e6e   // "nnection"
    private static let epAlive: UInt64 = 0x6576696c612d7065   // "ep-alive"

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    @inline(__always)
    private static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }

    /// Case-insensitive substring test for a token without a repeated prefix.
    private static func contains(_ from: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ token: StaticString) -> Bool {
        var m = 0
        var v = from
        while v < end {
            m = advance(m, lower(v.pointee), token)
            if m == token.utf8CodeUnitCount { return true }
            v += 1
        }
        return false
    }
}
