/// The Lua runtimes rover-bench runs apps on: PUC Lua 5.4 (the default) or LuaJIT 2.1.
///
/// Belongs to RoverKinds (see ``ContextKind``): parsed once at the CLI edge (`--lua`), carried
/// typed through plans, cell keys and records; a string only inside files (the runs.csv and
/// pairs.csv `runtime` column, a cell id's `.luajit` suffix). RoverLua loads a runtime's library
/// (`load()`). A plain value, `Sendable`.
public enum LuaRuntime: String, CaseIterable, Sendable, Codable, Comparable, CustomStringConvertible {
    case lua54 = "lua5.4"
    case luajit

    /// The file and command-line spelling (`lua5.4`, not the case name).
    public var description: String { rawValue }

    /// Case order: Lua 5.4 first.
    public static func < (a: LuaRuntime, b: LuaRuntime) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
