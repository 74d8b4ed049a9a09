/// Builds the `ctx` a handler receives, for one request on one VM.
///
/// One type per builder, `Context/<Name>Context.swift` here in RoverLua (a builder is Lua-stack
/// code, and RoverLua is the only Swift that touches the stack), over its C in
/// `Sources/CLua/rover_ctx_<name>.h`; what builders share is `LuaVM+Context.swift` and
/// `rover_ctx_common.h`. RoverStrategies maps a `ContextKind` to its builder
/// (`ContextKind+Builder.swift`); the engine holds one as `any ContextBuilder`. A builder is shared
/// by every VM (`Sendable`, no mutable state); its per-VM state is what `prepare` returns, which
/// the engine keeps and asks to push each request's ctx. Every builder must give byte-identical
/// responses for every app (one contract test).
public protocol ContextBuilder: Sendable {
    /// Once per VM, after the app loads: the VM's state for this builder (a metatable, a pool of
    /// ctx userdata). Stack: unchanged.
    func prepare(_ vm: LuaVM) -> any PreparedContext
}

/// A context builder's per-VM state, made once per VM by `ContextBuilder.prepare` and kept by the
/// engine: a small struct (a registry ref), so pushing a ctx allocates nothing in Swift.
public protocol PreparedContext {
    /// Pushes exactly one value, the ctx of the staged request (stack +1). Call only between
    /// `beginRequest` and `endRequest`. Runs outside any protected call, so it uses only the
    /// context primitives (`LuaVM+Context.swift`), which cannot raise.
    func push(_ vm: LuaVM)
}
