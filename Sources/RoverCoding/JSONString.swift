/// JSON string escaping over raw bytes. Valid UTF-8 passes through unchanged; each maximal
/// invalid subpart (Unicode §3.9, as WHATWG decoders do) becomes U+FFFD, so the output is always
/// valid JSON. (Rover itself refuses such strings: `to_str()` fails and the response is an error.)
/// In RoverCoding, a leaf: the VM's JSON encoder (RoverLua) and the response model (RoverEngine)
/// share it, and the model needs nothing of the VM for it.
public enum JSONString {
    public static func appendQuoted(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var start = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b >= 0x80 {
                let valid = validSequenceLength(bytes, at: i)
                if valid > 0 { i += valid; continue }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                i += max(1, invalidSubpartLength(bytes, at: i))
                start = i
                continue
            }
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == 0x7F else { i += 1; continue }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), b])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), b])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            default:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            }
            i += 1
            start = i
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<n]))
        out.append(UInt8(ascii: "\""))
    }

    /// The allowed range of the second byte after lead byte `b`, and the sequence length
    /// (Unicode Table 3-7); length 0 for a byte that cannot start a sequence.
    @inline(__always)
    private static func lead(_ b: UInt8) -> (length: Int, lo: UInt8, hi: UInt8) {
        switch b {
        case 0xC2...0xDF: (2, 0x80, 0xBF)
        case 0xE0: (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80, 0xBF)
        case 0xED: (3, 0x80, 0x9F)
        case 0xF0: (4, 0x90, 0xBF)
        case 0xF1...0xF3: (4, 0x80, 0xBF)
        case 0xF4: (4, 0x80, 0x8F)
        default: (0, 0, 0)
        }
    }

    /// The length of the well-formed sequence at `i`, or 0.
    private static func validSequenceLength(_ s: UnsafeRawBufferPointer, at i: Int) -> Int {
        let l = invalidSubpartLength(s, at: i)
        return l == lead(s[i]).length && l > 0 ? l : 0
    }

    /// How many bytes at `i` form the longest prefix of a well-formed sequence (the whole
    /// sequence when it is well formed; 1 at least for a lead byte, 0 for an invalid one).
    private static func invalidSubpartLength(_ s: UnsafeRawBufferPointer, at i: Int) -> Int {
        let (length, lo, hi) = lead(s[i])
        guard length > 0 else { return 0 }
        var k = 1
        while k < length && i + k < s.count {
            let c = s[i + k]
            if k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF) { break }
            k += 1
        }
        return k
    }
}
