public import RoverLua

/// Builds the `ctx` a handler receives, for one request on one VM.
///
/// Implementations (eager, lazy, cached, shared) live in RoverStrategies, one type per file; the
/// engine holds one as `any ContextBuilder`. A builder is shared by every VM (`Sendable`, no
/// mutable state); per-VM state (a metatable) is made by `prepare` and handed back on each call.
/// Every builder must give byte-identical responses for every app (one contract test).
public protocol ContextBuilder: Sendable {
    /// Once per VM, after the app loads. Stack: unchanged.
    func prepare(_ vm: LuaVM) -> LuaRef?
    /// Pushes exactly one value, the ctx of the staged request (stack +1). Runs outside any
    /// protected call, so it uses only LuaVM's context primitives, which cannot raise.
    func pushContext(_ vm: LuaVM, prepared: LuaRef?)
}
