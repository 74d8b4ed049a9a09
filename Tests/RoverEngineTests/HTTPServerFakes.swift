import NIOCore
import RoverEngine
import Synchronization
import RoverSystem

/// Answers synchronously with the request's path (and body, if any) as a text body.
final class EchoDispatcher: Dispatcher {
    let count = Atomic<UInt64>(0)
    func dispatch(_ request: Request, on eventLoop: any EventLoop, reply: Reply) {
        count.add(1, ordering: .relaxed)
        var body = Array(request.path)
        if let b = request.body { body += [UInt8(ascii: "|")] + b }
        reply(Response(status: 200, contentType: .text, body: body))
    }
    func counters() -> CounterSnapshot {
        var s = CounterSnapshot()
        s.requests = count.load(ordering: .relaxed)
        return s
    }
    func shutdown() {}
}

/// Holds replies until `release()` (or, with `batch`, until that many are waiting, then answers
/// them in reverse order) — to test ordering and graceful stop deterministically.
final class GatedDispatcher: Dispatcher {
    private struct Held {
        var path: [UInt8]
        var loop: any EventLoop
        var reply: Reply
    }
    private let held = PThreadLocked<[Held]>([])
    private let batch: Int?

    init(batch: Int? = nil) { self.batch = batch }

    var waiting: Int { held.withLock { $0.count } }

    func dispatch(_ request: Request, on eventLoop: any EventLoop, reply: Reply) {
        let ready = held.withLock { h -> [Held] in
            h.append(Held(path: Array(request.path), loop: eventLoop, reply: reply))
            if let batch, h.count >= batch { defer { h.removeAll() }; return h }
            return []
        }
        answer(ready.reversed())
    }

    func release() { answer(held.withLock { h in defer { h.removeAll() }; return h }) }

    private func answer(_ items: [Held]) {
        for item in items {
            let body = item.path, reply = item.reply
            item.loop.execute { reply(Response(status: 200, contentType: .text, body: body)) }
        }
    }
    func counters() -> CounterSnapshot { CounterSnapshot() }
    func shutdown() {}
}

/// Polls `condition` every 5 ms for up to `seconds`; false on timeout.
func eventually(seconds: Double = 15, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}
