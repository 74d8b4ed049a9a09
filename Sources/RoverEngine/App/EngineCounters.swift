import RoverLua
public import RoverSystem
import Synchronization

/// An engine's counters, published after each request with relaxed atomic stores, so that the
/// counters endpoint can read them from any thread without racing the VM's own thread. The
/// atomics count here; what they add up to, `CounterSnapshot`, is the wire format in RoverSystem.
public final class EngineCounters: Sendable {
    private let requests = Atomic<UInt64>(0)
    private let closures = Atomic<UInt64>(0)
    private let allocs = Atomic<UInt64>(0)
    private let bytes = Atomic<UInt64>(0)
    private let live = Atomic<UInt64>(0)
    private let peak = Atomic<UInt64>(0)
    private let errors = Atomic<UInt64>(0)
    private let budgetKills = Atomic<UInt64>(0)
    private let memoryKills = Atomic<UInt64>(0)
    private let coroutineCreations = Atomic<UInt64>(0)
    private let coroutineReuses = Atomic<UInt64>(0)
    /// The Rover-defaults profile's counters: made only for an engine that runs the profile, so
    /// a seed-profile engine allocates exactly what it did before the profile existed.
    private let profile: ProfileCounters?

    public init(profile: Bool = false) {
        self.profile = profile ? ProfileCounters() : nil
    }

    // The Rover-defaults profile's work, counted where it happens (RoverDefaults, Engine).

    /// A CORS preflight answered before routing (no Lua ran).
    func recordPreflight() { profile?.preflights.add(1, ordering: .relaxed) }

    /// A request id staged for a routed request: from X-Request-Id, or generated.
    func recordRequestID(extracted: Bool) {
        guard let profile else { return }
        if extracted { profile.idsExtracted.add(1, ordering: .relaxed) } else { profile.idsGenerated.add(1, ordering: .relaxed) }
    }

    /// One zlib run over `input` bytes giving `output`; `kept` when the answer went out compressed.
    func recordCompression(input: Int, output: Int, kept: Bool) {
        guard let profile else { return }
        profile.compressions.add(1, ordering: .relaxed)
        if kept { profile.compressedKept.add(1, ordering: .relaxed) }
        profile.compressIn.add(UInt64(input), ordering: .relaxed)
        profile.compressOut.add(UInt64(output), ordering: .relaxed)
    }

    /// Called by the VM's owner thread only.
    func publish(_ s: LuaStats, requestsDelta: UInt64) {
        if requestsDelta > 0 { requests.add(requestsDelta, ordering: .relaxed) }
        closures.store(s.closures, ordering: .relaxed)
        allocs.store(s.allocations, ordering: .relaxed)
        bytes.store(s.bytes, ordering: .relaxed)
        live.store(UInt64(s.liveBytes), ordering: .relaxed)
        peak.store(UInt64(s.peakBytes), ordering: .relaxed)
    }

    /// Totals of the VM's coroutine pool (`CoroutinePools`); called by the VM's owner thread only.
    func publishCoroutines(created: UInt64, reused: UInt64) {
        coroutineCreations.store(created, ordering: .relaxed)
        coroutineReuses.store(reused, ordering: .relaxed)
    }

    func recordError(_ kind: LuaError.Kind) {
        errors.add(1, ordering: .relaxed)
        switch kind {
        case .budget: budgetKills.add(1, ordering: .relaxed)
        case .memory: memoryKills.add(1, ordering: .relaxed)
        default: break
        }
    }

    /// For handlers other than `Engine` (test fakes) that still count requests.
    public func bumpRequests() { requests.add(1, ordering: .relaxed) }

    public func snapshot() -> CounterSnapshot {
        var s = CounterSnapshot()
        s.requests = requests.load(ordering: .relaxed)
        s.closures = closures.load(ordering: .relaxed)
        s.luaAllocs = allocs.load(ordering: .relaxed)
        s.luaBytes = bytes.load(ordering: .relaxed)
        s.luaLiveBytes = live.load(ordering: .relaxed)
        s.luaPeakBytes = peak.load(ordering: .relaxed)
        s.luaErrors = errors.load(ordering: .relaxed)
        s.budgetKills = budgetKills.load(ordering: .relaxed)
        s.memoryKills = memoryKills.load(ordering: .relaxed)
        s.coroutineCreations = coroutineCreations.load(ordering: .relaxed)
        s.coroutineReuses = coroutineReuses.load(ordering: .relaxed)
        if let p = profile {
            s.corsPreflights = p.preflights.load(ordering: .relaxed)
            s.requestIDsExtracted = p.idsExtracted.load(ordering: .relaxed)
            s.requestIDsGenerated = p.idsGenerated.load(ordering: .relaxed)
            s.compressions = p.compressions.load(ordering: .relaxed)
            s.compressedAnswers = p.compressedKept.load(ordering: .relaxed)
            s.compressionInputBytes = p.compressIn.load(ordering: .relaxed)
            s.compressionOutputBytes = p.compressOut.load(ordering: .relaxed)
        }
        s.vms = 1
        return s
    }
}

/// The Rover-defaults profile's totals for one engine (see `EngineCounters`).
final class ProfileCounters: Sendable {
    let preflights = Atomic<UInt64>(0)
    let idsExtracted = Atomic<UInt64>(0)
    let idsGenerated = Atomic<UInt64>(0)
    let compressions = Atomic<UInt64>(0)
    let compressedKept = Atomic<UInt64>(0)
    let compressIn = Atomic<UInt64>(0)
    let compressOut = Atomic<UInt64>(0)
}
