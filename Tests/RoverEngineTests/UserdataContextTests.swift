import RoverEngine
import RoverLua
import RoverStrategies
import Testing

/// What only the pooled `userdata` ctx has to get right: reuse of its preallocated userdata.
@Suite struct UserdataContextTests {
    static let pool = Int(LuaVM.userdataContextPoolSize)

    /// A field written on one request is gone when the same pooled userdata serves a later one.
    @Test func writtenFieldsDoNotLeakIntoTheNextRequestOnTheSameCtx() throws {
        let e = try makeEngine("""
        local api = rover.server {}
        local first
        function api.w.get(ctx)
          local seen = ctx.user
          ctx.user = ctx:query().v
          if first == nil then first = tostring(ctx) end
          return { seen = seen or "nil", same = tostring(ctx) == first, user = ctx.user }
        end
        return api
        """, context: .userdata)
        var sameCtxSeen = 0
        for i in 0...(Self.pool * 2) {
            let r = get(e, "/w?v=\(i)")
            #expect(r.status == 200)
            if r.text.contains(#""same":true"#) { sameCtxSeen += 1 }
            #expect(r.text.contains(#""seen":"nil""#), "request \(i): \(r.text)")
        }
        #expect(sameCtxSeen >= 2)  // the pool really handed the first userdata out again
    }

    /// The pooled userdata are made once per VM: serving requests creates none.
    @Test func servingRequestsMakesNoCtxUserdata() throws {
        let e = try makeEngine("""
        local api = rover.server {}
        local seen, n = {}, 0
        function api.c.get(ctx)
          if not seen[ctx] then seen[ctx] = true; n = n + 1 end
          return tostring(n)
        end
        return api
        """, context: .userdata)
        var last = ""
        for _ in 0..<(Self.pool + 10) { last = get(e, "/c").text }
        #expect(last == "\(Self.pool)")  // every request got one of the pool's userdata
    }

    /// Reading method or path of a ctx kept past its request is refused as the accessors are.
    @Test func keptCtxRefusesItsGetters() throws {
        let e = try makeEngine("""
        local api = rover.server {}
        local kept
        function api.keep.get(ctx) kept = ctx return ctx.method .. " " .. ctx.path end
        function api.use.get(ctx) return kept.path end
        function api.write.get(ctx) kept.x = 1 return "wrote" end
        return api
        """, context: .userdata)
        #expect(get(e, "/keep").text == "GET /keep")
        for target in ["/use", "/write"] {
            let r = get(e, target)
            #expect(r.status == 500)
            #expect(r.text.contains("ctx used after its request ended"))
        }
    }
}
