import RoverSystem
import RoverEngine
import RoverLua
import RoverStrategies
import Testing
import RoverKinds

/// What only the pooled `userdata` ctx has to get right: reuse of its preallocated userdata.
@Suite struct UserdataContextTests {
    static let pool = Int(UserdataContext.poolSize)

    /// A field written (or a value `ctx:set`) on one request is gone when the same pooled userdata
    /// serves a later one.
    @Test func writtenFieldsDoNotLeakIntoTheNextRequestOnTheSameCtx() throws {
        let e = try makeEngine("""
        local api = rover.server {}
        local first
        function api.w.get(ctx)
          local seen = ctx.user or ctx:get("user")
          ctx.user = ctx:query().v
          ctx:set("user", ctx.user)
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

    /// The accessors check that they were called on a ctx (the metatable is their upvalue):
    /// without the colon, or on another userdata or a table, they raise, naming the accessor.
    @Test func accessorsCalledOnSomethingElseRaise() throws {
        let e = try makeEngine("""
        local api = rover.server {}
        function api.dot.get(ctx) return ctx.params() end
        function api.other.get(ctx) return ctx.query(io.stdout) end
        function api.table.get(ctx) return ctx.headers({}) end
        function api.ok.get(ctx) return ctx:params() end
        return api
        """, context: .userdata)
        for (path, name) in [("/dot", "params"), ("/other", "query"), ("/table", "headers")] {
            let r = get(e, path)
            #expect(r.status == 500, "\(path)")
            #expect(r.text.contains("call ctx accessors with a colon: ctx:\(name)()"), "\(path): \(r.text)")
        }
        #expect(get(e, "/ok").status == 200)
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

/// More live requests than the pool has ctx userdata (only coroutines can do that): the extra
/// ones get fresh userdata, and every request keeps reading its own.
@Suite struct UserdataContextOverflowTests {
    @Test func moreSuspendedRequestsThanPooledCtx() throws {
        let e = try makeEngine("""
        local api = rover.server {}
        local released = false
        function api.slow.p_id.get(ctx)
          while not released do coroutine.yield() end
          return ctx.path .. " " .. ctx:params().id
        end
        function api.release.get(ctx) released = true return "released" end
        return api
        """, context: .userdata)
        let n = Int(UserdataContext.poolSize) + 20
        var parked: [SuspendedRequest] = []
        for i in 0..<n {
            guard case .suspended(let s) = e.start(Request(method: .get, target: "/slow/\(i)")) else {
                Issue.record("request \(i) did not suspend"); return
            }
            parked.append(s)
        }
        guard case .done(let r) = e.start(Request(method: .get, target: "/release")) else { Issue.record("release"); return }
        #expect(r.text == "released")
        for (i, s) in parked.enumerated() {
            guard case .done(let r) = e.resume(s) else { Issue.record("request \(i) did not finish"); continue }
            #expect(r.text == "/slow/\(i) \(i)")
        }
        #expect(e.counters.snapshot().coroutineCreations == UInt64(n + 1))
    }
}
