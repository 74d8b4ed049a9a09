/// Stack-balanced access for code outside RoverLua: each of these leaves the stack as it found
/// it, whatever its body does and whether it returns or throws. The engine loads apps, calls
/// handlers and reads their answers through these alone, so no Lua stack bookkeeping lives
/// outside this module (pinned by `LuaBalanceTests`). A body gets the absolute index of the value
/// it may read; it must not keep that index after it returns.
extension LuaVM {
    // MARK: Fields

    /// Runs `body` with `t[key]` of the table at `index` read raw (no metamethod runs): the
    /// value's index and its type.
    @inlinable
    public func withRawField<R, E: Error>(_ key: String, of index: Int32,
                                          _ body: (Int32, LuaType) throws(E) -> R) throws(E) -> R {
        let t = absolute(index)
        let base = top
        defer { setTop(base) }
        let type = rawField(key, of: t)
        return try body(base + 1, type)
    }

    /// Runs `body` with the global `name` (its index and type).
    public func withGlobal<R, E: Error>(_ name: String, _ body: (Int32, LuaType) throws(E) -> R) throws(E) -> R {
        let base = top
        defer { setTop(base) }
        let type = pushGlobal(name)
        return try body(base + 1, type)
    }

    /// Runs `body` with the registry value `ref` (its index and type).
    public func withRef<R, E: Error>(_ ref: LuaRef, _ body: (Int32, LuaType) throws(E) -> R) throws(E) -> R {
        let base = top
        defer { setTop(base) }
        push(ref)
        return try body(base + 1, type(at: base + 1))
    }

    /// A registry reference to the global `name` (a reference to nil when absent).
    public func refToGlobal(_ name: String) -> LuaRef {
        pushGlobal(name)
        return ref()
    }

    /// `t[key]` as text when it is a string or a number (Lua's own conversion), else nil.
    public func rawString(_ key: String, of index: Int32) -> String? {
        withRawField(key, of: index) { i, _ in string(at: i) }
    }

    /// `t[key]` as an integer when it is a number of integral value, else nil.
    public func rawInteger(_ key: String, of index: Int32) -> Int64? {
        withRawField(key, of: index) { i, type in
            guard type == .number else { return nil }
            let k = integer(at: i)
            return Double(k) == number(at: i) ? k : nil
        }
    }

    /// A registry reference to `t[key]` (a reference to nil when absent).
    public func refToRawField(_ key: String, of index: Int32) -> LuaRef {
        let t = absolute(index)
        rawField(key, of: t)
        return ref()
    }

    /// Runs `body` for t[1] … t[#t] of the table at `index` (raw reads), with the element's
    /// position, index and type.
    public func forEachElement<E: Error>(of index: Int32, _ body: (Int, Int32, LuaType) throws(E) -> Void) throws(E) {
        let t = absolute(index)
        let base = top
        defer { setTop(base) }
        let count = rawLength(of: t)
        guard count > 0 else { return }
        for i in 1...count {
            let type = rawIndex(i, of: t)
            try body(i, base + 1, type)
            setTop(base)
        }
    }

    // MARK: Chunks and calls

    /// Runs a chunk (see `run(source:name:results:)`) and keeps its first result in the registry.
    public func evaluate(source: [UInt8], name: String) throws(LuaError) -> LuaRef {
        try run(source: source, name: name, results: 1)
        return ref()
    }

    /// Calls the registry function `function` with the one argument `pushArgument` pushes, under
    /// the traceback message handler, the instruction budget and the memory limit (see `pcall`),
    /// then lets `read` see its `results` results (the index of the first).
    @inlinable
    public func call<R>(_ function: LuaRef, results: Int32 = 1, pushArgument: () -> Void,
                        read: (Int32) -> R) throws(LuaError) -> R {
        let base = top
        defer { setTop(base) }
        pushMessageHandler()
        push(function)
        pushArgument()
        precondition(top == base + 3, "a call's argument must push exactly one value")
        try pcall(arguments: 1, results: results, messageHandler: base + 1)
        return read(base + 2)
    }

    /// `call` with a registry value as the argument.
    public func call<R>(_ function: LuaRef, argument: LuaRef, results: Int32 = 1,
                        read: (Int32) -> R) throws(LuaError) -> R {
        try call(function, results: results, pushArgument: { push(argument) }, read: read)
    }

    /// Moves the registry function `function` and the one argument `pushArgument` pushes onto the
    /// (idle) coroutine, ready for `resume(_:arguments: 1, …)`.
    public func load(_ co: LuaCoroutine, function: LuaRef, pushArgument: () -> Void) {
        let base = top
        push(function)
        pushArgument()
        precondition(top == base + 2, "a coroutine's argument must push exactly one value")
        load(co, arguments: 1)
    }
}
