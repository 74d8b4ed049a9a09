import RoverSystem
import RoverCoding
import Foundation
@testable import RoverEngine
import RoverKinds
import RoverLua
import RoverStrategies
import Testing

/// The Rover-defaults profile (`RoverDefaults`): security headers, compression, CORS and the
/// request id, as Rover's code at 6e77dd3 does them, under every context builder; and the seed
/// profile adds none of it.
@Suite struct RoverDefaultsTests {
    static let big = String(repeating: "rover ", count: 300)  // 1800 bytes of text: over the 1024 threshold

    static func app(_ config: String = "", extra: String = "") -> String {
        """
        local api = rover.server { \(config) }
        hits = 0
        function api.before.count(ctx) hits = hits + 1 end
        function api.small.get(ctx) return { ok = true } end
        function api.big.get(ctx) return { text = "\(big)" } end
        function api.hits.get(ctx) return { hits = hits } end
        function api.id.get(ctx) return { id = ctx:request_id() } end
        function api.frame.get(ctx)
          return api.json { headers = { ["x-frame-options"] = ctx:query().v, ["Referrer-Policy"] = "unsafe-url" }, ok = true }
        end
        function api.items.options(ctx) error("the preflight must be answered before any Lua runs") end
        function api.items.get(ctx) return { items = true } end
        \(extra)
        return api
        """
    }

    static func engine(_ config: String = "", profile: ResponseProfile = .roverDefaults, context: ContextKind = .lazy) throws -> Engine {
        try Engine(appPath: try writeApp(app(config)), builder: context.makeBuilder(), profile: profile)
    }

    static func header(_ r: Response, _ name: String) -> String? {
        r.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    // MARK: Security headers

    @Test(arguments: ContextKind.allCases)
    func securityHeadersAreOnByDefault(context: ContextKind) throws {
        let e = try Self.engine(context: context)
        for target in ["/small", "/big", "/nowhere"] {
            let r = get(e, target)
            #expect(Self.header(r, "X-Content-Type-Options") == "nosniff", "\(target)")
            #expect(Self.header(r, "X-Frame-Options") == "DENY", "\(target)")
            #expect(Self.header(r, "Referrer-Policy") == "strict-origin-when-cross-origin", "\(target)")
        }
    }

    @Test func securityHeadersOff() throws {
        for config in ["security_headers = false, allow_insecure_security_header_overrides = true",
                       "security_headers = false, strict_mode = false"] {
            let r = get(try Self.engine(config), "/small")
            #expect(r.status == 200)
            #expect(Self.header(r, "X-Content-Type-Options") == nil, "\(config)")
            #expect(Self.header(r, "X-Frame-Options") == nil, "\(config)")
            #expect(Self.header(r, "Referrer-Policy") == nil, "\(config)")
        }
    }

    /// Rover's strict mode (on by default) refuses to start with security_headers = false alone.
    @Test func securityHeadersOffAloneIsRefusedAsRoverDoes() throws {
        let path = try writeApp(Self.app("security_headers = false"))
        #expect {
            _ = try Engine(appPath: path, builder: ContextKind.lazy.makeBuilder(), profile: .roverDefaults)
        } throws: { e in
            "\(e)".contains("app.lua:1: strict_mode requires security_headers=true")
        }
        let wrongType = try writeApp(Self.app("security_headers = 'no'"))
        #expect(throws: EngineError.self) { _ = try Engine(appPath: wrongType, builder: ContextKind.lazy.makeBuilder(), profile: .roverDefaults) }
    }

    /// A value the handler set is kept when safe, replaced when not (event_loop.rs:1623-1664).
    @Test func handlerSecurityHeaderOverrides() throws {
        let e = try Self.engine()
        let safe = get(e, "/frame?v=SAMEORIGIN")
        #expect(Self.header(safe, "x-frame-options") == "SAMEORIGIN")
        #expect(safe.headers.filter { $0.name.lowercased() == "x-frame-options" }.count == 1)
        #expect(Self.header(safe, "Referrer-Policy") == "strict-origin-when-cross-origin")  // unsafe-url replaced
        let unsafe = get(e, "/frame?v=ALLOWALL")
        #expect(Self.header(unsafe, "x-frame-options") == "DENY")
        let insecure = try Self.engine("allow_insecure_security_header_overrides = true")
        #expect(Self.header(get(insecure, "/frame?v=ALLOWALL"), "x-frame-options") == "ALLOWALL")
    }

    @Test(arguments: ContextKind.allCases)
    func theSeedProfileAddsNothing(context: ContextKind) throws {
        let e = try Self.engine(profile: .seed, context: context)
        let r = get(e, "/big", headers: [("Accept-Encoding", "gzip")])
        #expect(r.headers.isEmpty)
        #expect(r.text == #"{"text":"\#(Self.big)"}"#)
        let pre = e.handle(Request(method: .options, target: "/items", headers: [("Origin", "https://a.example"),
                                                                                  ("Access-Control-Request-Method", "GET")]))
        #expect(pre.status == 500)  // no CORS configured, no profile: the handler ran (and raised)
        let s = e.counters.snapshot()
        #expect(s.compressions == 0 && s.corsPreflights == 0 && s.requestIDsGenerated == 0 && s.requestIDsExtracted == 0)
    }

    /// The profile's keys would be ignored under the seed profile: refused, naming key, file and line.
    @Test func theSeedProfileRefusesTheProfileKeys() throws {
        for key in ["security_headers = true", "cors_origin = '*'", "compress = {}", "cors_credentials = true"] {
            let path = try writeApp("local api = rover.server {\n  \(key),\n}\nfunction api.a.get() return {} end\nreturn api\n")
            #expect {
                _ = try Engine(appPath: path, builder: ContextKind.lazy.makeBuilder(), profile: .seed)
            } throws: { e in
                let text = "\(e)"
                return text.contains("app.lua:2: rover.server{ \(key.split(separator: " ")[0]) = ... }") && text.contains("rover-defaults")
            }
        }
    }

    // MARK: Compression

    @Test(arguments: ContextKind.allCases)
    func gzipWhenAskedDecompressesToTheSameBody(context: ContextKind) throws {
        let e = try Self.engine(context: context)
        let plain = get(e, "/big")
        #expect(Self.header(plain, "Content-Encoding") == nil)
        #expect(Self.header(plain, "Vary") == "Accept-Encoding")  // compressible, no coding asked: Rover adds Vary
        let r = get(e, "/big", headers: [("Accept-Encoding", "gzip, deflate")])
        #expect(Self.header(r, "Content-Encoding") == "gzip")
        #expect(Self.header(r, "Vary") == "Accept-Encoding")
        #expect(Self.header(r, "ETag")?.hasPrefix("\"") == true)
        #expect(r.body.count < plain.body.count)
        #expect(r.body.prefix(2) == [0x1f, 0x8b])
        #expect(ContentCoding.gzip.decompress(r.body) == plain.body)
        let s = e.counters.snapshot()
        #expect(s.compressions == 1 && s.compressedAnswers == 1)
        #expect(s.compressionInputBytes == UInt64(plain.body.count) && s.compressionOutputBytes == UInt64(r.body.count))
    }

    @Test func deflateIsRawDeflateAsRoverSendsIt() throws {
        let e = try Self.engine()
        let plain = get(e, "/big")
        let r = get(e, "/big", headers: [("accept-encoding", "gzip;q=0.5, deflate;q=0.9")])
        #expect(Self.header(r, "Content-Encoding") == "deflate")
        #expect(ContentCoding.deflate.decompress(r.body) == plain.body)
        #expect(ContentCoding.gzip.decompress(r.body) == nil)
        let only = try Self.engine("compress = { algorithms = { 'deflate' } }")
        #expect(Self.header(get(only, "/big", headers: [("Accept-Encoding", "gzip, deflate")]), "Content-Encoding") == "deflate")
        #expect(Self.header(get(only, "/big", headers: [("Accept-Encoding", "gzip")]), "Content-Encoding") == nil)
    }

    @Test func compressionRefused() throws {
        let e = try Self.engine()
        let plain = get(e, "/big")
        for ae in ["identity", "br", ""] {
            let r = get(e, "/big", headers: [("Accept-Encoding", ae)])
            #expect(Self.header(r, "Content-Encoding") == nil, "\(ae)")
            #expect(r.body == plain.body, "\(ae)")
            #expect(Self.header(r, "Vary") == "Accept-Encoding", "\(ae)")
        }
        // Below the 1024-byte threshold: not compressed, and (Rover's code) no Vary when a coding was negotiated.
        let small = get(e, "/small", headers: [("Accept-Encoding", "gzip")])
        #expect(Self.header(small, "Content-Encoding") == nil)
        #expect(Self.header(small, "Vary") == nil)
        #expect(small.text == #"{"ok":true}"#)
        // HEAD: Rover's body is empty, nothing to compress.
        let head = e.handle(Request(method: .head, target: "/big", headers: [("Accept-Encoding", "gzip")]))
        #expect(Self.header(head, "Content-Encoding") == nil)
        #expect(e.counters.snapshot().compressions == 0)
        // compress.min_size and compress.enabled are parsed and not applied, as in Rover.
        let ignored = try Self.engine("compress = { enabled = false, min_size = 1 }")
        #expect(Self.header(get(ignored, "/big", headers: [("Accept-Encoding", "gzip")]), "Content-Encoding") == "gzip")
        #expect(Self.header(get(ignored, "/small", headers: [("Accept-Encoding", "gzip")]), "Content-Encoding") == nil)
    }

    /// q=0 is still chosen: Rover's code (and its test should_accept_zero_quality_as_valid_encoding).
    @Test func zeroQualityStillCompressesAsRoverDoes() throws {
        let e = try Self.engine()
        #expect(Self.header(get(e, "/big", headers: [("Accept-Encoding", "gzip;q=0")]), "Content-Encoding") == "gzip")
    }

    /// The ETag of a compressed answer: SipHash-1-3 with a zero key over le64(length) and the
    /// bytes (Rust's `DefaultHasher` on a byte slice). Expected values from Python 3.11, whose
    /// bytes hash is the same SipHash-1-3 with a zero key under PYTHONHASHSEED=0:
    /// `hash(struct.pack('<Q', len(s)) + s)`, as unsigned.
    @Test func etagHashMatchesSipHash13() {
        let cases: [(String, Int64)] = [("", -4800647303603446203), ("a", -4703545009593689932),
                                        ("hello world", -8904303266545861736),
                                        ("0123456789abcdef0123456789", -5021865206453704930)]
        for (text, signed) in cases {
            #expect(ContentCoding.etag(of: Array(text.utf8)) == "\"\(UInt64(bitPattern: signed))\"", "\(text)")
        }
    }

    @Test func negotiation() {
        let both: [ContentCoding] = [.gzip, .deflate]
        let cases: [(String, ContentCoding?)] = [
            ("gzip", .gzip), ("deflate", .deflate), ("*", .gzip), ("gzip;q=0.5, deflate;q=0.9", .deflate),
            ("gzip, deflate;q=0.5", .gzip), ("GZIP", .gzip), ("x-gzip", .gzip), ("identity", nil), ("", nil),
            ("gzip;q=0", .gzip), ("deflate;q=0.8, gzip;q=0.8", .gzip), ("gzip;q=abc, deflate;q=0.9", .gzip),
            ("br, *;q=0.3", .gzip), (" deflate ", .deflate),
        ]
        for (header, expected) in cases {
            #expect(ContentCoding.negotiate(Array(header.utf8), configured: both) == expected, "\(header)")
        }
        #expect(ContentCoding.negotiate(Array("*".utf8), configured: [.deflate, .gzip]) == .deflate)
        #expect(ContentCoding.negotiate(Array("gzip".utf8), configured: []) == nil)
    }

    @Test func badCompressConfigIsRefusedAsRoverDoes() throws {
        for (config, message) in [("compress = { algorithms = { 'brotli' } }", "compress.algorithms contains unsupported value 'brotli'"),
                                  ("compress = 1", "compress should be a table"),
                                  ("compress = { algorithms = {} }", "compress.algorithms should not be empty"),
                                  ("compress = { min_size = -1 }", "compress.min_size should be >= 0")] {
            let path = try writeApp(Self.app(config))
            #expect {
                _ = try Engine(appPath: path, builder: ContextKind.lazy.makeBuilder(), profile: .roverDefaults)
            } throws: { e in "\(e)".contains(message) }
        }
    }

    // MARK: CORS

    @Test(arguments: ContextKind.allCases)
    func preflightIsAnsweredWithoutRunningLua(context: ContextKind) throws {
        let e = try Self.engine("cors_origin = '*', cors_methods = 'GET, POST', cors_credentials = true, allow_wildcard_cors_credentials = true",
                                context: context)
        let pre = e.handle(Request(method: .options, target: "/items", headers: [
            ("Origin", "https://a.example"), ("Access-Control-Request-Method", "POST")]))
        #expect(pre.status == 204)
        #expect(pre.body.isEmpty)
        #expect(Self.header(pre, "Access-Control-Allow-Origin") == "*")
        #expect(Self.header(pre, "Access-Control-Allow-Methods") == "GET, POST")
        #expect(Self.header(pre, "Access-Control-Allow-Headers") == "Content-Type, Authorization")
        #expect(Self.header(pre, "Access-Control-Allow-Credentials") == "true")
        #expect(Self.header(pre, "X-Frame-Options") == "DENY")
        // Not even the global before-hook ran: its counter is still 0 at the next request.
        #expect(get(e, "/hits").text == #"{"hits":1}"#)
        #expect(e.counters.snapshot().corsPreflights == 1)
        #expect(e.counters.snapshot().luaErrors == 0)
        // Without Access-Control-Request-Method it is an ordinary OPTIONS: the handler runs (and raises).
        let plain = e.handle(Request(method: .options, target: "/items", headers: [("Origin", "https://a.example")]))
        #expect(plain.status == 500)
    }

    @Test func corsHeadersOnHandlerAnswers() throws {
        let e = try Self.engine("cors_origin = 'https://app.example'")
        let r = get(e, "/items", headers: [("Origin", "https://other.example")])
        #expect(Self.header(r, "Access-Control-Allow-Origin") == "https://other.example")  // Rover echoes the request's Origin
        #expect(Self.header(r, "Access-Control-Allow-Credentials") == nil)
        #expect(Self.header(get(e, "/items"), "Access-Control-Allow-Origin") == nil)  // no Origin, no CORS header
        #expect(Self.header(get(e, "/nowhere", headers: [("Origin", "x")]), "Access-Control-Allow-Origin") == nil)  // 404: no handler ran
        let pre = e.handle(Request(method: .options, target: "/anything", headers: [
            ("origin", "https://b.example"), ("access-control-request-method", "GET")]))
        #expect(pre.status == 204 && Self.header(pre, "Access-Control-Allow-Origin") == "https://b.example")
        // No cors_origin: no preflight answer, no CORS headers.
        let none = try Self.engine()
        #expect(Self.header(get(none, "/items", headers: [("Origin", "x")]), "Access-Control-Allow-Origin") == nil)
        #expect(none.handle(Request(method: .options, target: "/items", headers: [("Origin", "x"), ("Access-Control-Request-Method", "GET")])).status == 500)
        // Rover's strict mode refuses '*' with credentials unless allowed.
        let path = try writeApp(Self.app("cors_origin = '*', cors_credentials = true"))
        #expect {
            _ = try Engine(appPath: path, builder: ContextKind.lazy.makeBuilder(), profile: .roverDefaults)
        } throws: { e in "\(e)".contains("strict_mode blocks cors_origin='*' with cors_credentials=true") }
    }

    // MARK: Request id

    @Test(arguments: ContextKind.allCases)
    func requestIDExtractedOrGenerated(context: ContextKind) throws {
        let e = try Self.engine(context: context)
        #expect(get(e, "/id", headers: [("X-Request-ID", "abc-123")]).text == #"{"id":"abc-123"}"#)
        let generated = get(e, "/id").text
        let id = try #require(generated.split(separator: "\"").dropFirst(3).first)
        #expect(!id.isEmpty && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(get(e, "/id", headers: [("x-request-id", "")]).text != #"{"id":""}"#)  // empty: generated
        _ = get(e, "/small")  // staged for every routed request, read or not
        _ = get(e, "/nowhere")  // not for a 404
        let s = e.counters.snapshot()
        #expect(s.requestIDsExtracted == 1)
        #expect(s.requestIDsGenerated == 3)
    }

    // MARK: Keys Rover parses and never applies

    @Test(arguments: [ResponseProfile.seed, .roverDefaults])
    func noOpKeysAreAccepted(profile: ResponseProfile) throws {
        let config = "rate_limit = { enabled = true, global = { requests_per_window = 1, window_secs = 60 } }, load_shed = { max_inflight = 1 }, https_redirect = false, allow_insecure_http = true"
        let e = try Self.engine(config, profile: profile)
        for _ in 0..<3 { #expect(get(e, "/small").status == 200) }  // a rate limit of 1 would refuse the second
        for bad in ["rate_limit = 'x'", "load_shed = 'x'", "https_redirect = 1"] {
            let path = try writeApp(Self.app(bad))
            #expect(throws: EngineError.self) { _ = try Engine(appPath: path, builder: ContextKind.lazy.makeBuilder(), profile: profile) }
        }
    }

    @Test func otherKeysStayRefused() throws {
        for key in ["tls = {}", "http2 = true", "management_token = 'x'", "trusted_proxies = {}", "readiness = {}",
                    "cors_origin = '*', tls = {}", "rate_limit = true, http2 = true"] {
            let path = try writeApp("local api = rover.server { \(key) }\nfunction api.a.get() return {} end\nreturn api\n")
            #expect {
                _ = try Engine(appPath: path, builder: ContextKind.lazy.makeBuilder(), profile: .roverDefaults)
            } throws: { e in "\(e)".contains("app.lua:1:") && "\(e)".contains("is not supported by rover-bench") }
        }
    }
}

/// `api.on_error`, Rover's error handler (rover-server/src/http_task.rs:987-1040), under every builder.
@Suite struct ErrorHandlerTests {
    static let app = """
    local api = rover.server {}
    function api.on_error(err)
      if err.message:find("plain", 1, true) then return { not_a_response = true } end
      if err.message:find("twice", 1, true) then error("the handler fails too") end
      return api.json:status(err.status, { message = err.message, path = err.path, code = err.code })
    end
    function api.boom.get(ctx) error("Database connection failed") end
    function api.missing.get(ctx) error("user not found") end
    function api.bad.get(ctx) error("name is required") end
    function api.plain.get(ctx) error("plain failure") end
    function api.twice.get(ctx) error("twice") end
    function api.ok.get(ctx) return { ok = true } end
    return api
    """

    @Test(arguments: ContextKind.allCases)
    func errorsGoThroughTheHandler(context: ContextKind) throws {
        let e = try Engine(appPath: try writeApp(Self.app), builder: context.makeBuilder())
        let boom = get(e, "/boom")
        #expect(boom.status == 500)
        #expect(boom.text.hasPrefix(#"{"code":"ERROR","message":""#) && boom.text.hasSuffix(#"app.lua:7: Database connection failed","path":"/boom"}"#), "\(boom.text)")
        #expect(get(e, "/missing").status == 404)
        #expect(get(e, "/bad").status == 400)
        #expect(get(e, "/ok").text == #"{"ok":true}"#)
        // Not a response, or the handler raises: answered as without a handler.
        let plain = get(e, "/plain")
        #expect(plain.status == 500 && plain.text.contains("plain failure") && !plain.text.contains("not_a_response"))
        let twice = get(e, "/twice")
        #expect(twice.status == 500 && twice.text.contains("app.lua:11: twice"))
    }

    @Test func onErrorOnlyAtTheRoot() throws {
        let path = try writeApp("local api = rover.server {}\nfunction api.users.on_error(e) end\nfunction api.users.get() return {} end\nreturn api\n")
        #expect(throws: EngineError.self) { _ = try Engine(appPath: path, builder: ContextKind.lazy.makeBuilder()) }
    }
}
