import CLua
import RoverKinds

/// One Lua state (Lua 5.4 or LuaJIT, whichever `LuaRuntime` the process loaded) with a counting allocator, an instruction budget and a memory limit.
///
/// The only Swift that touches the Lua stack lives in this type and its extensions. Threading:
/// not `Sendable`; a VM is used by one thread at a time and crosses threads only through a
/// dispatcher's pool or thread. Error discipline: Swift calls Lua code only through `pcall`;
/// outside a handler call the memory limit is disarmed, so the plain stack operations Swift does
/// cannot raise (Lua's longjmp never crosses a Swift frame). Every public operation documents its
/// stack effect; tests assert the depth after success and failure.
public final class LuaVM {
    let L: OpaquePointer
    let state: UnsafeMutablePointer<RoverVMState>
    /// The slot `beginRequest` stages into (the home slot unless `useSlot` chose another); the C
    /// accessors read the slot their ctx points at. Pointers, and `@exclusivity(unchecked)`: the
    /// request path then pays no dynamic exclusivity check.
    @exclusivity(unchecked) var request: UnsafeMutablePointer<RoverRequest>
    @exclusivity(unchecked) var spans: UnsafeMutablePointer<SpanBuffers>
    let home = RequestSlot()
    /// Slots made for requests run in coroutines; kept for the VM's life (a ctx may point at one).
    var extraSlots: [RequestSlot] = []
    let json: UnsafeMutablePointer<JSONScratch>
    /// A non-NULL pointer for an empty body (a body that is present but empty is not "no body").
    let emptyBody = UnsafePointer<UInt8>(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))

    /// Lua VM instructions one protected call may run (0: unlimited).
    ///
    /// On LuaJIT a budget turns the JIT compiler off (count hooks do not run in compiled traces)
    /// and 0 turns it on; `jitCompiles` says which.
    public var instructionBudget: Int32 {
        get { state.pointee.budget }
        set {
            state.pointee.budget = newValue
            jitCompiles = rover_vm_jit(L, newValue > 0 ? 0 : 1) != 0
        }
    }
    /// LuaJIT with its JIT compiler on (false on Lua 5.4, and on LuaJIT under a budget).
    public private(set) var jitCompiles = false
    /// Bytes this VM may hold while a protected call runs (0: unlimited).
    public var memoryLimit: Int {
        get { state.pointee.limit }
        set { state.pointee.limit = newValue }
    }

    public init(instructionBudget: Int32 = 0, memoryLimit: Int = 0) {
        LuaRuntime.ensureLoaded()
        state = .allocate(capacity: 1)
        state.initialize(to: RoverVMState())
        request = home.request
        spans = home.spans
        json = .allocate(capacity: 1)
        json.initialize(to: JSONScratch())
        guard let L = rover_newstate(state) else { fatalError("lua_newstate failed: out of memory") }
        self.L = L
        state.pointee.limit = memoryLimit
        rover_lua_openlibs(L)
        // After the libraries: LuaJIT's luaopen_jit turns its JIT compiler back on.
        self.instructionBudget = instructionBudget
        rover_install_ctx(L)  // ctx:set/get/request_id and the headers metatable, once per VM
        rover_install_body(L)  // body value methods on strings, and the rejection metatable
    }

    deinit {
        rover_lua_close(L)  // before the slots go (with the stored properties, after this body)
        state.deallocate()
        json.deinitialize(count: 1)
        json.deallocate()
        emptyBody.deallocate()
    }

    // MARK: Counters

    /// Allocation and closure counters since the VM was created.
    public var stats: LuaStats {
        let s = state.pointee
        return LuaStats(allocations: s.allocs, bytes: s.bytes, liveBytes: s.live, peakBytes: s.peak,
                        closures: s.closures)
    }

    // MARK: Stack

    /// The index of the top element (0: empty).
    public var top: Int32 { rover_lua_gettop(L) }

    @usableFromInline func setTop(_ index: Int32) { rover_lua_settop(L, index) }

    func pop(_ n: Int32 = 1) { rover_pop(L, n) }

    public func type(at index: Int32) -> LuaType { LuaType(rawValue: rover_lua_type(L, index)) ?? .none }

    // MARK: Loading and calling

    /// Compiles `source` as a chunk named `name` (use `@path` so errors read `path:line:`) and runs it
    /// with no arguments. Stack: +`results` on success (padded with nil), +0 on failure.
    public func run(source: [UInt8], name: String, results: Int32) throws(LuaError) {
        let base = top
        rover_pushcfunction(L, rover_msgh_function())
        let status = source.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { rover_loadbuffer(L, $0.baseAddress, $0.count, name) }
        }
        if status != LUA_OK {
            let err = LuaError(kind: status == LUA_ERRMEM ? .memory : .syntax, combined: string(at: -1) ?? "?")
            setTop(base)
            throw err
        }
        do {
            try pcall(arguments: 0, results: results, messageHandler: base + 1)
        } catch {
            setTop(base)
            throw error
        }
        rover_remove(L, base + 1)
    }

    /// Pushes the message handler that adds a traceback; pass its index to `pcall`. Stack: +1.
    @usableFromInline func pushMessageHandler() { rover_pushcfunction(L, rover_msgh_function()) }

    /// Calls the function below the `arguments` on top, under the instruction budget and the
    /// memory limit. Stack: function and arguments replaced by `results` values on success; by
    /// nothing on failure (the error is thrown).
    @usableFromInline func pcall(arguments: Int32, results: Int32, messageHandler: Int32) throws(LuaError) {
        let base = top - arguments - 1
        state.pointee.limit_hit = 0
        state.pointee.budget_hit = 0
        let budget = state.pointee.budget
        rover_set_budget(L, budget)
        state.pointee.limit_armed = 1
        let status = rover_pcall(L, arguments, results, messageHandler)
        state.pointee.limit_armed = 0
        if budget > 0 { rover_set_budget(L, 0) }
        guard status != LUA_OK else { return }
        if let rejected = rejection() {  // an HTTP answer raised by C (a malformed JSON body)
            setTop(base)
            throw rejected
        }
        let kind = failureKind(status)
        let text = string(at: -1) ?? "(error object is not a string)"
        setTop(base)
        if kind == .memory { rover_collect(L) }  // the limit is disarmed here
        throw LuaError(kind: kind, combined: kind == .memory ? "not enough memory" : text)
    }

    /// What stopped a call that returned `status`: the budget, the memory limit (or Lua's own
    /// out-of-memory), or a Lua error.
    func failureKind(_ status: Int32) -> LuaError.Kind {
        if state.pointee.budget_hit != 0 { return .budget }
        if status == LUA_ERRMEM || state.pointee.limit_hit != 0 { return .memory }
        return .runtime
    }

    /// The error on top when it is an HTTP answer raised by C (`rover_reject.h`), else nil.
    /// Stack: unchanged.
    func rejection() -> LuaError? {
        guard rover_is_rejection(L, -1) != 0 else { return nil }
        // A validation error (rover_guard.h) carries its errors: answered {"errors": […]}.
        let body: [UInt8]? = withRawField("errors", of: -1) { errors, type in
            guard type == .table else { return nil }
            var out = Array(#"{"errors":"#.utf8)
            do { try appendJSON(at: errors, to: &out) } catch { return nil }
            out.append(UInt8(ascii: "}"))
            return out
        }
        return LuaError(kind: .rejected(status: Int(rawInteger("status", of: -1) ?? 500)),
                        message: rawString("message", of: -1) ?? "", body: body)
    }

    // MARK: Registry

    /// Pops the top value into the registry. Stack: -1.
    func ref() -> LuaRef { LuaRef(raw: rover_lua_ref(L, rover_registryindex())) }

    /// Pushes a registry value. Stack: +1.
    @usableFromInline func push(_ ref: LuaRef) { _ = rover_lua_rawgeti(L, rover_registryindex(), lua_Integer(ref.raw)) }

    /// Pushes a global. Stack: +1.
    @discardableResult
    func pushGlobal(_ name: String) -> LuaType { LuaType(rawValue: rover_lua_getglobal(L, name)) ?? .none }
}

/// Allocation and closure counts of one VM. `allocations` counts blocks allocated or grown.
public struct LuaStats: Sendable, Equatable {
    public var allocations: UInt64
    public var bytes: UInt64
    public var liveBytes: Int
    public var peakBytes: Int
    public var closures: UInt64
}
