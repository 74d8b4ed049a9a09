public import ArgumentParser
import RoverKinds
import Foundation
import RoverEngine
import RoverLua

extension LuaRuntime: ExpressibleByArgument {}

/// The Lua runtime and the instruction budget, shared by `serve` and `micro` (one runtime per
/// process: the shim loads one library, see `LuaRuntime`).
struct LuaOptions: ParsableArguments {
    @Option(name: .customLong("lua"), help: "Lua runtime: \(LuaRuntime.allCases.map(\.rawValue).joined(separator: "|")).")
    var runtime: LuaRuntime = .lua54

    @Option(name: .customLong("instruction-budget"),
            help: "Lua instructions per request (0: none). On luajit a budget turns the JIT compiler off.")
    var instructionBudget: Int = EngineLimits().instructionBudget

    func validate() throws { try Self.validate(budget: instructionBudget) }

    /// `--instruction-budget` must fit the VM's counter (`sweep` passes it on to every server).
    static func validate(budget: Int) throws {
        guard (0...Int(Int32.max)).contains(budget) else {
            throw ValidationError("--instruction-budget must be in 0...\(Int32.max), got \(budget)")
        }
    }

    /// The engine limits these options give.
    var limits: EngineLimits {
        var l = EngineLimits()
        l.instructionBudget = instructionBudget
        return l
    }

    /// Loads the runtime before any VM is made and says on stderr what it cannot do; exits 1 when
    /// its library is missing.
    func load() throws {
        do { try runtime.load() } catch {
            printErr("error: --lua \(error)")
            throw ExitCode(1)
        }
        if runtime == .luajit {
            let mode = instructionBudget > 0
                ? "luajit: the JIT compiler is off (an instruction budget is set, and LuaJIT does not run count hooks inside compiled traces); --instruction-budget 0 turns it on"
                : "luajit: the JIT compiler is on and no instruction budget applies"
            printErr("\(mode); allocation counts work as on lua5.4; the memory limit holds (a full collection follows a memory kill: LuaJIT has no emergency GC); apps using Lua 5.3+ syntax are refused at load")
        }
    }
}
