import RoverLua

/// One VM's idle coroutines and free request slots, for `Engine`'s coroutine path.
///
/// Coroutines: taken for a request and given back when its handler returns (Rover's
/// `ThreadPool`, rover-server/src/http_task.rs: at most 2048 idle ones are kept; one whose handler
/// raised is dead and is dropped, as Rover releases only finished threads). Slots: one per live
/// request, so a suspended request keeps its ctx valid; never freed (the VM keeps every slot).
/// Counts creations and reuses where they happen. Not `Sendable`: used with its VM only.
final class CoroutinePools {
    /// Rover's `ThreadPool::new(2048)` (rover-server/src/event_loop.rs).
    static let maxIdle = 2048

    private var idle: [LuaCoroutine] = []
    private var freeSlots: [RequestSlot] = []
    private(set) var created: UInt64 = 0
    private(set) var reused: UInt64 = 0

    func takeCoroutine(_ vm: LuaVM) -> LuaCoroutine {
        if let co = idle.popLast() {
            reused += 1
            return co
        }
        created += 1
        return vm.newCoroutine()
    }

    /// `reusable`: the handler returned (its coroutine is idle again), rather than raised.
    func giveBack(_ co: LuaCoroutine, reusable: Bool, _ vm: LuaVM) {
        if reusable && idle.count < Self.maxIdle {
            idle.append(co)
        } else {
            vm.releaseCoroutine(co)
        }
    }

    func takeSlot(_ vm: LuaVM) -> RequestSlot { freeSlots.popLast() ?? vm.makeRequestSlot() }

    func giveBack(_ slot: RequestSlot) { freeSlots.append(slot) }
}
