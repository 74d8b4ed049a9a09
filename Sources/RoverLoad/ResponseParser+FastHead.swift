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
        switch length {
        case 14 where Self.equalsLowercased(name, "content-length"):
            sawLength = true
            remaining = 0
            var v = value
            while v < end {
                let c = v.pointee
                if c >= 48 && c <= 57 && remaining < (1 << 50) { remaining = remaining * 10 + Int(c - 48) }
                v += 1
            }
        case 17 where Self.equalsLowercased(name, "transfer-encoding"):
            if Self.contains(value, end, "chunked") { isChunked = true }
        case 10 where Self.equalsLowercased(name, "connection"):
            if Self.contains(value, end, "close") { sawClose = true }
            if Self.contains(value, end, "keep-alive") { sawKeepAlive = true }
        default:
            break
        }
    }

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    @inline(__always)
    private static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }

    private static func equalsLowercased(_ p: UnsafePointer<UInt8>, _ name: StaticString) -> Bool {
        for k in 0..<name.utf8CodeUnitCount where lower(p[k]) != name.utf8Start[k] { return false }
        return true
    }

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
