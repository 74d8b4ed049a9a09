import RoverSystem
import RoverMicro
import RoverScenarios
import RoverEngine
import RoverStrategies
import Testing
import RoverKinds

/// Deterministic per-request counters: what each context builder creates, by construction.
@Suite struct CounterTests {
    static func perRequest(_ scenario: String, _ context: ContextKind, n: Int = 200) throws -> (closures: Double, allocs: Double) {
        let s = try Scenario.load(directory: "\(scenariosRoot)/\(scenario)")
        let e = try Engine(appPath: s.appPath, builder: context.makeBuilder())
        let request = s.request()
        for _ in 0..<20 { _ = e.handle(request) }  // warm: interned strings, grown tables
        let before = e.counters.snapshot()
        for _ in 0..<n { _ = e.handle(request) }
        let after = e.counters.snapshot()
        return (Double(after.closures - before.closures) / Double(n), Double(after.luaAllocs - before.luaAllocs) / Double(n))
    }

    @Test(arguments: [
        ("params-only", ContextKind.eager, 4.0), ("params-only", .lazy, 1), ("params-only", .cached, 1), ("params-only", .shared, 0),
        ("hello", .eager, 4), ("hello", .lazy, 0), ("hello", .cached, 0), ("hello", .shared, 0),
        ("headers-heavy", .eager, 4), ("headers-heavy", .lazy, 4), ("headers-heavy", .cached, 1), ("headers-heavy", .shared, 0),
        ("all-fields", .eager, 4), ("all-fields", .lazy, 4), ("all-fields", .cached, 4), ("all-fields", .shared, 0),
        // a before-hook's ctx:headers() then the handler's ctx:params(): lazy creates one closure each
        ("middleware-auth", .eager, 4), ("middleware-auth", .lazy, 2), ("middleware-auth", .cached, 2), ("middleware-auth", .shared, 0),
        ("body-json", .eager, 4), ("body-json", .lazy, 1), ("body-json", .cached, 1), ("body-json", .shared, 0),
        ("params-only", .userdata, 0), ("hello", .userdata, 0), ("headers-heavy", .userdata, 0), ("all-fields", .userdata, 0),
        ("middleware-auth", .userdata, 0), ("body-json", .userdata, 0),
        // validation is C and prelude Lua: it adds no accessor closure under any builder
        ("body-expect", .eager, 4), ("body-expect", .lazy, 1), ("body-expect", .cached, 1), ("body-expect", .shared, 0),
        ("body-expect", .userdata, 0), ("guard-schema", .eager, 4), ("guard-schema", .lazy, 1), ("guard-schema", .cached, 1),
        ("guard-schema", .shared, 0), ("guard-schema", .userdata, 0),
    ] as [(String, ContextKind, Double)])
    func closuresPerRequest(scenario: String, context: ContextKind, expected: Double) throws {
        #expect(try Self.perRequest(scenario, context).closures == expected)
    }

    @Test func lazyAllocatesLessThanEagerWhenOneAccessorIsUsed() throws {
        let eager = try Self.perRequest("params-only", .eager).allocs
        let lazy = try Self.perRequest("params-only", .lazy).allocs
        let shared = try Self.perRequest("params-only", .shared).allocs
        #expect(lazy < eager)
        #expect(shared < lazy)
        let userdata = try Self.perRequest("params-only", .userdata).allocs
        #expect(userdata < shared)  // no ctx table and no request ref: only what params() builds
    }
}
