import RoverSystem
import RoverEngine
import RoverLua
import RoverStrategies
import Testing
import RoverKinds

/// `Engine`'s coroutine path (what the `coroutine` dispatcher drives), step by step.
@Suite struct CoroutineEngineTests {
    static let app = """
    local api = rover.server {}
    local released, kept = false, nil
    function api.echo.p_id.get(ctx) return { id = ctx:params().id, q = ctx:query().q, path = ctx.path } end
    function api.slow.p_id.get(ctx)
      kept = ctx
      local turns = 0
      while not released do turns = turns + 1 coroutine.yield(turns) end
      return ctx.method .. " " .. ctx.path .. " " .. ctx:params().id .. " " .. ctx:headers()["x-h"]
    end
    function api.release.get(ctx) released = true return "released" end
    function api.peek.get(ctx) return kept:params().id end
    function api.boom.get(ctx) error("boom") end
    function api.boom_table.get(ctx) error({}) end
    return api
    """

    static func done(_ step: CoroutineStep, sourceLocation: SourceLocation = #_sourceLocation) -> Response? {
        guard case .done(let r) = step else {
            Issue.record("expected an answer, got a suspension", sourceLocation: sourceLocation)
            return nil
        }
        return r
    }

    @Test(arguments: ContextKind.allCases)
    func answersExactlyAsHandleDoes(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        for target in ["/echo/7?q=a+b", "/boom", "/boom_table", "/nothing", "/echo"] {
            let viaHandle = get(e, target)
            let viaCoroutine = try #require(Self.done(e.start(Request(method: .get, target: target))))
            #expect(viaCoroutine.status == viaHandle.status, "\(target)")
            #expect(viaCoroutine.headers == viaHandle.headers, "\(target)")
            #expect(viaCoroutine.text == viaHandle.text, "\(target)")
        }
    }

    /// Answers decided outside the handler or raised as HTTP answers: an oversized body (413),
    /// OPTIONS without a handler (204), a malformed JSON body (a rejection: 400), on both paths.
    @Test(arguments: ContextKind.allCases)
    func refusalsAnswerAsHandleDoes(context: ContextKind) throws {
        let e = try makeEngine("""
        local api = rover.server { body_size_limit = 16 }
        function api.j.post(ctx) return { v = ctx:body():json().v } end
        return api
        """, context: context)
        let requests = [
            Request(method: .post, target: "/j", body: Array(#"{"v": 1}"#.utf8)),
            Request(method: .post, target: "/j", body: Array("not json".utf8)),
            Request(method: .post, target: "/j", body: Array(repeating: UInt8(ascii: " "), count: 17)),
            Request(method: .options, target: "/j"),
        ]
        #expect(requests.map { e.handle($0).status } == [200, 400, 413, 204])
        for request in requests {
            let viaHandle = e.handle(request)
            let viaCoroutine = try #require(Self.done(e.start(request)))
            #expect(viaCoroutine == viaHandle, "\(viaHandle.status) \(viaHandle.text)")
        }
        #expect(e.counters.snapshot().luaErrors == 0)  // a rejection is an answer, not a Lua error
    }

    @Test func thePoolReusesCoroutinesAndDropsOnesThatRaised() throws {
        let e = try makeEngine(Self.app)
        for i in 0..<10 { _ = e.start(Request(method: .get, target: "/echo/\(i)")) }
        var s = e.counters.snapshot()
        #expect(s.coroutineCreations == 1)
        #expect(s.coroutineReuses == 9)
        _ = e.start(Request(method: .get, target: "/boom"))  // reuses the idle one, which dies
        _ = e.start(Request(method: .get, target: "/echo/1"))  // so this one needs a new one
        s = e.counters.snapshot()
        #expect(s.coroutineCreations == 2)
        #expect(s.coroutineReuses == 10)
        #expect(s.requests == 12)
        _ = e.start(Request(method: .get, target: "/nothing"))  // a 404 runs no handler: no coroutine
        #expect(e.counters.snapshot().coroutineCreations == 2)
    }

    /// A handler that yields suspends only its request: others run to completion meanwhile, its
    /// ctx stays valid across yields (and for code that kept it) until it returns.
    @Test(arguments: ContextKind.allCases)
    func yieldSuspendsOnlyItsRequest(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        let depth = e.vm.top
        let step = e.start(Request(method: .get, target: "/slow/42", headers: [("X-H", "v")]))
        guard case .suspended(var slow) = step else { Issue.record("did not suspend"); return }
        #expect(e.vm.top == depth)
        for _ in 0..<3 {
            guard case .suspended(let again) = e.resume(slow) else { Issue.record("did not yield again"); return }
            slow = again
        }
        #expect(try #require(Self.done(e.start(Request(method: .get, target: "/echo/1?q=z")))).text
                == #"{"id":"1","path":"/echo/1","q":"z"}"#)
        #expect(try #require(Self.done(e.start(Request(method: .get, target: "/peek")))).text == "42")
        #expect(try #require(Self.done(e.start(Request(method: .get, target: "/release")))).text == "released")
        let r = try #require(Self.done(e.resume(slow)))
        #expect(r.status == 200)
        #expect(r.text == "GET /slow/42 42 v")
        let peek = try #require(Self.done(e.start(Request(method: .get, target: "/peek"))))
        #expect(peek.status == 500)
        #expect(peek.text.contains("ctx used after its request ended"))
        #expect(e.vm.top == depth)
        let s = e.counters.snapshot()
        #expect(s.coroutineCreations == 2)  // /slow held one while the others ran
        #expect(s.requests == 5)
    }

    /// Without a coroutine (`handle`, every other dispatcher) a yield is a Lua error.
    @Test func yieldUnderHandleIsAnError() throws {
        let e = try makeEngine(Self.app)
        let r = get(e, "/slow/1")
        #expect(r.status == 500)
        let message = LuaRuntime.loaded == .luajit ? "attempt to yield across C-call boundary" : "attempt to yield from outside a coroutine"
        #expect(r.text.contains(message), "\(r.text)")
    }
}
