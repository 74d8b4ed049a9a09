import RoverEngine
import RoverKinds
import RoverLua
import Testing

@Suite struct ResponseTests {
    static func respond(_ expr: String) throws -> Response {
        let e = try makeEngine("""
        local api = rover.server {}
        function api.r.get(ctx) return \(expr) end
        return api
        """)
        return get(e, "/r")
    }

    @Test(arguments: [
        ("{ a = 1 }", 200, ContentType.json, #"{"a":1}"#),
        (#""hi""#, 200, .text, "hi"),
        ("42", 200, .text, "42"),
        ("1.5", 200, .text, "1.5"),
        ("2.0", 200, .text, "2.0"),
        ("true", 200, .text, "true"),
        ("api.json { ok = true }", 200, .json, #"{"ok":true}"#),
        ("api.json:status(201, { id = 7 })", 201, .json, #"{"id":7}"#),
        (#"api.text "plain""#, 200, .text, "plain"),
        (#"api.text:status(202, "later")"#, 202, .text, "later"),
        (#"api.html "<b>x</b>""#, 200, .html, "<b>x</b>"),
        (#"api.html:status(404, "<p>no</p>")"#, 404, .html, "<p>no</p>"),
        (#"api.error(422, "bad input")"#, 422, .json, #"{"error":"bad input"}"#),
        (#"api:error(401, "Unauthorized")"#, 401, .json, #"{"error":"Unauthorized"}"#),
        (#"api.json "[1,2]""#, 200, .json, "[1,2]"),  // as Rover: a string is the JSON text
    ] as [(String, Int, ContentType, String)])
    func builders(expr: String, status: Int, type: ContentType, body: String) throws {
        let r = try Self.respond(expr)
        #expect(r.status == status)
        #expect(r.contentType == type)
        // LuaJIT has no integer subtype: tostring(2.0) is "2" there (README: two Lua runtimes).
        let expected = expr == "2.0" && LuaRuntime.loaded == .luajit ? "2" : body
        #expect(r.text == expected)
    }

    /// As Rover: `headers` in api.json's data become response headers (and stay in the JSON).
    @Test func apiJsonHeadersBecomeResponseHeaders() throws {
        let r = try Self.respond(#"api.json:status(201, { ok = true, headers = { ["X-B"] = "2", ["X-A"] = "1" } })"#)
        #expect(r.status == 201)
        #expect(r.headers == [HTTPField("X-A", "1"), HTTPField("X-B", "2")])
        #expect(r.text == #"{"headers":{"X-A":"1","X-B":"2"},"ok":true}"#)
        for bad in [#"{ headers = { ["X-A"] = "a\r\nSet-Cookie: x" } }"#, "{ headers = 3 }", #"{ headers = { x = 1 } }"#] {
            let b = try Self.respond("api.json \(bad)")
            #expect(b.status == 500, "\(bad)")
            #expect(b.headers.isEmpty)
        }
    }

    @Test func redirects() throws {
        let temporary = try Self.respond(#"api.redirect "/new""#)
        #expect(temporary.status == 302)
        #expect(temporary.headers == [HTTPField("Location", "/new")])
        #expect(try Self.respond(#"api.redirect:permanent "/p""#).status == 301)
        let custom = try Self.respond(#"api.redirect:status(307, "/t")"#)
        #expect(custom.status == 307)
        #expect(custom.headers == [HTTPField("Location", "/t")])
    }

    @Test func noContentAndNil() throws {
        for expr in ["api.no_content()", "nil"] {
            let r = try Self.respond(expr)
            #expect(r.status == 204)
            #expect(r.contentType == nil)
            #expect(r.body.isEmpty)
        }
    }

    @Test func invalidStatusIsA500NamingTheLine() throws {
        let e = try makeEngine("""
        local api = rover.server {}
        function api.r.get(ctx)
          local r = api.json:status(99, {})
          return r
        end
        return api
        """)
        let r = get(e, "/r")
        #expect(r.status == 500)
        #expect(r.text.contains("app.lua:3: invalid HTTP status: 99"), "\(r.text)")
    }

    @Test func returningAFunctionIsA500() throws {
        let r = try Self.respond("print")
        #expect(r.status == 500)
        #expect(r.contentType == .json)
    }
}

@Suite struct JSONTests {
    @Test(arguments: [
        ("{}", "{}"),
        ("{ 1, 2, 3 }", "[1,2,3]"),
        (#"{ "a", { b = { 1.5, false } } }"#, #"["a",{"b":[1.5,false]}]"#),
        ("{ z = 1, a = 2, m = { y = 1, b = 2 } }", #"{"a":2,"m":{"b":2,"y":1},"z":1}"#),
        ("{ [1] = 'a', [3] = 'c' }", #"{"1":"a","3":"c"}"#),
        ("{ [2] = 'x', k = 'v' }", #"{"2":"x","k":"v"}"#),
        ("{ n = 3, f = 3.0, e = 1e300, neg = -0.25 }", #"{"e":1e+300,"f":3.0,"n":3,"neg":-0.25}"#),
        (#"{ s = "q\"b\\\n\t\1" }"#, #"{"s":"q\"b\\\n\t\u0001"}"#),
        ("{ big = math.maxinteger, small = math.mininteger }",
         #"{"big":9223372036854775807,"small":-9223372036854775808}"#),
    ] as [(String, String)])
    func encodes(lua: String, json: String) throws {
        if LuaRuntime.loaded == .luajit && lua.contains("math.maxinteger") { return }  // Lua 5.3+ (64-bit integers)
        let r = try ResponseTests.respond(lua)
        #expect(r.status == 200)
        #expect(r.text == onThisRuntime(json))
    }

    @Test(arguments: ["{ x = 0/0 }", "{ x = math.huge }", "{ x = -math.huge }",
                      "(function() local t = {} t.self = t return t end)()",
                      "{ f = print }", "{ [true] = 1 }", "{ [1.5] = 1 }"])
    func refusesWithA500(lua: String) throws {
        let r = try ResponseTests.respond(lua)
        #expect(r.status == 500)
        #expect(r.contentType == .json)
        #expect(r.text.hasPrefix(#"{"error":"#))
    }

    /// Values are kept on the Lua stack while keys are sorted: wide and long tables, and integer
    /// keys out of order, still come out whole and in order.
    @Test func wideLongAndUnorderedTablesEncodeInOrder() throws {
        let r = try ResponseTests.respond("""
        (function()
          local t = { arr = {}, obj = {}, odd = { [10] = "x", [2] = "y", [-1] = "z", a = 1 } }
          for i = 1, 100000 do t.arr[i] = i % 7 end
          for i = 1, 1000 do t.obj["k" .. i] = { i, { v = i } } end
          return t
        end)()
        """)
        #expect(r.status == 200)
        let arr = (1...100_000).map { String($0 % 7) }.joined(separator: ",")
        let obj = (1...1000).map { "k\($0)" }.sorted()
            .map { k in "\"\(k)\":[\(k.dropFirst()),{\"v\":\(k.dropFirst())}]" }.joined(separator: ",")
        #expect(r.text == "{\"arr\":[\(arr)],\"obj\":{\(obj)},\"odd\":{\"-1\":\"z\",\"2\":\"y\",\"10\":\"x\",\"a\":1}}")
    }

    @Test func sharedButAcyclicSubtablesEncodeTwice() throws {
        let r = try ResponseTests.respond("(function() local s = { 1 } return { a = s, b = s } end)()")
        #expect(r.text == #"{"a":[1],"b":[1]}"#)
    }
}
