public import RoverLua

/// Builds the `ctx` a handler receives, for one request on one VM.
///
/// Implementations (eager, lazy, cached, shared, userdata) live in RoverStrategies, one type per
/// file; the engine holds one as `any ContextBuilder`. A builder is shared by every VM
/// (`Sendable`, no mutable state); its per-VM state is what `prepare` returns, a
/// `PreparedContext` the engine keeps and asks to push each request's ctx. Each builder's Lua-stack
/// code is RoverLua's `LuaVM+<Name>Context.swift`, over its C in `Sources/CLua/rover_ctx_<name>.h`.
/// Every builder must give byte-identical responses for every app (one contract test).
public protocol ContextBuilder: Sendable {
    /// Once per VM, after the app loads: the VM's state for this builder (a metatable, a pool).
    /// Stack: unchanged.
    func prepare(_ vm: LuaVM) -> any PreparedContext
}
