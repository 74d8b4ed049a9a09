import RoverSystem
import RoverEngine
import RoverLua
import RoverStrategies
import Testing
import RoverKinds

/// Bad handlers answer 500 and leave the VM usable, with its Lua stack exactly as deep as before.
@Suite struct FailureTests {
    static let app = """
    local api = rover.server {}
    function api.ok.get(ctx) return { ok = true } end
    function api.raise.get(ctx) error("boom") end
    function api.raise_table.get(ctx) error({ code = 1 }) end
    function api.spin.get(ctx) while true do end end
    function api.sneaky.get(ctx) while true do pcall(function() while true do end end) end end
    function api.hog.get(ctx) local t = {} local i = 0 while true do i = i + 1 t[i] = string.rep("x", 1024) .. i end end
    return api
    """

    static func check(_ path: String, context: ContextKind, expect: String) throws {
        let e = try makeEngine(Self.app, context: context,
                               limits: EngineLimits(instructionBudget: 2_000_000, memoryLimit: 8 << 20))
        let depth = e.vm.top
        #expect(get(e, "/ok").text == #"{"ok":true}"#)
        #expect(e.vm.top == depth)
        let r = get(e, path)
        #expect(r.status == 500)
        #expect(r.contentType == .json)
        #expect(r.text.contains(expect), "\(r.text)")
        #expect(e.vm.top == depth, "stack depth after a failure")
        #expect(get(e, "/ok").text == #"{"ok":true}"#, "the VM serves the next request")
        #expect(e.vm.top == depth)
    }

    @Test(arguments: ContextKind.allCases)
    func raiseIsA500NamingFileAndLine(context: ContextKind) throws {
        try Self.check("/raise", context: context, expect: #"app.lua:3: boom"#)
    }

    @Test func nonStringErrorObject() throws {
        try Self.check("/raise_table", context: .lazy, expect: "error object is a table value")
    }

    @Test(arguments: ContextKind.allCases)
    func runawayLoopIsStoppedByTheBudget(context: ContextKind) throws {
        try Self.check("/spin", context: context, expect: "instruction budget exhausted")
    }

    @Test func budgetCannotBeSwallowedByPcall() throws {
        try Self.check("/sneaky", context: .eager, expect: "instruction budget exhausted")
    }

    @Test(arguments: ContextKind.allCases)
    func memoryHogIsStoppedByTheLimit(context: ContextKind) throws {
        // LuaJIT has no emergency collection before a failed allocation: without the full
        // collection after a memory kill (`rover_collect`), the hog's garbage failed the next
        // request too.
        try Self.check("/hog", context: context, expect: "not enough memory")
    }

    @Test func countersRecordFailuresByKind() throws {
        try countFailures()
    }

    func countFailures() throws {
        let e = try makeEngine(Self.app, limits: EngineLimits(instructionBudget: 1_000_000, memoryLimit: 8 << 20))
        _ = get(e, "/raise")
        _ = get(e, "/spin")
        _ = get(e, "/hog")
        _ = get(e, "/ok")
        let s = e.counters.snapshot()
        #expect(s.requests == 4)
        #expect(s.luaErrors == 3)
        #expect(s.budgetKills == 1)
        #expect(s.memoryKills == 1)
        #expect(s.luaPeakBytes >= 8 << 19)
    }
}

@Suite struct LoadErrorTests {
    @Test func syntaxErrorNamesFileAndLine() throws {
        let path = try writeApp("local api = rover.server {}\nfunction api.x.get(ctx)\n  return {\nend\nreturn api\n")
        #expect {
            _ = try Engine(appPath: path, builder: LazyContext())
        } throws: { error in
            let e = error as! EngineError
            return e.kind == .syntax && e.message.contains("app.lua:4:") && e.message.contains(path)
        }
    }

    @Test func errorWhileLoadingNamesFileAndLine() throws {
        let path = try writeApp("local api = rover.server {}\nlocal x = nil\nx.y = 1\nreturn api\n")
        #expect {
            _ = try Engine(appPath: path, builder: LazyContext())
        } throws: { error in
            let e = error as! EngineError
            return e.kind == .loadFailed && e.message.contains("app.lua:3:")
        }
    }

    @Test(arguments: ["return {}", "local api = rover.server {}\nreturn api", "return 42",
                      "local api = rover.server {}\napi.users.p_id.get = 'not a function'\nreturn api"])
    func noRoutesIsAnError(source: String) throws {
        let path = try writeApp(source)
        #expect {
            _ = try Engine(appPath: path, builder: LazyContext())
        } throws: { error in
            let e = error as! EngineError
            return e.kind == .noRoutes && e.message.hasPrefix(path)
        }
    }

    @Test func appThatForgetsToReturnUsesItsServer() throws {
        let e = try makeEngine("local api = rover.server {}\nfunction api.x.get() return 'x' end\n")
        #expect(get(e, "/x").text == "x")
    }

    @Test func missingFile() {
        #expect(throws: EngineError.self) {
            _ = try Engine(appPath: "/nonexistent/app.lua", builder: LazyContext())
        }
    }
}
