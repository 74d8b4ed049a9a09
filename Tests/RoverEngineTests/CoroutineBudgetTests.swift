import RoverSystem
import RoverEngine
import RoverLua
import RoverStrategies
import Testing

/// The instruction budget and the memory limit hold inside coroutines, on both paths: `handle`
/// (handler on the main thread, coroutines it runs) and `start` (handler itself in a coroutine).
/// Before hooks were counted across threads, `/loaded` ran forever (a coroutine made while loading
/// had no hook) and `/many` ran budget × budget instructions (each coroutine had a fresh count).
@Suite struct CoroutineBudgetTests {
    static let app = """
    local api = rover.server {}
    local spin = coroutine.wrap(function() while true do end end)
    function api.ok.get(ctx) return "ok" end
    function api.loaded.get(ctx) spin() end
    function api.inner.get(ctx) coroutine.wrap(function() while true do end end)() end
    function api.many.get(ctx)
      while true do coroutine.wrap(function() local x = 0 for i = 1, 50000 do x = x + i end end)() end
    end
    function api.swallow.get(ctx)
      while true do pcall(coroutine.wrap(function() while true do end end)) end
    end
    function api.forever.get(ctx) while true do coroutine.yield() end end
    function api.hog.get(ctx)
      coroutine.wrap(function() local t = {} for i = 1, 1e8 do t[i] = string.rep("x", 1024) .. i end end)()
    end
    return api
    """
    static let limits = EngineLimits(instructionBudget: 2_000_000, memoryLimit: 8 << 20)

    enum Path: String, CaseIterable { case handle, coroutine }

    /// Runs `target` to its answer on `path`, resuming a suspended request as the dispatcher does.
    static func answer(_ e: Engine, _ target: String, _ path: Path) -> Response {
        let request = Request(method: .get, target: target)
        guard path == .coroutine else { return e.handle(request) }
        var step = e.start(request)
        while case .suspended(let s) = step { step = e.resume(s) }
        guard case .done(let r) = step else { fatalError("unreachable") }
        return r
    }

    static func check(_ target: String, _ path: Path, expect: String) throws {
        let e = try makeEngine(Self.app, limits: Self.limits)
        let depth = e.vm.top
        let r = Self.answer(e, target, path)
        #expect(r.status == 500, "\(target) on \(path)")
        #expect(r.text.contains(expect), "\(target) on \(path): \(r.text)")
        #expect(e.vm.top == depth)
        #expect(Self.answer(e, "/ok", path).text == "ok", "the VM serves the next request")
    }

    @Test(arguments: Path.allCases, ["/loaded", "/inner", "/many", "/swallow"])
    func coroutinesCannotEscapeTheBudget(path: Path, target: String) throws {
        try Self.check(target, path, expect: "instruction budget exhausted")
    }

    /// On the coroutine path a handler that yields forever spends its one budget over its resumes.
    @Test func yieldingForeverSpendsTheBudget() throws {
        try Self.check("/forever", .coroutine, expect: "instruction budget exhausted")
    }

    @Test(arguments: Path.allCases)
    func memoryLimitHoldsInsideCoroutines(path: Path) throws {
        try Self.check("/hog", path, expect: "not enough memory")
    }

    @Test(arguments: Path.allCases)
    func budgetKillsAreCountedOnBothPaths(path: Path) throws {
        let e = try makeEngine(Self.app, limits: Self.limits)
        _ = Self.answer(e, "/many", path)
        _ = Self.answer(e, "/hog", path)
        let s = e.counters.snapshot()
        #expect(s.budgetKills == 1)
        #expect(s.memoryKills == 1)
        #expect(s.luaErrors == 2)
    }
}
