import RoverSystem
import RoverEngine
import RoverStrategies
import Testing
import RoverKinds

/// ctx:body(): the built-in body value (the body string with Rover's BodyValue methods), or what
/// the app's `rover.guard.__body_value` builds; the same under every builder.
@Suite struct BodyValueTests {
    static let app = """
    local api = rover.server {}
    function api.parse.p_k.post(ctx)
      local v = ctx:body():json()
      return { value = v[ctx:params().k], kind = type(v) }
    end
    function api.whole.post(ctx) return api.json { v = ctx:body():raw() } end
    function api.txt.post(ctx)
      local b = ctx:body()
      return { text = b:text(), as_string = b:as_string(), len = #b, concat = "<" .. b .. ">", upper = b:upper() }
    end
    function api.bytes.post(ctx) return ctx:body():bytes() end
    function api.caught.post(ctx)
      local ok, err = pcall(function() return ctx:body():json() end)
      return { ok = ok, status = type(err) == "table" and err.status or nil }
    end
    return api
    """

    static func post(_ e: Engine, _ target: String, _ body: String) -> Response {
        e.handle(Request(method: .post, target: target, headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
    }

    @Test(arguments: ContextKind.allCases)
    func jsonParsesIntoLuaTables(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        let doc = #"{"n": 7, "f": 1.5, "s": "a\"\u00e9\ud83d\ude00", "a": [1, true, null, {"x": []}], "z": false, "e": -2e3}"#
        #expect(Self.post(e, "/parse/n", doc).text == #"{"kind":"table","value":7}"#)
        #expect(Self.post(e, "/parse/f", doc).text == #"{"kind":"table","value":1.5}"#)
        #expect(Self.post(e, "/parse/s", doc).text == "{\"kind\":\"table\",\"value\":\"a\\\"é😀\"}")
        #expect(Self.post(e, "/parse/e", doc).text == onThisRuntime(#"{"kind":"table","value":-2000.0}"#))
        #expect(Self.post(e, "/whole", doc).text == onThisRuntime(#"{"v":{"a":{"1":1,"2":true,"4":{"x":{}}},"e":-2000.0,"f":1.5,"n":7,"s":"a\"é😀","z":false}}"#))
        #expect(Self.post(e, "/whole", "[1, 2]").text == #"{"v":[1,2]}"#)
    }

    @Test(arguments: ContextKind.allCases)
    func malformedJSONIsA400(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        for (bad, what) in [("{\"a\": }", "unexpected character at byte 6"), ("[1, 2", "expected ',' or ']' at byte 5"),
                            ("{} x", "trailing characters at byte 3"), ("", "unexpected end at byte 0"),
                            ("\"\\q\"", "bad escape at byte 2")] {
            let r = Self.post(e, "/whole", bad)
            #expect(r.status == 400, "\(bad)")
            #expect(r.text == "{\"error\":\"Invalid JSON: \(what)\"}", "\(bad)")
        }
        #expect(e.counters.snapshot().luaErrors == 0)  // a client error, not a Lua failure
        #expect(Self.post(e, "/caught", "nope").text == #"{"ok":false,"status":400}"#)
        #expect(Self.post(e, "/whole", "[1]").status == 200)  // the VM serves on
    }

    @Test(arguments: ContextKind.allCases)
    func textAsStringBytesAndStringBehaviour(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        #expect(Self.post(e, "/txt", "hi").text == #"{"as_string":"hi","concat":"<hi>","len":2,"text":"hi","upper":"HI"}"#)
        #expect(Self.post(e, "/bytes", "AB\u{1}").text == "[65,66,1]")
    }

    /// Body methods of Rover's that rover-bench lacks (multipart) say so when called.
    @Test(arguments: ContextKind.allCases)
    func unsupportedBodyMethodsSaySo(context: ContextKind) throws {
        let e = try makeEngine("""
        local api = rover.server {}
        function api.x.post(ctx) local b = ctx:body() return b:form() end
        return api
        """, context: context)
        let r = Self.post(e, "/x", "{}")
        #expect(r.status == 500)
        #expect(r.text.contains("body:form() is not supported by rover-bench"))
    }

    @Test(arguments: ContextKind.allCases)
    func guardBodyValueIsUsedWhenTheAppDefinesIt(context: ContextKind) throws {
        let e = try makeEngine("""
        rover.guard.__body_value = function(text, bytes)
          return { kind = "guarded", text = text, first = bytes[1], n = #bytes }
        end
        local api = rover.server {}
        function api.g.post(ctx) local b = ctx:body() return { kind = b.kind, text = b.text, first = b.first, n = b.n } end
        return api
        """, context: context)
        #expect(Self.post(e, "/g", "Zq").text == #"{"first":90,"kind":"guarded","n":2,"text":"Zq"}"#)
        let bad = e.handle(Request(method: .post, target: "/g", body: [0xFF]))
        #expect(bad.status == 500)
        #expect(bad.text.contains("Invalid UTF-8 in body"))
    }

    @Test func otherGuardFeaturesAreRefusedAtLoad() {
        #expect(throws: EngineError.self) {
            try makeEngine("local g = rover.guard:email()\nlocal api = rover.server {}\nfunction api.get() return 1 end\nreturn api")
        }
    }
}
