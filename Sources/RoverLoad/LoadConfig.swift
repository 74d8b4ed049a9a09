/// Everything one load run needs: target, load shape, request, limits.
///
/// Belongs to RoverLoad's public API (the CLI and the sweep runner build one and call
/// `runLoad(_:)`). A value type, Sendable. `validate()` checks every field and throws
/// `LoadConfigError` with a message that names the offending option.
public struct LoadConfig: Sendable {
    public var url: TargetURL
    /// Total connections, spread over `threads` (each thread owns `connections / threads`, ± 1).
    public var connections: Int = 10
    public var threads: Int = 1
    /// Measured window, after `warmup`.
    public var duration: Double = 10
    public var warmup: Double = 0
    /// Extra request headers as (name, value). `Host` is added unless given.
    public var headers: [(String, String)] = []
    public var method: String = "GET"
    public var body: [UInt8] = []
    /// Requests written back-to-back per connection before waiting (closed loop only).
    public var pipeline: Int = 1
    /// A request outstanding longer than this is counted as a timeout; its connection is reopened.
    public var timeout: Double = 2
    /// Closed loop by time, open loop at a rate, or a fixed count of requests.
    public var mode: LoadMode = .closedLoop
    /// Check every 2xx response's body against these bytes, under load (a benchmark that wins
    /// by answering wrong must not win): mismatches are counted in `LoadResult.bodyMismatches`.
    public var expectBody: [UInt8]?
    /// Permit a target that does not resolve to loopback.
    public var allowRemote = false
    /// This process's share of a load offered by several processes (nil: all of it).
    /// `connections` and the `mode`'s rate or request count stay the totals of all segments.
    public var segment: LoadSegment?
    /// Wall-clock instant (Unix epoch seconds) at which to start, so segments on several hosts
    /// start together; nil: start now. An instant already past starts at once (the result's
    /// actual start shows how late).
    public var startAt: Double?
    /// Start when a `rover-bench barrier` at this address releases every party (instead of `startAt`).
    public var barrier: StartBarrier.Address?
    /// How long to wait for the barrier (connecting and for the other parties), seconds.
    public var barrierTimeout: Double = 600
    /// When set, every 2xx response is also counted here as it completes (warm-up included), so
    /// another thread can read the count while the load runs (a duet's windows).
    public var answered: AnsweredCount?

    public init(url: TargetURL) { self.url = url }

    /// Parses `"Name: value"`; throws `LoadConfigError.malformedHeader`.
    public static func parseHeader(_ text: String) throws -> (String, String) {
        guard let colon = text.firstIndex(of: ":") else {
            throw LoadConfigError.malformedHeader(text, "expected 'Name: value'")
        }
        let name = String(text[..<colon])
        let value = String(text[text.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" }))
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        guard !name.isEmpty, name.allSatisfy({ tchar.contains($0) }) else {
            throw LoadConfigError.malformedHeader(text, "header name must be a non-empty HTTP token")
        }
        guard !value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else {
            throw LoadConfigError.malformedHeader(text, "header value contains CR, LF or NUL")
        }
        return (name, value)
    }

    /// The furthest ahead `--start-at` may be, seconds.
    public static let longestStartWait = 86_400.0

    /// Connections this process opens: its segment's share, or all of them.
    public var localConnections: Int { segment?.share(of: connections) ?? connections }

    /// Checks ranges and combinations; resolves the host to enforce the loopback rule.
    public func validate() throws {
        if connections < 1 { throw LoadConfigError.invalid("--connections", "must be at least 1 (got \(connections))") }
        if threads < 1 { throw LoadConfigError.invalid("--threads", "must be at least 1 (got \(threads))") }
        if threads > connections {
            throw LoadConfigError.invalid("--threads", "must not exceed --connections (\(threads) > \(connections))")
        }
        if !(warmup >= 0) { throw LoadConfigError.invalid("--warmup", "must be 0 or more (got \(warmup))") }
        if pipeline < 1 { throw LoadConfigError.invalid("--pipeline", "must be at least 1 (got \(pipeline))") }
        if !(timeout > 0) { throw LoadConfigError.invalid("--timeout", "must be greater than 0 (got \(timeout))") }
        try mode.validate(self)
        if let segment {
            if connections < segment.count {
                throw LoadConfigError.invalid("--segment", "needs --connections of at least N so every segment owns one (\(connections) < \(segment.count))")
            }
            if threads > segment.share(of: connections) {
                throw LoadConfigError.invalid("--threads", "must not exceed this segment's \(segment.share(of: connections)) connection(s)")
            }
            if case .fixedCount(let n) = mode, n < segment.count {
                throw LoadConfigError.invalid("--requests", "must be at least N with --segment (\(n) < \(segment.count))")
            }
        }
        if let startAt, !(startAt > 0) || !startAt.isFinite {
            throw LoadConfigError.invalid("--start-at", "must be a Unix time in seconds or an RFC 3339 instant (got \(startAt))")
        }
        if barrier != nil && startAt != nil {
            throw LoadConfigError.invalid("--barrier", "cannot be combined with --start-at")
        }
        if !(barrierTimeout > 0) { throw LoadConfigError.invalid("--barrier-timeout", "must be greater than 0 (got \(barrierTimeout))") }
        if let startAt, startAt > WallClock.now() + Self.longestStartWait {
            throw LoadConfigError.invalid("--start-at", "is more than 24 hours ahead (a typo would leave the process waiting)")
        }
        let tchar = Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        if method.isEmpty || !method.allSatisfy({ tchar.contains($0) }) {
            throw LoadConfigError.invalid("--method", "must be an HTTP token such as GET or POST (got '\(method)')")
        }
        for (name, value) in headers { _ = try Self.parseHeader("\(name): \(value)") }
        let addresses = try url.resolve()
        if !allowRemote && addresses.contains(where: { !$0.isLoopback }) {
            throw LoadConfigError.remoteTarget(url.host)
        }
    }
}

/// Why a `LoadConfig` cannot run. `description` is the message the CLI prints.
public enum LoadConfigError: Error, CustomStringConvertible, Equatable {
    case invalid(String, String)
    case malformedURL(String, String)
    case malformedHeader(String, String)
    case unresolvableHost(String, String)
    case remoteTarget(String)

    public var description: String {
        switch self {
        case .invalid(let option, let why): return "\(option) \(why)"
        case .malformedURL(let url, let why): return "malformed URL '\(url)': \(why)"
        case .malformedHeader(let header, let why): return "malformed header '\(header)' (-H): \(why)"
        case .unresolvableHost(let host, let why): return "cannot resolve host '\(host)': \(why)"
        case .remoteTarget(let host):
            return "target '\(host)' is not a loopback address; pass --allow-remote to load a remote host"
        }
    }
}
