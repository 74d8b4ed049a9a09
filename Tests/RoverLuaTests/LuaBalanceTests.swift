import Foundation
@testable import RoverLua
import Testing

/// The stack-balanced primitives the engine uses (it has no others: the raw stack operations are
/// internal to RoverLua). Each must leave the stack as it found it, on every path: returned,
/// thrown by its body, raised by Lua, over budget, yielded.
@Suite struct LuaBalanceTests {
    struct Stop: Error {}

    /// A VM with a global table `t` and a global `k` holding a few values, and 3 unrelated values
    /// on its stack (so that a primitive which resets the stack to 0 would be caught too).
    static func vm(budget: Int32 = 0) throws -> LuaVM {
        let vm = LuaVM(instructionBudget: budget)
        try vm.run(source: Array("""
            t = { name = 'rover', n = 42, half = 1.5, list = { 'a', 'b', 'c' }, nested = { x = 7 } }
            function echo(v) return v end
            function twice(v) return v, v end
            function boom() error('boom') end
            function spin() while true do end end
            function nap(v) coroutine.yield() return v end
            return 1, 2, 3
            """.utf8), name: "=balance", results: 3)
        #expect(vm.top == 3)
        return vm
    }

    @Test func fieldReadsLeaveTheStackAsTheyFoundIt() throws {
        let vm = try Self.vm()
        let (name, n, half, missing, nested) = vm.withGlobal("t") { t, type in
            #expect(type == .table && vm.top == 4)
            return (vm.rawString("name", of: t), vm.rawInteger("n", of: t), vm.rawInteger("half", of: t),
                    vm.rawString("missing", of: t),
                    vm.withRawField("nested", of: t) { nested, _ in vm.rawInteger("x", of: nested) })
        }
        #expect(name == "rover" && n == 42 && half == nil && missing == nil && nested == 7)
        #expect(vm.top == 3)
        // A body that throws: still balanced.
        #expect(throws: Stop.self) {
            try vm.withGlobal("t") { t, _ throws(Stop) in
                try vm.withRawField("list", of: t) { _, _ throws(Stop) in throw Stop() }
            }
        }
        #expect(vm.top == 3)
        // Relative indexes name the table before the field is pushed.
        let viaRelative = vm.withGlobal("t") { _, _ in vm.rawString("name", of: -1) }
        #expect(viaRelative == "rover" && vm.top == 3)
    }

    @Test func elementsAreVisitedInOrderAndAStopMidwayIsBalanced() throws {
        let vm = try Self.vm()
        var seen: [String] = []
        vm.withGlobal("t") { t, _ in
            vm.withRawField("list", of: t) { list, _ in
                vm.forEachElement(of: list) { i, e, type in
                    #expect(type == .string)
                    seen.append("\(i)\(vm.string(at: e) ?? "?")")
                }
            }
        }
        #expect(seen == ["1a", "2b", "3c"] && vm.top == 3)
        #expect(throws: Stop.self) {
            try vm.withGlobal("t") { t, _ throws(Stop) in
                try vm.withRawField("list", of: t) { list, _ throws(Stop) in
                    try vm.forEachElement(of: list) { i, _, _ throws(Stop) in if i == 2 { throw Stop() } }
                }
            }
        }
        #expect(vm.top == 3)
    }

    @Test func callsAreBalancedWhetherTheyReturnRaiseOrRunOutOfBudget() throws {
        let vm = try Self.vm(budget: 100_000)
        let echo = vm.refToGlobal("echo")
        let twice = vm.refToGlobal("twice")
        let boom = vm.refToGlobal("boom")
        let spin = vm.refToGlobal("spin")
        let table = try vm.evaluate(source: Array("return t".utf8), name: "=t")
        #expect(vm.top == 3)

        let name = try vm.call(echo, argument: table) { r in vm.rawString("name", of: r) }
        #expect(name == "rover" && vm.top == 3)
        let both = try vm.call(twice, argument: table, results: 2) { r in
            (vm.rawInteger("n", of: r), vm.rawInteger("n", of: r + 1))
        }
        #expect(both.0 == 42 && both.1 == 42 && vm.top == 3)
        do {
            _ = try vm.call(boom, argument: table) { _ in 0 }
            Issue.record("no error")
        } catch {
            #expect(error.kind == .runtime && error.message.hasSuffix("boom"))
        }
        #expect(vm.top == 3)
        do {
            _ = try vm.call(spin, argument: table) { _ in 0 }
            Issue.record("no error")
        } catch {
            #expect(error.kind == .budget)
        }
        #expect(vm.top == 3)
        // A chunk that fails to evaluate leaves nothing either.
        #expect(throws: LuaError.self) { try vm.evaluate(source: Array("error('x')".utf8), name: "=bad") }
        #expect(vm.top == 3)
    }

    @Test func coroutinesLoadAndResumeWithoutMovingTheMainStack() throws {
        let vm = try Self.vm()
        let nap = vm.refToGlobal("nap")
        let boom = vm.refToGlobal("boom")
        let table = try vm.evaluate(source: Array("return t".utf8), name: "=t")
        let co = vm.newCoroutine()
        var remaining: Int64 = 0
        vm.load(co, function: nap, pushArgument: { vm.push(table) })
        #expect(vm.top == 3)
        guard case .yielded = vm.resume(co, arguments: 1, remaining: &remaining, read: { _ in "" }) else {
            Issue.record("did not yield"); return
        }
        #expect(vm.top == 3)
        guard case .finished(let name) = vm.resume(co, arguments: 0, remaining: &remaining, read: { vm.rawString("name", of: $0) }) else {
            Issue.record("did not finish"); return
        }
        #expect(name == "rover" && vm.top == 3)
        vm.load(co, function: boom, pushArgument: { vm.push(table) })
        guard case .failed(let error) = vm.resume(co, arguments: 1, remaining: &remaining, read: { _ in "" }) else {
            Issue.record("did not fail"); return
        }
        #expect(error.message.hasSuffix("boom") && vm.top == 3)
        vm.releaseCoroutine(co)
    }
}
