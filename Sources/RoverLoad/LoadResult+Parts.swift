/// The per-process view of a merged result: what each generator process (a segment, a pod)
/// did on its own, and what only a set of processes can say — the start skew and whether the
/// segments cover the load exactly once.
///
/// Belongs to RoverLoad's result model; filled by `LoadResult.merged(_:)`, written to and read
/// from the JSON's "parts". Plain values.
extension LoadResult {
    /// One generator process inside a merged result.
    public struct Part: Sendable, Codable, Equatable {
        /// "i/N", nil for a process run without `--segment`.
        public var segment: String?
        public var connections: Int
        public var threads: Int
        public var targetRate: Double?
        public var durationSeconds: Double
        public var requests: Int
        public var requestsPerSecond: Double
        public var sentRequests: Int?
        public var intendedSends: Int?
        public var missedSends: Int
        public var non2xx: Int
        public var errors: ErrorCounts
        public var start: Start?
        public var cpuUtilization: Double
        public var saturated: Bool
        public var saturationReasons: [String]

        public init(_ r: LoadResult) {
            segment = r.segment?.description
            connections = r.run.connections
            threads = r.run.threads
            targetRate = r.run.targetRate
            durationSeconds = r.duration
            requests = r.requests
            requestsPerSecond = r.requestsPerSecond
            sentRequests = r.sentRequests
            intendedSends = r.intendedSends
            missedSends = r.missedSends
            non2xx = r.non2xx
            errors = r.errors
            start = r.start
            cpuUtilization = r.generatorCPUUtilization
            saturated = r.generatorSaturated
            saturationReasons = r.saturationReasons
        }

        /// Requests written per second of this process's window (nil when not recorded).
        public var offeredRate: Double? {
            guard let sentRequests, durationSeconds > 0 else { return nil }
            return Double(sentRequests) / durationSeconds
        }
    }

    /// Latest actual start minus earliest, in seconds; nil unless two or more parts recorded theirs.
    public var startSkewSeconds: Double? {
        let starts = parts.compactMap { $0.start?.actualEpoch }
        guard starts.count >= 2, starts.count == parts.count else { return nil }
        return starts.max()! - starts.min()!
    }

    /// Sum over parts of requests written per second of window (nil unless every part recorded it).
    public var offeredRate: Double? {
        if parts.isEmpty { return sentRequests.flatMap { s in duration > 0 ? Double(s) / duration : nil } }
        let rates = parts.compactMap(\.offeredRate)
        return rates.count == parts.count ? rates.reduce(0, +) : nil
    }

    /// What is wrong with the set of segments merged here: mixed N, a segment twice, one missing,
    /// a process without a segment among segmented ones. Empty when they cover the load exactly once.
    public var segmentProblems: [String] {
        let segments = parts.compactMap(\.segment)
        guard !segments.isEmpty else { return [] }
        var problems: [String] = []
        if segments.count < parts.count { problems.append("\(parts.count - segments.count) process(es) ran without --segment") }
        let parsed = segments.compactMap { try? LoadSegment(parsing: $0) }
        let counts = Set(parsed.map(\.count))
        if counts.count > 1 { problems.append("segments of different N: \(counts.sorted().map(String.init).joined(separator: ", "))") }
        if let n = counts.max(), counts.count == 1 {
            var seen: [Int: Int] = [:]
            for s in parsed { seen[s.index, default: 0] += 1 }
            let twice = seen.filter { $0.value > 1 }.keys.sorted()
            let missing = (0..<n).filter { seen[$0] == nil }
            if !twice.isEmpty { problems.append("segment(s) merged more than once: \(twice.map { "\($0)/\(n)" }.joined(separator: ", "))") }
            if !missing.isEmpty { problems.append("segment(s) missing: \(missing.map { "\($0)/\(n)" }.joined(separator: ", "))") }
        }
        return problems
    }
}
