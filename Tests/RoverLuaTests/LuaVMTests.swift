@testable import RoverLua
import Testing

@Suite struct LuaVMTests {
    func run(_ vm: LuaVM, _ src: String, results: Int32 = 1) throws(LuaError) {
        try vm.run(source: Array(src.utf8), name: "=test", results: results)
    }

    @Test func runLeavesExactlyTheResultsAndFailureLeavesNothing() throws {
        let vm = LuaVM()
        #expect(vm.top == 0)
        try run(vm, "return 1, 2", results: 2)
        #expect(vm.top == 2)
        #expect(vm.integer(at: 1) == 1 && vm.integer(at: 2) == 2)
        vm.setTop(0)
        #expect(throws: LuaError.self) { try run(vm, "error('x')") }
        #expect(vm.top == 0)
        #expect(throws: LuaError.self) { try run(vm, "this is not lua") }
        #expect(vm.top == 0)
    }

    @Test func syntaxAndRuntimeErrorsAreTold() {
        let vm = LuaVM()
        do {
            try run(vm, "local = 1")
            Issue.record("no error")
        } catch {
            #expect(error.kind == .syntax)
            #expect(error.message.hasPrefix("test:1:"))
        }
        do {
            try run(vm, "local function f() error('deep') end\nf()")
            Issue.record("no error")
        } catch {
            #expect(error.kind == .runtime)
            #expect(error.message == "test:1: deep")
            #expect(error.traceback.hasPrefix("stack traceback:"))
            #expect(error.traceback.contains("in local 'f'") || error.traceback.contains("in function"))
        }
    }

    @Test func memoryLimitAppliesOnlyInsideProtectedCalls() throws {
        let vm = LuaVM(memoryLimit: 4 << 20)
        do {
            try run(vm, "local t = {} for i = 1, 1e7 do t[i] = i end")
            Issue.record("no error")
        } catch {
            #expect(error.kind == .memory)
        }
        #expect(vm.top == 0)
        try run(vm, "return 'still alive'")
        #expect(vm.string(at: -1) == "still alive")
        #expect(vm.stats.peakBytes <= 4 << 20)
    }

    @Test func instructionBudgetStopsLoopsAndResetsPerCall() throws {
        let vm = LuaVM(instructionBudget: 100_000)
        do {
            try run(vm, "while true do end")
            Issue.record("no error")
        } catch {
            #expect(error.kind == .budget)
            #expect(error.message.contains("instruction budget exhausted"))
        }
        // A call under the budget, twice: the count restarts for each call.
        for _ in 0..<2 { try run(vm, "local x = 0 for i = 1, 10000 do x = x + i end return x") }
        #expect(vm.integer(at: -1) == 50_005_000)
    }

    @Test func allocatorCountsAllocationsAndBytes() throws {
        let vm = LuaVM()
        let before = vm.stats
        try run(vm, "local t = {} for i = 1, 100 do t[i] = {} end return t")
        let after = vm.stats
        #expect(after.allocations - before.allocations >= 100)
        #expect(after.bytes - before.bytes >= 100 * 56)
        #expect(after.liveBytes > before.liveBytes)
        #expect(after.peakBytes >= after.liveBytes)
    }

    @Test func jsonEncodingIsStackNeutral() throws {
        let vm = LuaVM()
        try run(vm, "return { b = { 1, 2 }, a = 'x' }")
        let depth = vm.top
        var out: [UInt8] = []
        try vm.appendJSON(at: -1, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"{"a":"x","b":[1,2]}"#)
        #expect(vm.top == depth)
        try run(vm, "local t = {} t[1] = t return t")
        let d2 = vm.top
        #expect(throws: JSONEncodingError.self) { try vm.appendJSON(at: -1, to: &out) }
        #expect(vm.top == d2)
    }
}
