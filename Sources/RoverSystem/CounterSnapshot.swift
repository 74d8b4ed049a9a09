/// Server-side counters, summed over every VM a dispatcher owns. All are totals since start;
/// the runner divides by `requests` for per-request figures.
///
/// The wire format of `GET /__rover/counters` (`CountersEndpoint.Body`), in RoverSystem so that a
/// reader in another process (the runner) needs nothing of the engine; RoverEngine's
/// `EngineCounters` and the dispatchers fill it.
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
