import Dispatch
import NIOCore
import RoverEngine
import Synchronization

/// A fake VM: echoes the request path; `/fail…` answers 500 as a Lua error would; `/gate…` waits
/// on `gate` first (to hold a VM busy deterministically). Not thread-safe, like a real VM: it
/// records a violation if two threads ever run it at once.
final class FakeHandler: RequestHandling {
    let counters = EngineCounters()
    let index: Int
    let owner: FakeFactory
    private let busy = Atomic<Bool>(false)

    init(index: Int, owner: FakeFactory) {
        self.index = index
        self.owner = owner
    }

    func handle(_ request: Request) -> Response {
        if busy.exchange(true, ordering: .acquiring) { owner.violations.add(1, ordering: .relaxed) }
        defer { busy.store(false, ordering: .releasing) }
        counters.bumpRequests()
        owner.entered.add(1, ordering: .relaxed)
        let path = Array(request.path)
        if path.starts(with: Array("/gate".utf8)) { owner.gate?.wait() }
        if path.starts(with: Array("/fail".utf8)) { return .error(500, "boom on vm \(index)") }
        return Response(status: 200, contentType: .text, body: path)
    }
}

/// Makes `FakeHandler`s numbered in creation order, and remembers them.
final class FakeFactory: Sendable {
    let violations = Atomic<Int>(0)
    /// Calls to `handle` so far (bumped on entry, before any gate).
    let entered = Atomic<Int>(0)
    private let created = Atomic<Int>(0)
    let gate: DispatchSemaphore?

    init(gate: DispatchSemaphore? = nil) { self.gate = gate }

    var count: Int { created.load(ordering: .relaxed) }

    var factory: HandlerFactory {
        { [self] in
            let i = created.wrappingAdd(1, ordering: .relaxed).oldValue
            return FakeHandler(index: i, owner: self)
        }
    }
}
