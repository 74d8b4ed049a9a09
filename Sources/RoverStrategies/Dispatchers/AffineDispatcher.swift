public import RoverSystem
public import NIOCore
public import NIOPosix
public import RoverEngine

/// The OpenResty model: one handler (VM) per event-loop thread, created on that thread; a
/// request runs on its connection's loop with that loop's VM. No locks, no atomics on the path,
/// no hand-offs.
///
/// The loop → VM table is built once in `init` and never changes, so reading it needs no
/// synchronisation. It is two parallel arrays scanned from the front: a group has as many loops
/// as CPUs, and comparing a few identifiers costs less than hashing one (a dictionary lookup was
/// about 130 instructions per request under callgrind). Lives in RoverStrategies/Dispatchers; `dispatch` must be called on one of the
/// group's loops (the HTTP layer does); a foreign loop is a programming error and traps.
public final class AffineDispatcher: Dispatcher {
    private let loops: [ObjectIdentifier]
    private let boxes: [HandlerBox]

    /// Creates one handler on each of `group`'s loops (blocking until all exist); rethrows the
    /// first factory error. Must not be called on one of `group`'s loops.
    public init(group: MultiThreadedEventLoopGroup, factory: @escaping HandlerFactory) throws {
        var loops: [ObjectIdentifier] = []
        var boxes: [HandlerBox] = []
        for loop in group.makeIterator() {
            boxes.append(try loop.submit { HandlerBox(try factory()) }.wait())
            loops.append(ObjectIdentifier(loop))
        }
        self.loops = loops
        self.boxes = boxes
    }

    public func dispatch(_ request: Request, on eventLoop: any EventLoop,
                         reply: Reply) {
        let id = ObjectIdentifier(eventLoop)
        guard let i = loops.firstIndex(of: id) else {
            preconditionFailure("AffineDispatcher called from a loop outside its group")
        }
        eventLoop.assertInEventLoop()
        reply(boxes[i].handler.handle(request))
    }

    public func counters() -> CounterSnapshot {
        var total = CounterSnapshot()
        for box in boxes { total.add(box.counters.snapshot()) }
        return total
    }

    /// Nothing to stop: the handlers live on the group's loops and go with the group.
    public func shutdown() {}
}
