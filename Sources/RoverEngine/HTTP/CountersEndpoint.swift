import RoverSystem

/// Answering the native `GET /__rover/counters` endpoint, by the HTTP layer without the
/// dispatcher. The wire format (path, body, encoding) is RoverSystem's `CountersEndpoint`.
/// Safe from any thread.
extension CountersEndpoint {
    /// Whether `request` is for this endpoint (GET or HEAD, path exactly `path`, any query).
    static func matches(_ request: Request) -> Bool {
        guard request.method == .get || request.method == .head else { return false }
        let p = request.path
        return p.count == path.count && p.elementsEqual(path)
    }

    static func response(dispatcher: any Dispatcher, stats: ServerStats) -> Response {
        guard let bytes = encode(counters: dispatcher.counters(), process: .current(), server: stats.snapshot()) else {
            return .error(500, "Could not encode counters")
        }
        return Response(status: 200, contentType: .json, body: bytes)
    }
}
