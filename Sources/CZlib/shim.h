// zlib (Debian zlib1g-dev) for the Rover-defaults profile's response compression, and the
// 64-bit hash Rover puts in the ETag of a compressed response. Header-only: static inline C.
#ifndef ROVER_CZLIB_SHIM_H
#define ROVER_CZLIB_SHIM_H

#include <zlib.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

/// Compresses `in` at level 1 (Rover uses flate2's `Compression::fast()`,
/// rover-server/src/compression.rs:91-102) into `out` (capacity `cap`): `gzip` nonzero for a gzip
/// stream, zero for a raw DEFLATE stream (flate2's `DeflateEncoder` writes raw DEFLATE, no zlib
/// wrapper). Returns the compressed size, or 0 when it did not fit or zlib failed.
static inline size_t rover_zlib_compress(const unsigned char *in, size_t len, unsigned char *out, size_t cap, int gzip) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 1, Z_DEFLATED, gzip ? 31 : -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    if (gzip) {
        gz_header h;
        memset(&h, 0, sizeof h);
        h.os = 255;  // "unknown", as flate2's GzEncoder writes by default
        deflateSetHeader(&z, &h);
    }
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? n : 0;
}

/// An upper bound on the compressed size of `len` bytes (gzip adds its 18-byte frame).
static inline size_t rover_zlib_bound(size_t len) { return (size_t)compressBound((uLong)len) + 32; }

/// Inflates a gzip (`gzip` nonzero) or raw DEFLATE stream into `out`; returns the size, or
/// (size_t)-1 on an error or when it did not fit. For tests and scenario checks.
static inline size_t rover_zlib_inflate(const unsigned char *in, size_t len, unsigned char *out, size_t cap, int gzip) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, gzip ? 31 : -15) != Z_OK) return (size_t)-1;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = inflate(&z, Z_FINISH);
    size_t n = z.total_out;
    inflateEnd(&z);
    return rc == Z_STREAM_END ? n : (size_t)-1;
}

// SipHash-1-3 with a zero key over le64(len) then the bytes: what Rust's
// `DefaultHasher::new()` gives for `data.hash(&mut h)` on a byte slice (a length prefix, then the
// bytes), which Rover writes as the ETag of a compressed response (rover-server/src/
// event_loop.rs:57-64 and 1697-1699).
#define ROVER_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define ROVER_SIPROUND do { \
    v0 += v1; v1 = ROVER_ROTL(v1, 13); v1 ^= v0; v0 = ROVER_ROTL(v0, 32); \
    v2 += v3; v3 = ROVER_ROTL(v3, 16); v3 ^= v2; \
    v0 += v3; v3 = ROVER_ROTL(v3, 21); v3 ^= v0; \
    v2 += v1; v1 = ROVER_ROTL(v1, 17); v1 ^= v2; v2 = ROVER_ROTL(v2, 32); } while (0)

static inline uint64_t rover_sip13_prefixed(const unsigned char *data, size_t len) {
    uint64_t v0 = 0x736f6d6570736575ULL, v1 = 0x646f72616e646f6dULL;
    uint64_t v2 = 0x6c7967656e657261ULL, v3 = 0x7465646279746573ULL;
    uint64_t total = 8 + (uint64_t)len;
    unsigned char tail[8];
    size_t tail_n = 0;
    // Feed le64(len), then data, in 8-byte words.
    unsigned char prefix[8];
    for (int i = 0; i < 8; i++) prefix[i] = (unsigned char)((uint64_t)len >> (8 * i));
    size_t pos = 0;  // position in the virtual message prefix||data
    while (pos + 8 <= total) {
        uint64_t m = 0;
        for (int i = 0; i < 8; i++) {
            size_t k = pos + (size_t)i;
            unsigned char b = k < 8 ? prefix[k] : data[k - 8];
            m |= (uint64_t)b << (8 * i);
        }
        v3 ^= m; ROVER_SIPROUND; v0 ^= m;
        pos += 8;
    }
    while (pos < total) { tail[tail_n++] = pos < 8 ? prefix[pos] : data[pos - 8]; pos++; }
    uint64_t b = total << 56;
    for (size_t i = 0; i < tail_n; i++) b |= (uint64_t)tail[i] << (8 * i);
    v3 ^= b; ROVER_SIPROUND; v0 ^= b;
    v2 ^= 0xff;
    ROVER_SIPROUND; ROVER_SIPROUND; ROVER_SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}
#undef ROVER_SIPROUND
#undef ROVER_ROTL

#endif
