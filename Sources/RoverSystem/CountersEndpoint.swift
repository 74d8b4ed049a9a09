import Foundation

/// The native `GET /__rover/counters` endpoint's wire format: its path, its body and the body's
/// encoding and decoding.
///
/// Lives in RoverSystem beside the other process-level readings (`ProcessUsage`), so that a reader
/// in another process (the runner, the tests) needs nothing of the engine; RoverEngine answers the
/// endpoint (`CountersEndpoint.matches`, `response(dispatcher:stats:)` in RoverEngine/HTTP). The
/// body is one JSON object with sorted keys:
/// `{"counters": CounterSnapshot, "process": ProcessUsage, "server": ServerStatsSnapshot}`.
/// `server.appRequests` excludes counter requests (`server.counterRequests`), so a reader taking
/// the figures before and after a load gets app-only deltas.
public enum CountersEndpoint {
    public static let path: [UInt8] = Array("/__rover/counters".utf8)

    public struct Body: Sendable, Equatable, Codable {
        public var counters: CounterSnapshot
        public var process: ProcessUsage
        public var server: ServerStatsSnapshot
    }

    /// The body's bytes (JSON, sorted keys), or nil when it cannot be encoded.
    public static func encode(counters: CounterSnapshot, process: ProcessUsage, server: ServerStatsSnapshot) -> [UInt8]? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = Body(counters: counters, process: process, server: server)
        return (try? encoder.encode(body)).map { Array($0) }
    }

    /// Decodes a body produced by `encode` (for readers in other processes and tests).
    public static func decode(_ bytes: [UInt8]) throws -> Body {
        try JSONDecoder().decode(Body.self, from: Data(bytes))
    }
}

/// What the HTTP layer itself counted (RoverEngine's `ServerStats`), as the endpoint sends it.
public struct ServerStatsSnapshot: Sendable, Equatable, Codable {
    /// Responses written for requests that went to the dispatcher (counter requests excluded).
    public var appRequests: UInt64
    /// Responses written by the native `GET /__rover/counters` endpoint.
    public var counterRequests: UInt64
    /// 400/413/431/501/505 answers to unparsable requests (not app requests either).
    public var parseErrors: UInt64
    public var connectionsAccepted: UInt64
    public var connectionsOpen: Int

    public init(appRequests: UInt64, counterRequests: UInt64, parseErrors: UInt64, connectionsAccepted: UInt64,
                connectionsOpen: Int) {
        self.appRequests = appRequests
        self.counterRequests = counterRequests
        self.parseErrors = parseErrors
        self.connectionsAccepted = connectionsAccepted
        self.connectionsOpen = connectionsOpen
    }
}
