import RoverLua
import Synchronization

/// An engine's counters, published after each request with relaxed atomic stores, so that the
/// counters endpoint can read them from any thread without racing the VM's own thread.
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

/// Server-side counters, summed over every VM a dispatcher owns. All are totals since start;
/// the runner divides by `requests` for per-request figures.
public struct CounterSnapshot: Sendable, Equatable, Codable {
    public var requests: UInt64 = 0
    /// Accessor closures created by the context builder.
    public var closures: UInt64 = 0
    public var luaAllocs: UInt64 = 0
    public var luaBytes: UInt64 = 0
    /// Bytes live in all VMs now, and the sum of each VM's peak.
    public var luaLiveBytes: UInt64 = 0
    public var luaPeakBytes: UInt64 = 0
    public var luaErrors: UInt64 = 0
    public var budgetKills: UInt64 = 0
    public var memoryKills: UInt64 = 0
    /// Cross-thread hand-offs of a request or its response.
    public var handoffs: UInt64 = 0
    public var lockAcquisitions: UInt64 = 0
    public var lockContended: UInt64 = 0
    public var casRetries: UInt64 = 0
    public var queueHighWater: UInt64 = 0
    public var vms: Int = 0
    /// Coroutines the `coroutine` dispatcher's VMs created for requests, and requests that reused
    /// an idle one from the pool (counted in `CoroutinePools`).
    public var coroutineCreations: UInt64 = 0
    public var coroutineReuses: UInt64 = 0
    /// Times a dedicated Lua thread (`channel`) went to sleep on an empty queue and was woken:
    /// requests ÷ wakes is how many requests each wake-up serves (the channel's batching).
    public var luaThreadWakes: UInt64 = 0
    /// The Rover-defaults profile: CORS preflights answered without Lua; request ids staged from
    /// X-Request-Id or generated; zlib runs, answers sent compressed, and the bytes zlib read and wrote.
    public var corsPreflights: UInt64 = 0
    public var requestIDsExtracted: UInt64 = 0
    public var requestIDsGenerated: UInt64 = 0
    public var compressions: UInt64 = 0
    public var compressedAnswers: UInt64 = 0
    public var compressionInputBytes: UInt64 = 0
    public var compressionOutputBytes: UInt64 = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case requests, closures, luaAllocs, luaBytes, luaLiveBytes, luaPeakBytes, luaErrors, budgetKills, memoryKills
        case handoffs, lockAcquisitions, lockContended, casRetries, queueHighWater, vms, coroutineCreations
        case coroutineReuses, luaThreadWakes, corsPreflights, requestIDsExtracted, requestIDsGenerated, compressions
        case compressedAnswers, compressionInputBytes, compressionOutputBytes
    }

    /// Counters added after a file was written read as 0 (the profile's counters are newer than
    /// some recorded snapshots).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func u(_ k: CodingKeys) throws -> UInt64 { try c.decodeIfPresent(UInt64.self, forKey: k) ?? 0 }
        requests = try u(.requests); closures = try u(.closures); luaAllocs = try u(.luaAllocs); luaBytes = try u(.luaBytes)
        luaLiveBytes = try u(.luaLiveBytes); luaPeakBytes = try u(.luaPeakBytes); luaErrors = try u(.luaErrors)
        budgetKills = try u(.budgetKills); memoryKills = try u(.memoryKills); handoffs = try u(.handoffs)
        lockAcquisitions = try u(.lockAcquisitions); lockContended = try u(.lockContended); casRetries = try u(.casRetries)
        queueHighWater = try u(.queueHighWater); vms = try c.decodeIfPresent(Int.self, forKey: .vms) ?? 0
        coroutineCreations = try u(.coroutineCreations); coroutineReuses = try u(.coroutineReuses)
        luaThreadWakes = try u(.luaThreadWakes); corsPreflights = try u(.corsPreflights)
        requestIDsExtracted = try u(.requestIDsExtracted); requestIDsGenerated = try u(.requestIDsGenerated)
        compressions = try u(.compressions); compressedAnswers = try u(.compressedAnswers)
        compressionInputBytes = try u(.compressionInputBytes); compressionOutputBytes = try u(.compressionOutputBytes)
    }

    /// Adds another snapshot's totals (high-water marks take the max).
    public mutating func add(_ o: CounterSnapshot) {
        requests += o.requests; closures += o.closures; luaAllocs += o.luaAllocs; luaBytes += o.luaBytes
        luaLiveBytes += o.luaLiveBytes; luaPeakBytes += o.luaPeakBytes; luaErrors += o.luaErrors
        budgetKills += o.budgetKills; memoryKills += o.memoryKills; handoffs += o.handoffs
        lockAcquisitions += o.lockAcquisitions; lockContended += o.lockContended; casRetries += o.casRetries
        queueHighWater = max(queueHighWater, o.queueHighWater); vms += o.vms
        coroutineCreations += o.coroutineCreations; coroutineReuses += o.coroutineReuses
        luaThreadWakes += o.luaThreadWakes
        corsPreflights += o.corsPreflights; requestIDsExtracted += o.requestIDsExtracted
        requestIDsGenerated += o.requestIDsGenerated; compressions += o.compressions
        compressedAnswers += o.compressedAnswers; compressionInputBytes += o.compressionInputBytes
        compressionOutputBytes += o.compressionOutputBytes
    }
}
