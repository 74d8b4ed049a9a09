import RoverLua

/// The coroutine path (the `coroutine` dispatcher): each request runs in a coroutine taken from
/// the VM's pool, as Rover's `execute_handler_coroutine` does. A handler that calls
/// `coroutine.yield()` suspends only its request; the dispatcher resumes it later and its ctx stays
/// valid until it returns. Routing, ctx and the answer are exactly those of `handle`; the
/// instruction budget counts the request's instructions across all its resumes and every
/// coroutine it runs, and the memory limit applies while it runs.
extension Engine: CoroutineHandling {
    public func start(_ request: Request) -> CoroutineStep {
        if let defaults, defaults.preflight(request) != nil { return .done(handle(request)) }  // answered before routing
        if let body = request.body, body.count > bodySizeLimit { return .done(handle(request)) }  // its 413
        let match = request.head.withUnsafeBufferPointer { head in
            router.match(head, path: request.target.lowerBound..<request.pathEnd, method: request.method, params: params)
        }
        guard case .found(let route, let paramCount) = match else { return .done(handle(request)) }  // 404, 405, OPTIONS
        let slot = coroutines.takeSlot(vm)
        let bytes = slot.copy(head: request.head, body: request.body)
        vm.useSlot(slot)
        stage(request, route, paramCount, base: bytes.head, body: bytes.body)
        let co = coroutines.takeCoroutine(vm)
        vm.load(co, function: handlers[route]) { context.push(vm) }
        vm.useSlot(nil)
        let suspended = SuspendedRequest(slot: slot, coroutine: co, remaining: Int64(vm.instructionBudget))
        if let defaults { suspended.profile = (defaults.incoming(request), request) }
        return step(suspended, arguments: 1)
    }

    public func resume(_ request: SuspendedRequest) -> CoroutineStep { step(request, arguments: 0) }

    private func step(_ request: SuspendedRequest, arguments: Int32) -> CoroutineStep {
        let response: Response
        let outcome = vm.resume(request.coroutine, arguments: arguments, remaining: &request.remaining) { result in
            ResponseConverter.convert(vm, at: result, responseMetatable: responseMetatable, spare: &bodySpare)
        }
        switch outcome {
        case .yielded:
            return .suspended(request)
        case .finished(let answer):
            response = answer
            finish(request, reusable: true)
        case .failed(let error):
            if case .rejected(let status) = error.kind {  // an HTTP answer, not a failure (as `handle`)
                response = Response.rejection(status, error)
            } else {
                counters.recordError(error.kind)
                response = Response.error(500, error.message)
            }
            finish(request, reusable: false)
        }
        if let defaults, let (incoming, original) = request.profile {
            var finished = response
            finish(&finished, original, incoming, ranHandler: true, defaults)
            return .done(finished)
        }
        return .done(response)
    }

    private func finish(_ request: SuspendedRequest, reusable: Bool) {
        vm.useSlot(request.slot)
        vm.endRequest()
        vm.useSlot(nil)
        coroutines.giveBack(request.slot)
        coroutines.giveBack(request.coroutine, reusable: reusable, vm)
        counters.publishCoroutines(created: coroutines.created, reused: coroutines.reused)
        counters.publish(vm.stats, requestsDelta: 1)
    }
}
