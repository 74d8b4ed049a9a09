public import Foundation

/// The `--json` file format, schema "rover-bench/load" version 1.
///
/// ```
/// {
///   "schema": "rover-bench/load", "version": 1,
///   "run": { "url", "method", "connections", "threads", "pipeline",
///            "targetRate" (req/s, null = closed loop), "warmupSeconds", "timeoutSeconds" },
///   "processes": 1,                       // generator processes merged into this file
///   "durationSeconds", "requests", "requestsPerSecond", "non2xx", "reconnects",
///   "errors": { "connect", "read", "write", "timeout" },
///   "openLoop": null | { "targetRate", "achievedRate", "missedSends", "behindSchedule" },
///   "generator": { "cpuMicros", "cpuMicrosPerRequest", "cpuUtilization", "lateWakes",
///                  "lateWakeMicrosSum", "lateWakeMicrosMax", "saturated", "saturationReasons": [..] },
///   "latency": {                          // µs; each { "measuredFrom", "summary", "histogram" }
///     "success": ...,                     // 2xx, from actual send (= "uncorrected" in open loop)
///     "failed": ...,                      // non-2xx responses and failed requests
///     "corrected": null | ...             // open loop: 2xx, from intended send time
///   },
///   // Added later, all optional on reading (older files merge as before):
///   "segment": null | { "index", "count" },    // --segment i/N
///   "start": null | { "intendedEpoch" (--start-at, or null), "actualEpoch" },  // Unix seconds
///   "sentRequests": null | n,            // requests written in the window
///   "intendedSends": null | n,           // open loop: sends the schedule intends in the window
///   "parts": [ { "segment", "connections", "threads", "targetRate", "durationSeconds",
///                "requests", "requestsPerSecond", "sentRequests", "intendedSends", "missedSends",
///                "non2xx", "errors", "start", "cpuUtilization", "saturated",
///                "saturationReasons" }, … ],   // merged: one per generator process
///   "startSkewSeconds": null | s,        // merged: latest actual start − earliest (for readers)
///   "segmentProblems": [..]              // merged: segments missing, twice, mixed N (for readers)
/// }
/// ```
/// "measuredFrom" is "actualSend" (uncorrected) or "intendedSend" (corrected). A summary is
/// {count, mean, stdev, p50, p75, p90, p99, p999, p9999, max}; a histogram is {unit "us",
/// lowestDiscernibleValue 1, highestTrackableValue 3600000000, significantDigits 3, totalCount,
/// buckets [[value, count], …]}. Summaries, "openLoop.achievedRate"/"behindSchedule" and the
/// "generator" ratios and saturation are written for readers and recomputed on decode; counts,
/// durations, "requestsPerSecond", CPU micros and histograms are read back.
/// A reader must reject a different "schema" or a higher "version".
extension LoadResult: Codable {
    public static let schemaName = "rover-bench/load"
    public static let schemaVersion = 1

    private enum Keys: String, CodingKey {
        case schema, version, run, processes, durationSeconds, requests, requestsPerSecond, non2xx, reconnects
        case bodyMismatches
        case errors, openLoop, generator, latency
        case segment, start, sentRequests, intendedSends, parts, startSkewSeconds, segmentProblems
    }
    private struct OpenLoop: Codable { var targetRate: Double; var achievedRate: Double; var missedSends: Int; var behindSchedule: Bool }
    private struct Generator: Codable {
        var cpuMicros: Double, cpuMicrosPerRequest: Double, cpuUtilization: Double
        var lateWakes: Int, lateWakeMicrosSum: Double, lateWakeMicrosMax: Double
        var saturated: Bool, saturationReasons: [String]
    }
    private struct Entry: Codable {
        /// "actualSend" or "intendedSend" (coordinated-omission corrected).
        var measuredFrom: String
        var summary: LatencySummary
        var histogram: HistogramJSON
    }
    private struct Latency: Codable { var success: Entry; var failed: Entry; var corrected: Entry? }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Self.schemaName, forKey: .schema)
        try c.encode(Self.schemaVersion, forKey: .version)
        try c.encode(run, forKey: .run)
        try c.encode(processes, forKey: .processes)
        try c.encode(duration, forKey: .durationSeconds)
        try c.encode(requests, forKey: .requests)
        try c.encode(requestsPerSecond, forKey: .requestsPerSecond)
        try c.encode(non2xx, forKey: .non2xx)
        try c.encode(reconnects, forKey: .reconnects)
        try c.encode(bodyMismatches, forKey: .bodyMismatches)
        try c.encode(errors, forKey: .errors)
        let open = run.targetRate.map {
            OpenLoop(targetRate: $0, achievedRate: requestsPerSecond, missedSends: missedSends, behindSchedule: behindSchedule)
        }
        try c.encode(open, forKey: .openLoop)
        try c.encode(Generator(
            cpuMicros: generatorCPUMicros, cpuMicrosPerRequest: generatorCPUMicrosPerRequest,
            cpuUtilization: generatorCPUUtilization, lateWakes: lateWakes, lateWakeMicrosSum: lateWakeMicrosSum,
            lateWakeMicrosMax: lateWakeMicrosMax, saturated: generatorSaturated, saturationReasons: saturationReasons),
            forKey: .generator)
        func entry(_ h: LatencyHistogram, _ from: String = "actualSend") -> Entry {
            Entry(measuredFrom: from, summary: LatencySummary(h), histogram: HistogramJSON(h))
        }
        try c.encode(Latency(success: entry(latency), failed: entry(failedLatency),
                             corrected: correctedLatency.map { entry($0, "intendedSend") }),
                     forKey: .latency)
        try c.encode(segment, forKey: .segment)
        try c.encode(start, forKey: .start)
        try c.encode(sentRequests, forKey: .sentRequests)
        try c.encode(intendedSends, forKey: .intendedSends)
        try c.encode(parts, forKey: .parts)
        try c.encode(startSkewSeconds, forKey: .startSkewSeconds)
        try c.encode(segmentProblems, forKey: .segmentProblems)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let schema = try c.decode(String.self, forKey: .schema)
        let version = try c.decode(Int.self, forKey: .version)
        guard schema == Self.schemaName, version <= Self.schemaVersion else {
            throw LoadResultDecodingError.unsupportedSchema(schema, version)
        }
        run = try c.decode(RunInfo.self, forKey: .run)
        processes = try c.decode(Int.self, forKey: .processes)
        duration = try c.decode(Double.self, forKey: .durationSeconds)
        requests = try c.decode(Int.self, forKey: .requests)
        requestsPerSecond = try c.decode(Double.self, forKey: .requestsPerSecond)
        non2xx = try c.decode(Int.self, forKey: .non2xx)
        reconnects = try c.decode(Int.self, forKey: .reconnects)
        bodyMismatches = try c.decodeIfPresent(Int.self, forKey: .bodyMismatches) ?? 0  // absent before it was checked
        errors = try c.decode(ErrorCounts.self, forKey: .errors)
        missedSends = try c.decodeIfPresent(OpenLoop.self, forKey: .openLoop)?.missedSends ?? 0
        let g = try c.decode(Generator.self, forKey: .generator)
        generatorCPUMicros = g.cpuMicros
        lateWakes = g.lateWakes
        lateWakeMicrosSum = g.lateWakeMicrosSum
        lateWakeMicrosMax = g.lateWakeMicrosMax
        let l = try c.decode(Latency.self, forKey: .latency)
        latency = try l.success.histogram.histogram()
        failedLatency = try l.failed.histogram.histogram()
        correctedLatency = try l.corrected?.histogram.histogram()
        segment = try c.decodeIfPresent(LoadSegment.self, forKey: .segment)
        start = try c.decodeIfPresent(Start.self, forKey: .start)
        sentRequests = try c.decodeIfPresent(Int.self, forKey: .sentRequests)
        intendedSends = try c.decodeIfPresent(Int.self, forKey: .intendedSends)
        parts = try c.decodeIfPresent([Part].self, forKey: .parts) ?? []
    }

    /// Pretty-printed, key-sorted JSON in schema version 1.
    public func jsonEncoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    public static func decode(json: Data) throws -> LoadResult {
        try JSONDecoder().decode(LoadResult.self, from: json)
    }
}
