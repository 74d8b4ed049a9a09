import CLua

/// A Lua coroutine (thread) of one VM, anchored in its registry until `releaseCoroutine`.
/// Not `Sendable`: used with its VM only.
public struct LuaCoroutine {
    let thread: OpaquePointer
    let anchor: LuaRef
}

/// How a resume of a coroutine ended.
public enum CoroutineOutcome<Result> {
    /// The function returned: what `read` made of its first result (or nil). The coroutine can
    /// run another function.
    case finished(Result)
    /// The function yielded: it can be resumed. What it yielded is dropped.
    case yielded
    /// The function raised; the coroutine is dead (release it). Stack unchanged.
    case failed(LuaError)
}

/// Running functions in coroutines, with request slots so that several requests can be live in
/// one VM. All Lua work happens in C (`rover_coro.h`): `lua_resume` is a protected call, so no Lua
/// error unwinds a Swift frame.
extension LuaVM {
    /// A new request slot, kept for the VM's life. Stage into it with `useSlot`.
    public func makeRequestSlot() -> RequestSlot {
        let slot = RequestSlot()
        extraSlots.append(slot)
        return slot
    }

    /// Makes `beginRequest`, the staging calls and the context primitives use `slot` (nil: the
    /// home slot). Stack: unchanged.
    public func useSlot(_ slot: RequestSlot?) {
        let s = slot ?? home
        request = s.request
        spans = s.spans
    }

    /// A new coroutine. Stack: unchanged.
    public func newCoroutine() -> LuaCoroutine {
        guard let thread = rover_co_new(L) else { fatalError("lua_newthread failed") }
        return LuaCoroutine(thread: thread, anchor: ref())
    }

    /// Lets the coroutine be collected. Stack: unchanged.
    public func releaseCoroutine(_ co: LuaCoroutine) {
        rover_lua_unref(L, rover_registryindex(), co.anchor.raw)
    }

    /// Moves the function below the `arguments` on top of the stack onto the (idle) coroutine, and
    /// starts its instruction count afresh. Stack: -(arguments + 1). (Outside RoverLua:
    /// `load(_:function:pushArgument:)`.)
    func load(_ co: LuaCoroutine, arguments: Int32) {
        rover_co_load(L, co.thread, arguments + 1)
    }

    /// Starts (after `load`, with its `arguments`) or resumes (after `.yielded`, with 0) the
    /// coroutine under the memory limit and `remaining` instructions of the instruction budget
    /// (ignored when the VM has no budget); stores the instructions left in `remaining`. When the
    /// function returns, `read` sees its first result. Stack: unchanged.
    public func resume<R>(_ co: LuaCoroutine, arguments: Int32, remaining: inout Int64,
                          read: (Int32) -> R) -> CoroutineOutcome<R> {
        var left = remaining
        let base = top
        let status = rover_co_resume(L, co.thread, arguments, &left)
        remaining = left
        if status == LUA_OK {
            defer { setTop(base) }
            return .finished(read(base + 1))
        }
        if status == LUA_YIELD { return .yielded }
        let kind = failureKind(status)
        defer { setTop(base) }
        rover_co_take_error(L, co.thread)
        if let rejected = rejection() { return .failed(rejected) }  // as `pcall` reads it
        if kind == .memory { return .failed(LuaError(kind: kind, message: "not enough memory")) }
        let described = rover_co_describe_error(L, co.thread)
        let text = described == LUA_OK ? (string(at: -1) ?? "(error object is not a string)") : "?"
        return .failed(LuaError(kind: kind, combined: text))
    }
}
