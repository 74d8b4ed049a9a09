import Foundation
public import RoverSystem

/// The native `GET /__rover/counters` endpoint: answered by the HTTP layer without the dispatcher.
///
/// Lives in RoverEngine/HTTP. The body is one JSON object with sorted keys:
/// `{"counters": CounterSnapshot, "process": ProcessUsage, "server": ServerStats.Snapshot}`.
/// `server.appRequests` excludes counter requests (`server.counterRequests`), so a reader taking
/// the figures before and after a load gets app-only deltas. Safe from any thread.
public enum CountersEndpoint {
    public static let path: [UInt8] = Array("/__rover/counters".utf8)

    public struct Body: Sendable, Equatable, Codable {
        public var counters: CounterSnapshot
        public var process: ProcessUsage
        public var server: ServerStats.Snapshot
    }

    /// Whether `request` is for this endpoint (GET or HEAD, path exactly `path`, any query).
    public static func matches(_ request: Request) -> Bool {
        guard request.method == .get || request.method == .head else { return false }
        let p = request.path
        return p.count == path.count && p.elementsEqual(path)
    }

    public static func response(dispatcher: any Dispatcher, stats: ServerStats) -> Response {
        let body = Body(counters: dispatcher.counters(), process: .current(), server: stats.snapshot())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(body) else {
            return .error(500, "Could not encode counters")
        }
        return Response(status: 200, contentType: .json, body: Array(data))
    }

    /// Decodes a body produced by `response` (for readers in other processes and tests).
    public static func decode(_ bytes: [UInt8]) throws -> Body {
        try JSONDecoder().decode(Body.self, from: Data(bytes))
    }
}
