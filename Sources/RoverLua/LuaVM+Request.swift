import CLua

/// Staging a request for the accessors, and the primitives context builders compose.
///
/// The engine stages a request (pointers into its own buffers, valid until `endRequest`), a
/// context builder pushes `ctx` with the primitives below, and the accessor C functions read the
/// staged request. `endRequest` bumps the VM's generation, so an accessor kept past its request
/// raises "ctx used after its request ended" instead of reading freed memory.
extension LuaVM {
    /// Stages a request. `base` holds the path, query and header bytes; ranges index into it.
    /// Stack: unchanged.

    public func beginRequest(base: UnsafePointer<UInt8>, method: StaticString, path: Range<Int>,
                             query: Range<Int>?, body: UnsafeBufferPointer<UInt8>?) {
        state.pointee.generation &+= 1
        request.pointee.base = base
        request.pointee.generation = state.pointee.generation
        if let query {
            request.pointee.query = RoverSpan(off: query.lowerBound, len: query.count)
            request.pointee.has_query = 1
        } else {
            request.pointee.has_query = 0
        }
        request.pointee.body = body?.baseAddress ?? (body != nil ? emptyBody : nil)
        request.pointee.body_len = body?.count ?? 0
        request.pointee.header_count = 0
        request.pointee.param_count = 0
        request.pointee.method = UnsafeRawPointer(method.utf8Start).assumingMemoryBound(to: CChar.self)
        request.pointee.method_len = method.utf8CodeUnitCount
        request.pointee.path = RoverSpan(off: path.lowerBound, len: path.count)
    }

    /// Stages `count` header fields; fill them with `setHeader`.

    public func reserveHeaders(_ count: Int) {
        spans.pointee.headers.reserve(count)
        request.pointee.header_names = UnsafePointer(spans.pointee.headers.first)
        request.pointee.header_values = UnsafePointer(spans.pointee.headers.second)
        request.pointee.header_count = Int32(count)
    }


    public func setHeader(_ i: Int, name: Range<Int>, value: Range<Int>) {
        spans.pointee.headers.first[i] = RoverSpan(off: name.lowerBound, len: name.count)
        spans.pointee.headers.second[i] = RoverSpan(off: value.lowerBound, len: value.count)
    }

    /// Stages `count` route parameters; fill them with `setParam`.

    public func reserveParams(_ count: Int) {
        spans.pointee.params.reserve(count)
        request.pointee.param_names = UnsafePointer(spans.pointee.params.first)
        request.pointee.param_values = UnsafePointer(spans.pointee.params.second)
        request.pointee.param_count = Int32(count)
    }

    /// `name` must outlive the VM (the router keeps its names for the app's life).

    public func setParam(_ i: Int, name: UnsafePointer<CChar>, value: Range<Int>) {
        spans.pointee.params.first[i] = name
        spans.pointee.params.second[i] = RoverSpan(off: value.lowerBound, len: value.count)
    }

    /// The Rover-defaults profile: stages the request id (call after the headers are staged), as
    /// Rover does for every routed request. Returns true when it came from X-Request-Id, false
    /// when it was generated. `ctx:request_id()` answers it.
    public func stageRequestID() -> Bool {
        rover_stage_request_id(request, state) == 1
    }

    /// Ends the staged request: accessors that escaped it now refuse to run.

    public func endRequest() {
        state.pointee.generation &+= 1
        request.pointee.generation = state.pointee.generation  // a value no ctx was given
        request.pointee.base = nil
        request.pointee.body = nil
    }

    // MARK: Context-builder primitives (call only between beginRequest and endRequest)

    /// Pushes a new ctx table holding `method` and `path`, with room for `extraFields` more
    /// fields. Returns its absolute index. Stack: +1.
    @discardableResult
    public func pushContextTable(extraFields: Int32) -> Int32 {
        rover_lua_createtable(L, 0, 2 + extraFields)
        let t = rover_lua_gettop(L)
        rover_push_method_and_path(L, t, request)
        return t
    }

    /// Pushes a new request ref: the one per-request object the accessors share (the seed's
    /// `Arc<RequestData>`). Returns its absolute index. Stack: +1.
    @discardableResult
    public func pushRequestRef() -> Int32 {
        _ = rover_push_request_ref(L, request)
        return rover_lua_gettop(L)
    }

    /// Pushes a new accessor closure over the request ref at `requestRef`, counting it.
    /// Stack: +1.

    public func pushAccessorClosure(_ accessor: LuaAccessor, requestRef: Int32) {
        rover_push_accessor_closure(L, requestRef, accessor.rawValue)
    }

    /// Pops the top value into `table[name]`; the table must have no metatable yet. Stack: -1.

    public func setField(_ name: StaticString, of table: Int32) {
        name.withUTF8Buffer { n in
            n.withMemoryRebound(to: CChar.self) { rover_lua_setfield(L, table, $0.baseAddress) }
        }
    }

    /// Pops the top value into the table's hidden request slot (a key Lua code cannot name).
    /// Stack: -1.

    public func setHiddenRequest(of table: Int32) {
        rover_push_hidden_key(L)
        rover_insert(L, -2)
        rover_lua_rawset(L, table)
    }

    /// Sets the table's metatable to a registry value. Stack: unchanged.

    public func setMetatable(_ ref: LuaRef, of table: Int32) {
        _ = rover_lua_rawgeti(L, rover_registryindex(), lua_Integer(ref.raw))
        _ = rover_lua_setmetatable(L, table)
    }

    /// A metatable whose `__index` creates the accessor on each access (lazy), optionally storing
    /// it in the ctx (cached). Made once per VM. Stack: unchanged.
    public func makeLazyContextMetatable(cached: Bool) -> LuaRef {
        rover_lua_createtable(L, 0, 1)
        rover_push_lazy_index(L, cached ? 1 : 0)
        rover_lua_setfield(L, -2, "__index")
        return ref()
    }

    /// A metatable whose `__index` is a table of four shared C accessors that read the request
    /// from the ctx's hidden slot, plus the ctx methods: no closure per request. Made once per VM.
    /// Stack: unchanged.
    public func makeSharedAccessorMetatable() -> LuaRef {
        rover_lua_createtable(L, 0, 1)
        rover_lua_createtable(L, 0, 7)
        for a in LuaAccessor.allCases {
            rover_push_shared_accessor(L, a.rawValue)
            setField(a.name, of: -2)
        }
        copyContextMethods(into: -1)
        rover_lua_setfield(L, -2, "__index")
        return ref()
    }

    /// A metatable whose `__index` is the per-VM table of ctx methods (`ctx:set`, `ctx:get`,
    /// `ctx:request_id`), for a ctx that carries its accessors itself (eager). Made once per VM.
    /// Stack: unchanged.
    public func makeContextMethodsMetatable() -> LuaRef {
        rover_lua_createtable(L, 0, 1)
        rover_push_ctx_methods(L)
        rover_lua_setfield(L, -2, "__index")
        return ref()
    }

    /// Copies set, get and request_id into the table at `table`. Stack: unchanged.
    private func copyContextMethods(into table: Int32) {
        let t = rover_lua_absindex(L, table)
        rover_push_ctx_methods(L)
        for name in ["set", "get", "request_id"] {
            rover_lua_getfield(L, -1, name)
            rover_lua_setfield(L, t, name)
        }
        pop()
    }
}
