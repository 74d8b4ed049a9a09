import NIOCore
import RoverEngine

/// One event loop's share of the `coroutine` dispatcher: its VM, and the requests whose handler
/// yielded, resumed together once per pass as Rover's `resume_yielded_coroutines` does once per
/// turn of its event loop (rover-server/src/event_loop.rs).
///
/// A pass is a timer `resumeInterval` ahead, not an immediate task: NIO runs every ready task before
/// it polls for I/O again, so a handler that yields in a loop and were resumed by immediate tasks
/// would starve the loop's connections. Lives in RoverStrategies/Dispatchers.
///
/// `@unchecked Sendable` — invariant: `parked` and `passScheduled` are touched only on `loop`
/// (by `dispatch`, called on it, and by the pass, scheduled on it); `box` and `loop` never change.
final class CoroutineLoop: @unchecked Sendable {
    /// How long parked requests wait for their next resume (the loop polls for I/O meanwhile).
    static let resumeInterval = TimeAmount.microseconds(100)


    let box: HandlerBox
    let loop: any EventLoop
    /// `box.handler` when it can run requests in coroutines (an `Engine`); nil for test fakes.
    private let coroutineHandler: (any CoroutineHandling)?
    private var parked: [(request: SuspendedRequest, reply: Reply)] = []
    private var passScheduled = false

    init(box: HandlerBox, loop: any EventLoop) {
        self.box = box
        self.loop = loop
        coroutineHandler = box.handler as? any CoroutineHandling
    }

    func dispatch(_ request: Request, reply: Reply) {
        loop.assertInEventLoop()
        guard let handler = coroutineHandler else {
            reply(box.handler.handle(request))  // no Lua (test fakes): run as `affine` does
            return
        }
        settle(handler.start(request), reply)
    }

    private func settle(_ step: CoroutineStep, _ reply: Reply) {
        switch step {
        case .done(let response):
            reply(response)
        case .suspended(let request):
            parked.append((request, reply))
            guard !passScheduled else { return }
            passScheduled = true
            loop.scheduleTask(in: Self.resumeInterval) { self.pass() }
        }
    }

    /// Resumes each parked request once; those that yield again wait for the next pass.
    private func pass() {
        passScheduled = false
        guard let handler = coroutineHandler else { return }  // only such handlers park requests
        let due = parked
        parked.removeAll(keepingCapacity: true)
        for (request, reply) in due { settle(handler.resume(request), reply) }
    }
}
