public import RoverLua
public import RoverKinds

/// One Rover app loaded into one Lua VM: route, build `ctx`, run the handler, convert the result.
///
/// Not `Sendable`: an Engine owns a Lua VM and is used by one thread at a time; dispatchers move
/// it between threads only through a pool or a dedicated thread. `handle` never throws: a Lua
/// error, a spent instruction budget or the memory limit become a 500 and the VM stays usable.
public final class Engine: RequestHandling {
    public let counters: EngineCounters
    public let appPath: String
    public let vm: LuaVM
    /// The context builder's per-VM state (`ContextBuilder.prepare`): pushes each request's ctx.
    let context: any PreparedContext
    let router: Router
    let handlers: [LuaRef]
    let responseMetatable: LuaRef
    let bodySizeLimit: Int
    /// The Rover-defaults profile (nil: the seed profile, nothing added around the app).
    let defaults: RoverDefaults?
    /// Where the router leaves a match's parameter values (a buffer, not a `var` array: no
    /// exclusivity check or allocation per request).
    let params: UnsafeMutableBufferPointer<Range<Int>>
    /// Idle coroutines and free request slots for the coroutine path (`Engine+Coroutine`).
    let coroutines = CoroutinePools()
    /// The last JSON body, refilled for the next (`ResponseConverter.convert`).
    var bodySpare: [UInt8] = []

    /// Loads `appPath` into a new VM. Throws `EngineError` naming the file (and line) when the app
    /// cannot be read or compiled, raises while loading, or declares no routes.
    /// `profile` chooses what is added around the app's answers (`ResponseProfile`).
    public init(appPath: String, builder: any ContextBuilder, limits: EngineLimits = EngineLimits(),
                profile: ResponseProfile = .seed) throws(EngineError) {
        counters = EngineCounters(profile: profile == .roverDefaults)
        self.appPath = appPath
        let vm = LuaVM()
        self.vm = vm
        let app = try AppLoader.load(appPath, into: vm, profile: profile)
        router = app.router
        handlers = app.handlers
        responseMetatable = app.responseMetatable
        bodySizeLimit = app.bodySizeLimit ?? Int.max
        defaults = app.defaults
        context = builder.prepare(vm)
        vm.instructionBudget = Int32(clamping: limits.instructionBudget)
        vm.memoryLimit = limits.memoryLimit
        params = .allocate(capacity: max(1, app.router.maxParams))
        counters.publish(vm.stats, requestsDelta: 0)
    }

    deinit { params.deallocate() }

    public func handle(_ request: Request) -> Response {
        if let defaults { return handleWithDefaults(request, defaults) }
        let response = request.head.withUnsafeBufferPointer { head in
            route(request, head)
        }
        counters.publish(vm.stats, requestsDelta: 1)
        return response
    }

    /// `handle` under the Rover-defaults profile: a CORS preflight is answered before routing
    /// (no Lua runs), the request's coding and Origin are read, and the answer is finished as
    /// Rover's `set_http_response` finishes it (`RoverDefaults`).
    private func handleWithDefaults(_ request: Request, _ defaults: RoverDefaults) -> Response {
        if let answer = defaults.preflight(request) {
            counters.recordPreflight()
            counters.publish(vm.stats, requestsDelta: 1)
            return answer
        }
        let incoming = defaults.incoming(request)
        var ranHandler = false
        var response = request.head.withUnsafeBufferPointer { head in
            route(request, head, ranHandler: &ranHandler)
        }
        finish(&response, request, incoming, ranHandler: ranHandler, defaults)
        counters.publish(vm.stats, requestsDelta: 1)
        return response
    }

    func finish(_ response: inout Response, _ request: Request, _ incoming: RoverDefaults.Incoming, ranHandler: Bool,
                _ defaults: RoverDefaults) {
        if ranHandler {
            defaults.finishHandlerAnswer(&response, incoming, isHead: request.method == .head, counters: counters)
        } else if response.status != 413 {  // Rover writes its 413 directly, without the defaults
            defaults.finishOther(&response)
        }
    }

    private func route(_ request: Request, _ head: UnsafeBufferPointer<UInt8>) -> Response {
        var ranHandler = false
        return route(request, head, ranHandler: &ranHandler)
    }

    @inline(__always)
    private func route(_ request: Request, _ head: UnsafeBufferPointer<UInt8>, ranHandler: inout Bool) -> Response {
        if let body = request.body, body.count > bodySizeLimit {  // before routing, as Rover does
            return Response.error(413, "Request body too large: \(body.count) bytes exceeds limit of \(bodySizeLimit) bytes")
        }
        let pathEnd = request.pathEnd
        let path = request.target.lowerBound..<pathEnd
        switch router.match(head, path: path, method: request.method, params: params) {
        case .notFound:
            return Response.error(404, "Route not found")
        case .methodNotAllowed(let allow):
            if request.method == .options {  // as Rover: an OPTIONS without a handler lists the methods
                return Response(status: 204, contentType: nil, headers: [HTTPField("Allow", allow)])
            }
            var r = Response.error(405, "Method not allowed")
            r.headers.append(HTTPField("Allow", allow))
            return r
        case .found(let route, let paramCount):
            ranHandler = true
            if let body = request.body {
                return body.withUnsafeBufferPointer { b in
                    run(route, paramCount, request, head.baseAddress!, b)
                }
            }
            return run(route, paramCount, request, head.baseAddress!, nil)
        }
    }

    private func run(_ route: Int, _ paramCount: Int, _ request: Request, _ base: UnsafePointer<UInt8>,
                     _ body: UnsafeBufferPointer<UInt8>?) -> Response {
        stage(request, route, paramCount, base: base, body: body)
        defer { vm.endRequest() }
        do {
            return try vm.call(handlers[route], pushArgument: { context.push(vm) }) { result in
                ResponseConverter.convert(vm, at: result, responseMetatable: responseMetatable, spare: &bodySpare)
            }
        } catch {
            if case .rejected(let status) = error.kind { return Response.rejection(status, error) }
            counters.recordError(error.kind)
            return Response.error(500, error.message)
        }
    }
}

extension Engine {
    /// Stages a routed request for its ctx, for both dispatch paths (`handle` and the coroutine
    /// path's `start`): the request line's ranges, the headers, the request id (Rover-defaults
    /// profile) and the route's parameter values (left in `params` by the router). `base` holds
    /// the head's bytes and `body` the body's, valid until `vm.endRequest()`.
    @inline(__always)
    func stage(_ request: Request, _ route: Int, _ paramCount: Int, base: UnsafePointer<UInt8>,
               body: UnsafeBufferPointer<UInt8>?) {
        let pathEnd = request.pathEnd
        let query = pathEnd < request.target.upperBound ? (pathEnd + 1)..<request.target.upperBound : nil
        vm.beginRequest(base: base, method: request.method.staticToken, path: request.target.lowerBound..<pathEnd,
                        query: query, body: body)
        vm.reserveHeaders(request.headers.count)
        for (i, h) in request.headers.enumerated() { vm.setHeader(i, name: h.name, value: h.value) }
        if defaults != nil { counters.recordRequestID(extracted: vm.stageRequestID()) }
        let names = router.paramNames[route]
        vm.reserveParams(paramCount)
        for i in 0..<paramCount { vm.setParam(i, name: names[i], value: params[i]) }
    }
}

/// Per-VM limits. Defaults are generous for real handlers and small enough to stop runaway ones.
public struct EngineLimits: Sendable, Equatable {
    /// Lua VM instructions one handler may run before it is stopped with a 500 (0: unlimited).
    public var instructionBudget: Int
    /// Bytes one VM may hold while a handler runs before allocation fails with a 500 (0: unlimited).
    public var memoryLimit: Int
    public init(instructionBudget: Int = 10_000_000, memoryLimit: Int = 64 << 20) {
        self.instructionBudget = instructionBudget
        self.memoryLimit = memoryLimit
    }
}
