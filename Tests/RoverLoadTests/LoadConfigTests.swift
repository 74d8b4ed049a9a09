import Testing
@testable import RoverLoad

/// Argument checking at the library level: every bad value gives a `LoadConfigError` whose
/// message names the option. (The CLI's exit code 64 is checked in `CLITests`.)
@Suite struct LoadConfigTests {
    static func config(_ url: String = "http://127.0.0.1:8080/x", edit: (inout LoadConfig) -> Void = { _ in }) throws -> LoadConfig {
        var c = LoadConfig(url: try TargetURL(url))
        edit(&c)
        return c
    }

    @Test func parsesURLs() throws {
        let u = try TargetURL("http://127.0.0.1:8080/users/1?x=2")
        #expect(u.host == "127.0.0.1" && u.port == 8080 && u.pathAndQuery == "/users/1?x=2")
        #expect(try TargetURL("http://localhost").pathAndQuery == "/")
        #expect(try TargetURL("http://[::1]:9/").host == "::1")
        #expect(try TargetURL("http://[::1]:9/").hostHeader == "[::1]:9")
    }

    @Test(arguments: ["127.0.0.1:8080", "https://127.0.0.1/", "http://", "http://:80/", "http://h:0/", "http://h:99999/",
                      "http://h/a b", "http://[::1/", "http://u@h/"])
    func rejectsMalformedURLs(_ text: String) {
        #expect(throws: LoadConfigError.self) { try TargetURL(text) }
    }

    @Test func parsesAndRejectsHeaders() throws {
        let h = try LoadConfig.parseHeader("X-Test:   a: b")
        #expect(h.0 == "X-Test" && h.1 == "a: b")
        for bad in ["NoColon", ": empty-name", "Bad Name: x", "X: a\r\nInjected: 1"] {
            #expect(throws: LoadConfigError.self) { try LoadConfig.parseHeader(bad) }
        }
    }

    @Test func validatesRangesAndCombinations() throws {
        func message(_ edit: @escaping (inout LoadConfig) -> Void) throws -> String? {
            do { try Self.config(edit: edit).validate(); return nil } catch let e as LoadConfigError { return e.description }
        }
        #expect(try message { $0.connections = 0 }?.hasPrefix("--connections") == true)
        #expect(try message { $0.threads = 0 }?.hasPrefix("--threads") == true)
        #expect(try message { $0.threads = 4; $0.connections = 2 }?.hasPrefix("--threads") == true)
        #expect(try message { $0.duration = 0 }?.hasPrefix("--duration") == true)
        #expect(try message { $0.mode = .openLoop(rate: 100); $0.duration = 0 }?.hasPrefix("--rate") == true)
        #expect(try message { $0.mode = .openLoop(rate: 0) }?.hasPrefix("--rate") == true)
        #expect(try message { $0.mode = .openLoop(rate: 100); $0.pipeline = 2 }?.hasPrefix("--pipeline") == true)
        #expect(try message { $0.pipeline = 0 }?.hasPrefix("--pipeline") == true)
        #expect(try message { $0.method = "GE T" }?.hasPrefix("--method") == true)
        #expect(try message { $0.mode = .fixedCount(0) }?.hasPrefix("--requests") == true)
        #expect(try message { $0.timeout = 0 }?.hasPrefix("--timeout") == true)
        #expect(try message { _ in } == nil)
        #expect(try message { $0.mode = .fixedCount(10); $0.duration = 0 } == nil)
    }

    /// The CLI's `--rate` / `--requests` become one mode; both together are refused by name.
    @Test func loadModeFromOptions() throws {
        #expect(try LoadMode(rate: nil, requests: nil) == .closedLoop)
        #expect(try LoadMode(rate: 250, requests: nil) == .openLoop(rate: 250))
        #expect(try LoadMode(rate: nil, requests: 7) == .fixedCount(7))
        #expect(throws: LoadConfigError.invalid("--rate", "cannot be combined with --requests")) {
            try LoadMode(rate: 100, requests: 10)
        }
    }

    @Test func refusesNonLoopbackTargetsUnlessAllowed() throws {
        var c = try Self.config("http://192.0.2.1:8080/")
        #expect(throws: LoadConfigError.remoteTarget("192.0.2.1")) { try c.validate() }
        c.allowRemote = true
        try c.validate()
        try Self.config("http://localhost:1/").validate()
        try Self.config("http://127.8.9.10:1/").validate()
        try Self.config("http://[::1]:1/").validate()
    }

    @Test func encodesTheRequestOnce() throws {
        let c = try Self.config { $0.method = "POST"; $0.body = Array("hi".utf8); $0.headers = [("X-A", "1")] }
        #expect(String(decoding: RequestEncoder.encode(c), as: UTF8.self)
            == "POST /x HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nhi")
        let plain = try Self.config("http://127.0.0.1/")
        #expect(String(decoding: RequestEncoder.encode(plain), as: UTF8.self) == "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    }
}
