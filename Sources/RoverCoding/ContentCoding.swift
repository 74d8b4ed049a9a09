import CZlib

/// The two content codings Rover negotiates (rover-server/src/compression.rs:5-18), with zlib's
/// compression and inflation: what the engine's Rover-defaults profile sends and what a scenario
/// expects (`expect_encoding`). Its own target, so the scenario catalog needs nothing of the
/// engine; the negotiation and the ETag live with the engine (RoverEngine/Profile).
public enum ContentCoding: String, Sendable, Equatable, CaseIterable, Codable {
    case gzip
    case deflate

    /// `body` compressed with this coding at level 1: a gzip stream, or raw DEFLATE for `deflate`
    /// (flate2's `DeflateEncoder`, which Rover uses, writes raw DEFLATE with no zlib wrapper).
    public func compress(_ body: [UInt8]) -> [UInt8] {
        let cap = rover_zlib_bound(body.count)
        var out = [UInt8](repeating: 0, count: cap)
        let n = body.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in
                rover_zlib_compress(b.baseAddress, b.count, o.baseAddress, cap, self == .gzip ? 1 : 0)
            }
        }
        precondition(n > 0, "zlib failed to compress \(body.count) bytes")
        out.removeSubrange(n...)
        return out
    }

    /// Decompresses a body of this coding (tests and scenario checks); nil when it is not one.
    public func decompress(_ data: [UInt8], limit: Int = 64 << 20) -> [UInt8]? {
        var cap = max(1024, data.count * 8)
        while cap <= limit {
            var out = [UInt8](repeating: 0, count: cap)
            let n = data.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    rover_zlib_inflate(b.baseAddress, b.count, o.baseAddress, cap, self == .gzip ? 1 : 0)
                }
            }
            if n >= 0, n < cap {
                out.removeSubrange(n...)
                return out
            }
            cap *= 4
        }
        return nil
    }

}
