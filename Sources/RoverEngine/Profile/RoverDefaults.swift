import RoverCoding
import RoverLua

/// The Rover-defaults response profile: what current Rover (`6e77dd3`) does around every answer,
/// read from its code (file:line below, in rover-server/src/), configured by the app's
/// `rover.server{}` keys. An `Engine` loaded with `ResponseProfile.roverDefaults` runs it on the
/// VM's own thread, before and after the app (Rover's event loop does it on the loop that runs Lua).
///
/// - CORS preflight (event_loop.rs:3554-3602): an OPTIONS request with `Origin` and
///   `Access-Control-Request-Method`, when `cors_origin` is set, is answered 204 before routing
///   and before any Lua runs: Allow-Origin (`*`, or the request's Origin), Allow-Methods,
///   Allow-Headers, Allow-Credentials when `cors_credentials`.
/// - CORS on answers (event_loop.rs:3905-3926): a handler's answer to a request with `Origin`
///   gets Allow-Origin (and Allow-Credentials). Not 404/405/OPTIONS auto-answers (Rover adds them
///   only after a handler ran).
/// - Security headers (event_loop.rs:51-55, 1623-1664): X-Content-Type-Options: nosniff,
///   X-Frame-Options: DENY, Referrer-Policy: strict-origin-when-cross-origin on every answer that
///   goes through Rover's `set_http_response` (not the 413, event_loop.rs:3833-3850), unless
///   `security_headers = false`; a value the handler set is kept when safe (or always, with
///   `allow_insecure_security_header_overrides`), else replaced.
/// - Compression (event_loop.rs:1666-1736, 3819-3823; compression.rs): the coding is negotiated
///   from Accept-Encoding for handler answers only; a body of 1024 bytes or more, of a
///   compressible type, not already encoded, is compressed, and kept compressed only when smaller:
///   Content-Encoding, Vary: Accept-Encoding, and an ETag. Vary is also added when no coding was
///   negotiated and the type is compressible (Rover's code does; not when one was negotiated and
///   the body is too small).
/// - Request id (http_task.rs:22-68, event_loop.rs:3826): staged for every routed request before
///   its handler runs; `ctx:request_id()` answers it.
struct RoverDefaults: Sendable {
    var securityHeaders = true
    var allowInsecureOverrides = false
    var corsOrigin: String? = nil
    var corsMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD"  // lib.rs:1208-1212
    var corsHeaders = "Content-Type, Authorization"                   // lib.rs:1213-1217
    var corsCredentials = false
    var codings: [ContentCoding] = [.gzip, .deflate]                    // lib.rs:266-275

    /// Rover's minimum body size for compression (a constant: `compress.min_size` is parsed, not
    /// used; event_loop.rs:1682).
    static let minCompressSize = 1024

    /// What the profile reads from a request before the handler runs.
    struct Incoming {
        var coding: ContentCoding?
        var origin: String?
    }

    // MARK: Per request

    /// The CORS preflight answer, or nil when `request` is not one (or CORS is not configured).
    func preflight(_ request: Request) -> Response? {
        guard request.method == .options, let corsOrigin,
              let origin = Self.header("origin", in: request),
              Self.header("access-control-request-method", in: request) != nil else { return nil }
        var headers = [HTTPField("Access-Control-Allow-Origin", corsOrigin == "*" ? "*" : origin),
                       HTTPField("Access-Control-Allow-Methods", corsMethods),
                       HTTPField("Access-Control-Allow-Headers", corsHeaders)]
        if corsCredentials { headers.append(HTTPField("Access-Control-Allow-Credentials", "true")) }
        var r = Response(status: 204, contentType: nil, headers: headers)
        finish(&r, coding: nil, typeForVary: "text/plain", counters: nil)  // Rover's preflight is text/plain
        return r
    }

    func incoming(_ request: Request) -> Incoming {
        var coding: ContentCoding? = nil
        if let field = request.headers.first(where: { Self.nameIs(request.name(of: $0), "accept-encoding") }) {
            coding = ContentCoding.negotiate(request.value(of: field), configured: codings)
        }
        return Incoming(coding: coding, origin: corsOrigin == nil ? nil : Self.header("origin", in: request))
    }

    /// Adds the handler-answer CORS headers, then does what Rover's `set_http_response` does.
    func finishHandlerAnswer(_ r: inout Response, _ incoming: Incoming, isHead: Bool, counters: EngineCounters) {
        if let corsOrigin, let origin = incoming.origin {
            Self.set(&r.headers, "Access-Control-Allow-Origin", corsOrigin == "*" ? "*" : origin)
            if corsCredentials { Self.set(&r.headers, "Access-Control-Allow-Credentials", "true") }
        }
        // A HEAD answer's body is empty in Rover (event_loop.rs:3888): nothing to compress.
        finish(&r, coding: isHead ? nil : incoming.coding, typeForVary: r.contentType?.rawValue, counters: counters,
               headBody: isHead)
    }

    /// An answer made without a handler (404, 405, OPTIONS' 204): security headers and Vary, no
    /// compression (Rover passes no coding for these).
    func finishOther(_ r: inout Response) {
        finish(&r, coding: nil, typeForVary: r.contentType?.rawValue ?? "text/plain", counters: nil)
    }

    /// Rover's `set_http_response` (event_loop.rs:1666-1736).
    private func finish(_ r: inout Response, coding: ContentCoding?, typeForVary: String?, counters: EngineCounters?,
                        headBody: Bool = false) {
        if securityHeaders { applySecurityHeaders(&r.headers) }
        let compressible = Self.isCompressible(typeForVary)
        let encoded = Self.index(of: "content-encoding", in: r.headers) != nil
        let size = headBody ? 0 : r.body.count
        if let coding {
            if !encoded && size >= Self.minCompressSize && compressible {
                let packed = coding.compress(r.body)
                counters?.recordCompression(input: r.body.count, output: packed.count, kept: packed.count < r.body.count)
                if packed.count < r.body.count {
                    Self.set(&r.headers, "Content-Encoding", coding.rawValue)
                    Self.addVary(&r.headers)
                    // Rover looks the ETag up and inserts it by this exact spelling (HashMap keys).
                    if let k = r.headers.firstIndex(where: { $0.name == "ETag" }) {
                        var tag = r.headers[k].value
                        if tag.hasPrefix("\""), tag.hasSuffix("\""), tag.count >= 2 { tag = String(tag.dropFirst().dropLast()) }
                        r.headers[k].value = "\"\(tag)-\(coding.rawValue)\""
                    } else {
                        r.headers.append(HTTPField("ETag", ContentCoding.etag(of: packed)))
                    }
                    r.body = packed
                } else if compressible || encoded {
                    Self.addVary(&r.headers)
                }
            } else if encoded {
                Self.addVary(&r.headers)
            }
        } else if compressible || encoded {
            Self.addVary(&r.headers)
        }
    }

    private static let securityDefaults: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ]

    /// event_loop.rs:1636-1664 with the safe values of 1623-1634.
    private func applySecurityHeaders(_ headers: inout [HTTPField]) {
        for (name, value) in Self.securityDefaults {
            if let k = Self.index(of: name.lowercased(), in: headers) {
                if allowInsecureOverrides || Self.isSafeOverride(name.lowercased(), headers[k].value) { continue }
                headers[k].value = value
            } else {
                headers.append(HTTPField(name, value))
            }
        }
    }

    private static func isSafeOverride(_ lowerName: String, _ value: String) -> Bool {
        let v = value.trimmingSpaces.lowercased()
        switch lowerName {
        case "x-content-type-options": return v == "nosniff"
        case "x-frame-options": return v == "deny" || v == "sameorigin"
        case "referrer-policy": return ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"].contains(v)
        default: return true
        }
    }

    /// event_loop.rs:1738-1751.
    static func isCompressible(_ type: String?) -> Bool {
        guard let type else { return false }
        let t = type.lowercased()
        return (t.hasPrefix("text/") && !t.hasPrefix("text/event-stream")) || t.hasPrefix("application/json")
            || t.hasPrefix("application/javascript") || t.hasPrefix("application/xml")
            || t.hasPrefix("application/atom+xml") || t.hasPrefix("application/rss+xml")
            || t.hasSuffix("+json") || t.hasSuffix("+xml")
    }

    /// event_loop.rs:1753-1773: appended once (any case), to an existing Vary or as a new field.
    static func addVary(_ headers: inout [HTTPField]) {
        if let k = index(of: "vary", in: headers) {
            let existing = headers[k].value
            let has = existing.split(separator: ",").contains { $0.trimmingSpaces.lowercased() == "accept-encoding" }
            if !has {
                headers[k].value = existing.trimmingSpaces.isEmpty ? "Accept-Encoding" : existing + ", Accept-Encoding"
            }
        } else {
            headers.append(HTTPField("Vary", "Accept-Encoding"))
        }
    }

    /// Sets `name` (exact spelling, as Rust's HashMap::insert does), replacing a field of that exact name.
    static func set(_ headers: inout [HTTPField], _ name: String, _ value: String) {
        if let k = headers.firstIndex(where: { $0.name == name }) { headers[k].value = value } else { headers.append(HTTPField(name, value)) }
    }

    static func index(of lowerName: String, in headers: [HTTPField]) -> Int? {
        headers.firstIndex { $0.name.lowercased() == lowerName }
    }

    /// The first field named `lowerName` (any case), as text.
    static func header(_ lowerName: String, in request: Request) -> String? {
        guard let f = request.headers.first(where: { nameIs(request.name(of: $0), lowerName) }) else { return nil }
        return String(decoding: request.value(of: f), as: UTF8.self)
    }

    static func nameIs(_ bytes: ArraySlice<UInt8>, _ lower: String) -> Bool {
        bytes.count == lower.utf8.count && zip(bytes, lower.utf8).allSatisfy { ($0 >= 65 && $0 <= 90 ? $0 + 32 : $0) == $1 }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
