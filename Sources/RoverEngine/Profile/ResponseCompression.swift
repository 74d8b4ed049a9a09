import CZlib
public import RoverCoding

/// Rover's negotiation of the two codings (``ContentCoding``, RoverCoding, which also holds the
/// zlib work) and the ETag of a compressed answer.
extension ContentCoding {
    /// Rover's negotiation (rover-server/src/compression.rs:20-84): each listed coding keeps its
    /// highest q (an unparsable q counts as 1; `x-gzip` is gzip; `*` covers both); among the
    /// `configured` codings, in that order, the first with the highest q wins. A listed q of 0 is
    /// still chosen (Rover's own test `should_accept_zero_quality_as_valid_encoding`,
    /// compression.rs:200-203). `identity` or nothing Rover knows: nil.
    public static func negotiate(_ acceptEncoding: some Collection<UInt8>, configured: [ContentCoding]) -> ContentCoding? {
        guard !configured.isEmpty else { return nil }
        var gzipQ: Float? = nil, deflateQ: Float? = nil, anyQ: Float? = nil
        for part in acceptEncoding.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let item = trim(part)
            if item.isEmpty { continue }
            var name = item[...]
            var q: Float = 1
            if let semi = item.firstIndex(of: UInt8(ascii: ";")) {
                name = trim(item[..<semi])[...]
                let rest = trim(item[(semi + 1)...])
                if rest.count >= 2, rest[rest.startIndex] == UInt8(ascii: "q"), rest[rest.startIndex + 1] == UInt8(ascii: "="),
                   let v = Float(String(decoding: rest[(rest.startIndex + 2)...], as: UTF8.self)) {
                    q = v
                }
            }
            let lower = String(decoding: name.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
            switch lower {
            case "gzip", "x-gzip": if gzipQ.map({ q > $0 }) ?? true { gzipQ = q }
            case "deflate": if deflateQ.map({ q > $0 }) ?? true { deflateQ = q }
            case "*": if anyQ.map({ q > $0 }) ?? true { anyQ = q }
            default: break
            }
        }
        var best: (ContentCoding, Float)? = nil
        for coding in configured {
            guard let q = (coding == .gzip ? gzipQ : deflateQ) ?? anyQ else { continue }
            if best.map({ q > $0.1 }) ?? true { best = (coding, q) }
        }
        return best?.0
    }

    private static func trim<C: Collection<UInt8>>(_ c: C) -> [UInt8] {
        var a = Array(c)
        while let f = a.first, f == 0x20 || f == 0x09 { a.removeFirst() }
        while let l = a.last, l == 0x20 || l == 0x09 { a.removeLast() }
        return a
    }

    /// The ETag Rover gives a compressed response without one: `"<u64>"` of Rust's
    /// `DefaultHasher` over the compressed bytes (rover-server/src/event_loop.rs:57-64, 1697-1699).
    static func etag(of bytes: [UInt8]) -> String {
        let h = bytes.withUnsafeBufferPointer { rover_sip13_prefixed($0.baseAddress, $0.count) }
        return "\"\(h)\""
    }
}
