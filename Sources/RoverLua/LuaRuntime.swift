import CLua
public import RoverKinds

/// Loading a ``LuaRuntime``'s library into this process.
///
/// Belongs to RoverLua because the C shim loads the library (`rover_lua_open` in `rover_lua.h`):
/// the two libraries export the same symbols, so one process loads exactly one of them, before its
/// first VM.
extension LuaRuntime {
    /// The runtime used when nothing chose one: `ROVER_LUA` from the environment (how the test
    /// suite is run on LuaJIT), else Lua 5.4.
    public static var processDefault: LuaRuntime {
        guard let p = getenv("ROVER_LUA") else { return .lua54 }
        return LuaRuntime(rawValue: String(cString: p)) ?? .lua54
    }

    /// The runtime loaded in this process, if any.
    public static var loaded: LuaRuntime? {
        switch rover_lua_kind() {
        case Int32(ROVER_LUAJIT.rawValue): .luajit
        case Int32(ROVER_LUA54.rawValue): .lua54
        default: nil
        }
    }

    /// Loads `self` for this process (no-op when it is already loaded). Call before the first VM.
    public func load() throws(LuaRuntimeError) {
        let kind = self == .luajit ? ROVER_LUAJIT : ROVER_LUA54
        if let message = rover_lua_open(Int32(kind.rawValue)) {
            throw LuaRuntimeError(runtime: self, message: String(cString: message))
        }
    }

    /// Loads the process default unless a runtime is loaded; stops the process if it cannot.
    /// Every Lua state needs it first (`LuaVM.init` calls it; so does C that makes its own state).
    public static func ensureLoaded() {
        if rover_lua_kind() != 0 { return }
        do { try processDefault.load() } catch { fatalError("\(error)") }
    }
}

/// A runtime could not be loaded (its library is missing, or another runtime is loaded).
public struct LuaRuntimeError: Error, CustomStringConvertible, Sendable {
    public var runtime: LuaRuntime
    public var message: String
    public var description: String { "\(runtime.rawValue): \(message)" }
}
