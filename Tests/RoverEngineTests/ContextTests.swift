import RoverEngine
import RoverStrategies
import Testing
import RoverKinds

/// What a handler sees on ctx, under every builder.
@Suite struct ContextTests {
    static let app = """
    local api = rover.server {}
    function api.echo.p_id.post(ctx)
      local h, q = ctx:headers(), ctx:query()
      return { method = ctx.method, path = ctx.path, id = ctx:params().id, agent = h["user-agent"],
               custom = h["x-custom"], upper = h["X-Custom"], a = q.a, b = q.b, flag = q.flag,
               body = ctx:body() }
    end
    function api.nobody.get(ctx) return ctx:body() end
    function api.bin.p_x.post(ctx)
      return ctx.path .. "|" .. ctx:params().x .. "|" .. ctx:headers()["x-bin"] .. "|" .. ctx:query().q .. "|" .. ctx:body()
    end
    return api
    """

    @Test(arguments: ContextKind.allCases)
    func accessors(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        let r = e.handle(Request(method: .post, target: "/echo/9?a=1+2&b=%C3%A9%zz&flag",
                                 headers: [("User-Agent", "t"), ("X-CUSTOM", "v")], body: Array("payload".utf8)))
        #expect(r.status == 200)
        #expect(r.text == #"{"a":"1 2","agent":"t","b":"é%zz","body":"payload","custom":"v","flag":"","id":"9","method":"POST","path":"/echo/9","upper":"v"}"#)  // any spelling finds a header
    }

    @Test(arguments: ContextKind.allCases)
    func bodyWithoutBodyRaises(context: ContextKind) throws {
        let r = get(try makeEngine(Self.app, context: context), "/nobody")
        #expect(r.status == 500)
        #expect(r.text.contains("Request has no body"))
    }

    @Test(arguments: ContextKind.allCases)
    func emptyBodyIsAnEmptyStringNotNoBody(context: ContextKind) throws {
        let e = try makeEngine("""
        local api = rover.server {}
        function api.b.post(ctx) return "[" .. ctx:body() .. "]" end
        return api
        """, context: context)
        #expect(e.handle(Request(method: .post, target: "/b", body: [])).text == "[]")
    }

    /// Invalid UTF-8 in the path, a header, the query and the body reaches Lua as the same bytes
    /// and comes back out unchanged.
    @Test(arguments: ContextKind.allCases)
    func invalidUTF8PassesThroughAsBytes(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        var head: [UInt8] = Array("/bin/".utf8) + [0xFF] + Array("x?q=".utf8) + [0xC3, 0x28]
        let target = 0..<head.count
        let n0 = head.count
        head += Array("X-Bin".utf8)
        let v0 = head.count
        head += [0xFE, 0x41]
        let request = Request(method: .post, head: head, target: target,
                              headers: [HeaderField(name: n0..<v0, value: v0..<head.count)], body: [0x80, 0x81])
        let r = e.handle(request)
        #expect(r.status == 200)
        #expect(r.body == Array("/bin/".utf8) + [0xFF] + Array("x|".utf8) + [0xFF] + Array("x|".utf8)
            + [0xFE, 0x41, UInt8(ascii: "|"), 0xC3, 0x28, UInt8(ascii: "|"), 0x80, 0x81])
    }

    @Test(arguments: ContextKind.allCases)
    func ctxKeptPastItsRequestRefusesToRead(context: ContextKind) throws {
        let e = try makeEngine("""
        local api = rover.server {}
        local kept
        function api.keep.get(ctx) kept = ctx return "kept" end
        function api.use.get(ctx) return kept:params().x or "none" end
        return api
        """, context: context)
        #expect(get(e, "/keep").text == "kept")
        let r = get(e, "/use")
        #expect(r.status == 500)
        #expect(r.text.contains("ctx used after its request ended"))
    }

    @Test(arguments: [ContextKind.shared, .userdata])
    func sharedAccessorsNeedTheColon(context: ContextKind) throws {
        let e = try makeEngine("""
        local api = rover.server {}
        function api.x.get(ctx) return ctx.params().id end
        return api
        """, context: context)
        let r = get(e, "/x")
        #expect(r.status == 500)
        #expect(r.text.contains("ctx:params()"))
    }

    @Test(arguments: ContextKind.allCases)
    func unknownCtxFieldsAreNilAndCtxIsWritable(context: ContextKind) throws {
        let e = try makeEngine("""
        local api = rover.server {}
        function api.x.get(ctx) ctx.user = "u" return { missing = ctx.nothing == nil, user = ctx.user } end
        return api
        """, context: context)
        #expect(get(e, "/x").text == #"{"missing":true,"user":"u"}"#)
    }
}
