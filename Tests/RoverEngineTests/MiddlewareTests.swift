import RoverEngine
import RoverLua
import RoverStrategies
import Testing
import RoverKinds

/// Rover's middleware (`api.before.*`, `api.after.*`, global and scoped), `api:error`, and the
/// ctx methods hooks use (`ctx:set/get/request_id`), under every builder.
@Suite struct MiddlewareTests {
    static let app = routes + "\nreturn api"
    static let routes = """
    local api = rover.server {}
    local log = {}
    function api.before.a(ctx) log[#log + 1] = "global-before-a" ctx:set("seen", "a") end
    function api.before.b(ctx) log[#log + 1] = "global-before-b" end
    function api.after.z(ctx) log[#log + 1] = "global-after-z" end
    function api.admin.before.auth(ctx)
      log[#log + 1] = "admin-before"
      if not ctx:headers()["Authorization"] then return api:error(401, "Unauthorized") end
      ctx:set("role", "admin")
    end
    function api.admin.after.audit(ctx) log[#log + 1] = "admin-after" end
    function api.admin.get(ctx) log[#log + 1] = "handler" return { role = ctx:get("role"), seen = ctx:get("seen") } end
    function api.admin.users.p_id.get(ctx) return { id = ctx:params().id, role = ctx:get("role") } end
    function api.public.get(ctx) return { role = ctx:get("role") or "none", seen = ctx:get("seen") } end
    function api.log.get(ctx) local s = table.concat(log, ",") log = {} return s end
    """

    @Test(arguments: ContextKind.allCases)
    func orderIsBeforeHandlerAfter(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        let r = get(e, "/admin", headers: [("authorization", "Bearer x")])
        #expect(r.status == 200)
        #expect(r.text == #"{"role":"admin","seen":"a"}"#)
        // after hooks run in reverse of (route's, then inherited), as Rover's wrapper does
        #expect(get(e, "/log").text.hasPrefix("global-before-a,global-before-b,admin-before,handler,global-after-z,admin-after"))
    }

    @Test(arguments: ContextKind.allCases)
    func beforeHookReturningAResponseEndsTheRequest(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        let r = get(e, "/admin")
        #expect(r.status == 401)
        #expect(r.text == #"{"error":"Unauthorized"}"#)
        #expect(get(e, "/log").text.hasPrefix("global-before-a,global-before-b,admin-before,global-before-a"))
    }

    @Test(arguments: ContextKind.allCases)
    func scopedHooksApplyToTheNamespaceOnly(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        #expect(get(e, "/admin/users/7").status == 401)
        #expect(get(e, "/admin/users/7", headers: [("AUTHORIZATION", "t")]).text == #"{"id":"7","role":"admin"}"#)
        #expect(get(e, "/public").text == #"{"role":"none","seen":"a"}"#)
    }

    @Test(arguments: ContextKind.allCases)
    func apiErrorWithColonOrDot(context: ContextKind) throws {
        let e = try makeEngine("""
        local api = rover.server {}
        function api.colon.get(ctx) return api:error(404, "nope") end
        function api.dot.get(ctx) return api.error(409, "clash") end
        function api.bad.get(ctx) return api:error("x", "y") end
        return api
        """, context: context)
        #expect(get(e, "/colon").status == 404)
        #expect(get(e, "/colon").text == #"{"error":"nope"}"#)
        #expect(get(e, "/dot").status == 409)
        #expect(get(e, "/dot").text == #"{"error":"clash"}"#)
        #expect(get(e, "/bad").status == 500)
        #expect(get(e, "/bad").text.contains("invalid HTTP status: x"))
    }

    @Test(arguments: ContextKind.allCases)
    func requestIdIsTheHeaderOrOneStableGeneratedId(context: ContextKind) throws {
        let e = try makeEngine("""
        local api = rover.server {}
        function api.before.trace(ctx) ctx:set("rid", ctx:request_id()) end
        function api.id.get(ctx)
          local a, b = ctx:get("rid"), ctx:request_id()
          return { same = a == b, given = a == "abc-1", len = #a > 0 }
        end
        return api
        """, context: context)
        #expect(get(e, "/id", headers: [("X-Request-Id", "abc-1")]).text == #"{"given":true,"len":true,"same":true}"#)
        #expect(get(e, "/id").text == #"{"given":false,"len":true,"same":true}"#)
    }

    @Test(arguments: ContextKind.allCases)
    func headersAnswerAnySpelling(context: ContextKind) throws {
        let e = try makeEngine("""
        local api = rover.server {}
        function api.h.get(ctx)
          local h = ctx:headers()
          return { a = h["Authorization"], b = h.authorization, c = h["AUTHORIZATION"], d = h["X-Missing"] == nil }
        end
        return api
        """, context: context)
        #expect(get(e, "/h", headers: [("aUtHoRiZaTiOn", "t")]).text == #"{"a":"t","b":"t","c":"t","d":true}"#)
    }

    /// Hooks, early returns, hook errors and rejections all leave the Lua stack as they found it.
    @Test(arguments: ContextKind.allCases)
    func stackStaysBalanced(context: ContextKind) throws {
        let e = try makeEngine(Self.routes + """

        function api.before.boom(ctx) if ctx:query().boom then error("hook failed") end end
        function api.body.post(ctx) return ctx:body():json() end
        return api
        """, context: context)
        let depth = e.vm.top
        #expect(get(e, "/admin").status == 401)
        #expect(get(e, "/admin", headers: [("Authorization", "x")]).status == 200)
        let failed = get(e, "/public?boom=1")
        #expect(failed.status == 500)
        #expect(failed.text.contains("hook failed"))
        #expect(e.handle(Request(method: .post, target: "/body", body: Array("{bad".utf8))).status == 400)
        #expect(e.handle(Request(method: .post, target: "/body", body: Array("[1]".utf8))).text == "[1]")
        #expect(e.vm.top == depth)
    }

    @Test func hooksMustBeFunctions() throws {
        #expect(throws: EngineError.self) {
            try makeEngine("local api = rover.server {}\napi.before.x = 3\nfunction api.get() return 1 end\nreturn api")
        }
    }
}
