public import RoverSystem
public import NIOCore
public import NIOPosix
public import RoverEngine

/// What Rover ships (rover-server/src/event_loop.rs): one VM per event-loop thread, and each request
/// runs in a coroutine taken from that VM's pool and given back after use (`ThreadPool::new(2048)`).
/// No channel, no VM pool, no locks: as `affine`, plus the coroutine.
///
/// A handler that yields suspends only its request: its loop resumes it on a later pass, after
/// polling for I/O, until it returns (`CoroutineLoop`), so other requests on that VM run in between.
/// A plain `coroutine.yield()` therefore means "let others run"; later async work (timers, I/O)
/// can resume on its own event instead. The instruction budget covers all of a request's resumes.
/// Under every other dispatcher a handler runs on the VM's main thread, where a yield is the Lua
/// error "attempt to yield from outside a coroutine".
///
/// The loop → VM table is built once in `init` and never changes, so reading it needs no
/// synchronisation. `dispatch` must be called on one of the group's loops (a foreign loop traps).
public final class CoroutineDispatcher: Dispatcher {
    private let byLoop: [ObjectIdentifier: CoroutineLoop]

    /// Creates one handler on each of `group`'s loops (blocking until all exist); rethrows the
    /// first factory error. Must not be called on one of `group`'s loops.
    public init(group: MultiThreadedEventLoopGroup, factory: @escaping HandlerFactory) throws {
        var table: [ObjectIdentifier: CoroutineLoop] = [:]
        for loop in group.makeIterator() {
            let box = try loop.submit { HandlerBox(try factory()) }.wait()
            table[ObjectIdentifier(loop)] = CoroutineLoop(box: box, loop: loop)
        }
        byLoop = table
    }

    public func dispatch(_ request: Request, on eventLoop: any EventLoop,
                         reply: Reply) {
        guard let share = byLoop[ObjectIdentifier(eventLoop)] else {
            preconditionFailure("CoroutineDispatcher called from a loop outside its group")
        }
        share.dispatch(request, reply: reply)
    }

    public func counters() -> CounterSnapshot {
        var total = CounterSnapshot()
        for share in byLoop.values { total.add(share.box.counters.snapshot()) }
        return total
    }

    /// Nothing to stop: the handlers live on the group's loops and go with the group.
    public func shutdown() {}
}
