public import NIOCore
public import NIOPosix
public import RoverEngine

/// What Rover ships (rover-server/src/event_loop.rs): one VM per event-loop thread, and each request
/// runs in a coroutine taken from that VM's pool and given back after use (`ThreadPool::new(2048)`).
/// No channel, no VM pool, no locks: as `affine`, plus the coroutine.
///
/// A handler that yields suspends only its request: the dispatcher resumes it on the same loop as
/// a new loop task (after what the loop already has queued), until it returns, so other requests on
/// that VM run in between. Rover resumes yielded coroutines once per turn of its event loop too;
/// here a plain `coroutine.yield()` means "let others run"; later async work (timers, I/O) can
/// resume on its own event instead. The instruction budget covers all of a request's resumes.
///
/// Handlers that cannot run in coroutines (test fakes) are run as `affine` runs them. The loop →
/// VM table is built once in `init` and never changes; `dispatch` must be called on one of the
/// group's loops (a foreign loop traps).
public final class CoroutineDispatcher: Dispatcher {
    private let byLoop: [ObjectIdentifier: HandlerBox]

    /// Creates one handler on each of `group`'s loops (blocking until all exist); rethrows the
    /// first factory error. Must not be called on one of `group`'s loops.
    public init(group: MultiThreadedEventLoopGroup, factory: @escaping HandlerFactory) throws {
        var table: [ObjectIdentifier: HandlerBox] = [:]
        for loop in group.makeIterator() {
            let box = try loop.submit { HandlerBox(try factory()) }.wait()
            table[ObjectIdentifier(loop)] = box
        }
        byLoop = table
    }

    public func dispatch(_ request: Request, on eventLoop: any EventLoop,
                         reply: @escaping @Sendable (Response) -> Void) {
        guard let box = byLoop[ObjectIdentifier(eventLoop)] else {
            preconditionFailure("CoroutineDispatcher called from a loop outside its group")
        }
        eventLoop.assertInEventLoop()
        guard let handler = box.handler as? any CoroutineHandling else {
            reply(box.handler.handle(request))
            return
        }
        Self.drive(handler.start(request), handler, on: eventLoop, reply: reply)
    }

    private static func drive(_ step: CoroutineStep, _ handler: any CoroutineHandling, on loop: any EventLoop,
                              reply: @escaping @Sendable (Response) -> Void) {
        switch step {
        case .done(let response):
            reply(response)
        case .suspended(let request):
            let parked = ParkedRequest(handler, request)
            loop.execute {
                drive(parked.handler.resume(parked.request), parked.handler, on: loop, reply: reply)
            }
        }
    }

    public func counters() -> CounterSnapshot {
        var total = CounterSnapshot()
        for box in byLoop.values { total.add(box.counters.snapshot()) }
        return total
    }

    /// Nothing to stop: the handlers live on the group's loops and go with the group.
    public func shutdown() {}
}

/// Carries a suspended request and its handler (VM) into the loop task that resumes it.
///
/// `@unchecked Sendable` — invariant: both are touched only on the event loop that owns the
/// handler (the resuming task is executed on that same loop), one step at a time.
private final class ParkedRequest: @unchecked Sendable {
    let handler: any CoroutineHandling
    let request: SuspendedRequest
    init(_ handler: any CoroutineHandling, _ request: SuspendedRequest) {
        self.handler = handler
        self.request = request
    }
}
