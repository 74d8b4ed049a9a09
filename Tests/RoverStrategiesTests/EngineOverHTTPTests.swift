import RoverSystem
import RoverCoding
import RoverScenarios
import RoverTestSupport
import Foundation
import RoverEngine
import RoverStrategies
import Testing
import RoverKinds

/// The real engine behind every context builder × dispatcher pair, over real sockets.
@Suite(.serialized) struct EngineOverHTTPTests {
    static let scenariosRoot = Repository.scenarios

    static let pairs: [(ContextKind, DispatcherKind)] = ContextKind.allCases.flatMap { c in
        DispatcherKind.allCases.map { (c, $0) }
    }

    static func withServer(app: String, _ context: ContextKind, _ dispatcher: DispatcherKind,
                           profile: ResponseProfile = .seed,
                           _ body: (RoverServer) async throws -> Void) async throws {
        let builder = context.makeBuilder()
        let factory: HandlerFactory = { try Engine(appPath: app, builder: builder, profile: profile) }
        let server = try await RoverServer.start(eventLoopThreads: 2) { group in
            try dispatcher.make(workers: 2, group: group, factory: factory)
        }
        do { try await body(server) } catch { await server.stop(); throw error }
        await server.stop()
    }

    static func wire(_ s: Scenario) -> String {
        var text = "\(s.method) \(s.path) HTTP/1.1\r\nHost: t\r\n"
        for (k, v) in s.headers.sorted(by: { $0.key < $1.key }) { text += "\(k): \(v)\r\n" }
        if let body = s.body { text += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)" } else { text += "\r\n" }
        return text
    }

    /// Every scenario answers the same bytes (status, headers, body) under every pair, and the
    /// answer is the one its scenario.json expects (under the scenario's profile; a compressed
    /// answer decompresses to `expect_body` and is the bytes the scenario expects on the wire).
    @Test func scenariosAnswerIdenticallyUnderEveryPair() async throws {
        let scenarios = try Scenario.catalog(root: Self.scenariosRoot)
        for s in scenarios {
            var answers: [String: String] = [:]
            for (c, d) in Self.pairs {
                try await Self.withServer(app: s.appPath, c, d, profile: s.profile) { server in
                    let client = try BlockingHTTPClient(port: server.port)
                    try client.send(Self.wire(s) + Self.wire(s))  // pipelined twice
                    for _ in 0..<2 {
                        let r = try #require(try client.readResponse())
                        #expect(r.status == s.expectStatus, "\(s.name) \(c) \(d)")
                        #expect(s.decodedBody(r.body) == s.expectBody, "\(s.name) \(c) \(d)")
                        #expect(r.body == s.expectedWireBody, "\(s.name) \(c) \(d)")
                        answers["\(c)/\(d)"] = "\(r.status)|\(r.headers.map { "\($0.name): \($0.value)" })|\(r.body)"
                    }
                }
            }
            #expect(Set(answers.values).count == 1, "\(s.name): \(answers)")
        }
    }

    /// The validation scenarios' apps given bodies that fail: Rover's 400 `{"errors":[…]}`, the
    /// same bytes (status, headers, body) under every pair, and the VM answers the valid body next.
    @Test func validationErrorsAnswerIdenticallyUnderEveryPair() async throws {
        let scenarios = try Scenario.catalog(root: Self.scenariosRoot)
        let expect = try #require(scenarios.first { $0.name == "body-expect" })
        let guarded = try #require(scenarios.first { $0.name == "guard-schema" })
        func errors(_ list: [(String, String, String)]) -> String {
            #"{"errors":["# + list.map { #"{"field":"\#($0.0)","message":"\#($0.1)","type":"\#($0.2)"}"# }
                .joined(separator: ",") + "]}"
        }
        let cases: [(Scenario, String, String)] = [
            (expect, #"{"name":"Ada","age":"x"}"#, errors([
                ("address", "Field 'address' is required", "required"), ("admin", "Field 'admin' is required", "required"),
                ("age", "Must be an integer, got string", "type"), ("email", "Field 'email' is required", "required"),
                ("role", "Field 'role' is required", "required"), ("score", "Field 'score' is required", "required"),
                ("tags", "Field 'tags' is required", "required")])),
            (guarded, #"{"qty":"3","size":"XL","lines":[{"sku":"A1"}]}"#, errors([
                ("item", "Field 'item' is required", "required"), ("lines[1].n", "Field 'lines[1].n' is required", "required"),
                ("qty", "Must be an integer, got string", "type"), ("size", "Must be one of: S, M, L. Got: 'XL'", "enum")])),
        ]
        for (s, bad, expected) in cases {
            var failing = s
            failing.body = bad
            var answers: [String: String] = [:]
            for (c, d) in Self.pairs {
                try await Self.withServer(app: s.appPath, c, d) { server in
                    let client = try BlockingHTTPClient(port: server.port)
                    try client.send(Self.wire(failing) + Self.wire(s))
                    let r = try #require(try client.readResponse())
                    #expect(r.status == 400, "\(s.name) \(c) \(d)")
                    #expect(r.text == expected, "\(s.name) \(c) \(d)")
                    let ok = try #require(try client.readResponse())
                    #expect(ok.status == s.expectStatus && ok.text == s.expectBody, "\(s.name) \(c) \(d)")
                    answers["\(c)/\(d)"] = "\(r.status)|\(r.headers.map { "\($0.name): \($0.value)" })|\(r.text)"
                }
            }
            #expect(Set(answers.values).count == 1, "\(s.name): \(answers)")
        }
    }

    /// The Rover-defaults profile over real sockets under every pair: a CORS preflight answered
    /// without Lua (the OPTIONS handler would raise), a gzip answer that decompresses to the plain
    /// one, CORS and security headers, an extracted request id — byte-identical everywhere.
    @Test func roverDefaultsOverHTTP() async throws {
        let app = FileManager.default.temporaryDirectory.appendingPathComponent("rd-\(UUID().uuidString).lua").path
        try """
        local api = rover.server { cors_origin = "https://app.example", compress = { algorithms = { "gzip", "deflate" } } }
        function api.items.options(ctx) error("a preflight must not run Lua") end
        function api.items.get(ctx)
          local rows = {}
          for i = 1, 40 do rows[i] = { id = i, name = "item " .. i } end
          return { rows = rows, id = ctx:request_id() }
        end
        return api
        """.write(toFile: app, atomically: true, encoding: .utf8)
        let preflight = "OPTIONS /items HTTP/1.1\r\nHost: t\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: GET\r\n\r\n"
        let gzip = "GET /items HTTP/1.1\r\nHost: t\r\nOrigin: https://app.example\r\nAccept-Encoding: gzip\r\nX-Request-Id: r-1\r\n\r\n"
        let plain = "GET /items HTTP/1.1\r\nHost: t\r\nX-Request-Id: r-1\r\n\r\n"
        var answers: [String: String] = [:]
        for (c, d) in Self.pairs {
            try await Self.withServer(app: app, c, d, profile: .roverDefaults) { server in
                let client = try BlockingHTTPClient(port: server.port)
                try client.send(preflight + gzip + plain)
                let pre = try #require(try client.readResponse())
                #expect(pre.status == 204, "\(c) \(d)")
                #expect(pre.headers.contains { $0.name == "Access-Control-Allow-Origin" && $0.value == "https://app.example" })
                let packed = try #require(try client.readResponse())
                let unpacked = try #require(try client.readResponse())
                #expect(packed.headers.contains { $0.name == "Content-Encoding" && $0.value == "gzip" }, "\(c) \(d)")
                #expect(packed.headers.contains { $0.name == "X-Frame-Options" && $0.value == "DENY" })
                #expect(!unpacked.headers.contains { $0.name == "Content-Encoding" })
                #expect(ContentCoding.gzip.decompress(packed.body) == unpacked.body, "\(c) \(d)")
                #expect(unpacked.text.hasSuffix(#","id":"r-1"}"#) || unpacked.text.contains(#""id":"r-1""#), "\(c) \(d)")
                let counters = server.dispatcher.counters()
                #expect(counters.corsPreflights == 1 && counters.compressedAnswers == 1 && counters.luaErrors == 0, "\(c) \(d)")
                answers["\(c)/\(d)"] = [pre, packed, unpacked].map { "\($0.status)|\($0.headers.map { "\($0.name): \($0.value)" })|\($0.body)" }
                    .joined(separator: "\n")
            }
        }
        #expect(answers.count == Self.pairs.count)
        #expect(Set(answers.values).count == 1, "\(answers)")
    }

    /// Over real sockets under every pair: HEAD gets the GET answer's headers and no body, OPTIONS
    /// lists the methods, a scoped before-hook refuses without a header and lets the handler run
    /// with one — byte-identical everywhere.
    @Test func headOptionsAndMiddlewareOverHTTP() async throws {
        let app = FileManager.default.temporaryDirectory.appendingPathComponent("mw-\(UUID().uuidString).lua").path
        try """
        local api = rover.server {}
        function api.admin.before.auth(ctx)
          if not ctx:headers()["Authorization"] then return api:error(401, "Unauthorized") end
          ctx:set("who", ctx:headers().authorization)
        end
        function api.admin.p_id.get(ctx) return { id = ctx:params().id, who = ctx:get("who") } end
        return api
        """.write(toFile: app, atomically: true, encoding: .utf8)
        var answers: [String: String] = [:]
        for (c, d) in Self.pairs {
            try await Self.withServer(app: app, c, d) { server in
                let client = try BlockingHTTPClient(port: server.port)
                try client.send("HEAD /admin/7 HTTP/1.1\r\nAuthorization: t\r\n\r\n")
                let head = try #require(try client.readResponse(bodyless: true))
                #expect(head.status == 200)
                #expect(head.header("Content-Length") == "20")  // {"id":"7","who":"t"}
                #expect(head.body.isEmpty)
                try client.send("OPTIONS /admin/7 HTTP/1.1\r\n\r\nGET /admin/7 HTTP/1.1\r\n\r\nGET /admin/7 HTTP/1.1\r\nAuthorization: t\r\n\r\n")
                let options = try #require(try client.readResponse())
                #expect(options.status == 204)
                #expect(options.header("Allow") == "GET, HEAD, OPTIONS")
                let denied = try #require(try client.readResponse())
                #expect(denied.status == 401)
                let ok = try #require(try client.readResponse())
                #expect(ok.text == #"{"id":"7","who":"t"}"#)
                answers["\(c)/\(d)"] = [head, options, denied, ok]
                    .map { r in "\(r.status)|\(r.headers.map { "\($0.name): \($0.value)" })|\(r.text)" }.joined(separator: "\n")
            }
        }
        #expect(Set(answers.values).count == 1, "\(answers)")
    }

    /// 256 connections, some pipelining, each asking for its own id: every answer is its own.
    @Test(arguments: pairs)
    func concurrentRequestsGetTheirOwnAnswers(context: ContextKind, dispatcher: DispatcherKind) async throws {
        let app = FileManager.default.temporaryDirectory.appendingPathComponent("echo-\(UUID().uuidString).lua").path
        try """
        local api = rover.server {}
        function api.id.p_n.get(ctx) return { n = ctx:params().n, k = ctx:query().k } end
        function api.fail.p_n.get(ctx) error("fail " .. ctx:params().n) end
        return api
        """.write(toFile: app, atomically: true, encoding: .utf8)
        try await Self.withServer(app: app, context, dispatcher) { server in
            var clients: [BlockingHTTPClient] = []
            for c in 0..<256 {
                let client = try BlockingHTTPClient(port: server.port)
                var batch = ""
                for k in 0..<(1 + c % 3) {
                    batch += "GET /\((c + k) % 11 == 0 ? "fail" : "id")/\(c)?k=\(k) HTTP/1.1\r\nHost: t\r\n\r\n"
                }
                try client.send(batch)
                clients.append(client)
            }
            for (c, client) in clients.enumerated() {
                for k in 0..<(1 + c % 3) {
                    let r = try #require(try client.readResponse(), "connection \(c) lost response \(k)")
                    if (c + k) % 11 == 0 {
                        #expect(r.status == 500)
                        #expect(r.text.contains("fail \(c)"))
                    } else {
                        #expect(r.text == #"{"k":"\#(k)","n":"\#(c)"}"#)
                    }
                }
            }
            let counters = server.dispatcher.counters()
            let expected = (0..<256).reduce(0) { $0 + 1 + $1 % 3 }
            #expect(counters.requests == UInt64(expected))
            #expect(counters.handoffs == (dispatcher == .channel ? 2 * UInt64(expected) : 0))
            if dispatcher == .affine { #expect(counters.lockAcquisitions == 0) }
        }
    }
}
