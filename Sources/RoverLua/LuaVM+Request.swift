import CLua

/// Staging a request for the accessors.
///
/// The engine stages a request (pointers into its own buffers, valid until `endRequest`), a
/// context builder's per-VM state pushes `ctx` (`PreparedContext`, LuaVM+Context.swift and
/// LuaVM+<Name>Context.swift), and the accessor C functions read the staged request. `endRequest` bumps the VM's generation, so an accessor kept past its request
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
}
