@testable import RoverEngine
import RoverLua
import RoverStrategies
import RoverKinds
import Testing

/// Rover features rover-bench does not implement are refused at load, naming the feature and the
/// file:line where the app uses it — also when the use is inside a handler. Never ignored.
@Suite struct RefusalTests {
    /// (code placed on line 3 of an otherwise valid app, what the message must say)
    @Test(arguments: [
        ("function api.chat.ws(ws) end", "WebSocket routes (api.chat.ws)"),
        ("api.assets.static { dir = 'public' }", "static mounts (api.assets.static {...})"),
        ("function api.s.get(ctx) return api.stream(200, 'text/plain', function() end) end", "streaming responses (api.stream)"),
        ("function api.s.get(ctx) return api.stream_with_headers(200, 'x', {}, function() end) end", "api.stream_with_headers"),
        ("function api.e.get(ctx) return api.sse(function() end) end", "server-sent events (api.sse)"),
        ("function api.i.post(ctx) return api.idempotent(ctx, function() end) end", "idempotency keys (api.idempotent)"),
        ("function api.h.get(ctx) return api.html({ x = 1 }) [[<p>{{ x }}</p>]] end", "HTML templates (api.html(data) [[template]])"),
        ("function api.d.get(ctx) local db = rover.db.connect() return {} end", "rover.db"),
        ("function api.d.get(ctx) return { s = rover.session.new() } end", "rover.session"),
        ("function api.d.get(ctx) return { e = rover.env.HOME } end", "rover.env"),
        ("function api.d.get(ctx) return rover.http.get('http://x') end", "rover.http"),
        ("function api.d.post(ctx) return { v = rover.guard:email() } end", "rover.guard.email"),
        ("local g = rover.guard local e = g:uuid()", "rover.guard.uuid"),
        ("function api.d.get(ctx) return { c = ctx:cookies() } end", "ctx:cookies()"),
        ("function api.d.get(ctx) return { ip = ctx.client_ip } end", "ctx.client_ip"),
        ("function api.users.on_error(err, ctx) end", "api.users.on_error is a function, but `on_error` is not an HTTP method"),
        ("function api.json.post(ctx) end", "`json` is a response builder, not a path segment"),
        ("function api.config.get(ctx) end", "`config` is the server's config table in Rover, not a path segment"),
        ("function api.stream.chunks.get(ctx) end", "api.stream.chunks: `stream` is Rover's streaming responses (api.stream), not a path segment"),
    ] as [(String, String)])
    func refusedAtLoadNamingFeatureAndLine(code: String, feature: String) throws {
        let path = try writeApp("local api = rover.server {}\nfunction api.ok.get(ctx) return 'ok' end\n\(code)\nreturn api\n")
        do {
            _ = try Engine(appPath: path, builder: EagerContext())
            Issue.record("\(code): loaded")
        } catch {
            #expect(error.kind == .unsupported || error.kind == .loadFailed, "\(code): \(error)")
            #expect(error.message.hasPrefix("\(path):3: "), "\(code): \(error.message)")
            #expect(error.message.contains(feature), "\(code): \(error.message)")
            #expect(error.message.contains("not supported") || error.message.contains("not an HTTP method")
                    || error.message.contains("not a path segment"), "\(code): \(error.message)")
        }
    }

    @Test(arguments: [
        ("tls = {}", "tls"),
        ("http2 = true", "http2"),
        ("trusted_proxies = {}", "trusted_proxies"),
        ("readiness = {}", "readiness"),
        ("idempotency = {}", "idempotency"),
    ] as [(String, String)])
    func serverConfigThatChangesTheWorkIsRefused(config: String, key: String) throws {
        let path = try writeApp("-- app\nlocal api = rover.server { port = 3000, \(config) }\nfunction api.get() return 1 end\nreturn api\n")
        for profile in ResponseProfile.allCases {
            #expect {
                _ = try Engine(appPath: path, builder: EagerContext(), profile: profile)
            } throws: { error in
                guard let e = error as? EngineError else { return false }
                return e.message.hasPrefix("\(path):2: ") && e.message.contains("rover.server{ \(key) = ... } is not supported")
            }
        }
    }

    /// The Rover-defaults profile's keys are refused under the seed profile (they would be
    /// ignored), naming the key, the file and the line, and the profile that applies them.
    @Test(arguments: [
        ("compress = { enabled = true }", "compress"),
        ("cors_origin = '*'", "cors_origin"),
        ("security_headers = true", "security_headers"),
    ] as [(String, String)])
    func profileKeysNeedTheProfile(config: String, key: String) throws {
        let path = try writeApp("-- app\nlocal api = rover.server { port = 3000, \(config) }\nfunction api.get() return 1 end\nreturn api\n")
        #expect {
            _ = try Engine(appPath: path, builder: EagerContext())
        } throws: { error in
            guard let e = error as? EngineError else { return false }
            return e.message.hasPrefix("\(path):2: ") && e.message.contains("rover.server{ \(key) = ... } configures Rover's per-request defaults")
        }
        _ = try Engine(appPath: path, builder: EagerContext(), profile: .roverDefaults)
    }

    @Test func harmlessConfigLoadsAndBodySizeLimitIsHonoured() throws {
        let e = try makeEngine("""
        local api = rover.server { host = "0.0.0.0", port = 3000, log_level = "debug", docs = true, body_size_limit = 4 }
        function api.b.post(ctx) return ctx:body() end
        function api.c.get(ctx) return { port = api.config.port, limit = api.config.body_size_limit } end
        return api
        """)
        #expect(get(e, "/c").text == #"{"limit":4,"port":3000}"#)  // as Rover: api.config is the config
        #expect(e.handle(Request(method: .post, target: "/b", body: Array("1234".utf8))).text == "1234")
        let big = e.handle(Request(method: .post, target: "/b", body: Array("12345".utf8)))
        #expect(big.status == 413)
        #expect(big.text == #"{"error":"Request body too large: 5 bytes exceeds limit of 4 bytes"}"#)
        let unlimited = try makeEngine("""
        local api = rover.server { body_size_limit = 0, strict_mode = false, allow_unbounded_body = true }
        function api.b.post(ctx) return #ctx:body() end
        return api
        """)
        #expect(unlimited.handle(Request(method: .post, target: "/b", body: Array(repeating: 1, count: 5000))).text == "5000")
    }

    /// Lines are counted through multi-line comments and strings.
    @Test func lineIsRightAfterLongCommentsAndStrings() throws {
        let source = "local api = rover.server {}\n--[[ one\ntwo ]] local s = [==[\nthree\n]==] .. 'a\\\nb'\nfunction api.e.get(ctx) return api.sse(function() end) end\nreturn api\n"
        #expect(AppScanner.firstRefusal(in: Array(source.utf8))?.line == 7)  // as Lua counts: the escaped newline too
    }

    @Test func commentsAndStringsAreNotUses() throws {
        let e = try makeEngine("""
        -- rover.db is not used here; --[[ api.stream(...) ]] neither
        local api = rover.server {}
        --[==[ rover.session.new() ]==]
        function api.t.get(ctx) return { s = "rover.env and api.sse", l = [[ctx:cookies()]] } end
        return api
        """)
        #expect(get(e, "/t").status == 200)
    }
}

/// On LuaJIT, Lua 5.3/5.4 syntax and library functions are refused at load, naming the line and
/// what LuaJIT lacks (instead of a parse error near a symbol, or a nil call per request).
@Suite struct LuaJITRefusalTests {
    @Test(arguments: [
        ("local n = 7 // 2", "integer division `//`"),
        ("local n = 1 << 4", "shift operators"),
        ("local n = 5 & 3", "bitwise operator `&`"),
        ("local n = ~5", "bitwise operator `~`"),
        ("local x <const> = 1", "attribute <const>"),
        ("local a, b = table.unpack({1, 2})", "table.unpack"),
        ("local t = math.type(1)", "math.type"),
        ("local s = utf8.char(72)", "utf8 library"),
    ])
    func lua54OnlyCodeIsRefusedWithItsLine(code: String, says: String) throws {
        let source = "local api = rover.server {}\nfunction api.get(ctx)\n  \(code)\n  return {}\nend\nreturn api\n"
        let refusal = try #require(AppScanner.firstLuaJITRefusal(in: Array(source.utf8)))
        #expect(refusal.line == 3)
        #expect(refusal.message.contains(says), "\(refusal.message)")
    }

    @Test func lua51CodeIsAccepted() {
        let source = "local api = rover.server {}\nfunction api.get(ctx)\n  local a = 7 / 2; local b = a ~= 3 and #ctx:params() or unpack({1})\n  return { a = a, b = b }\nend\nreturn api\n"
        #expect(AppScanner.firstLuaJITRefusal(in: Array(source.utf8)) == nil)
    }
}
