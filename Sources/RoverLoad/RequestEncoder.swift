/// Builds the request bytes once, before a run; the hot loop only ever writes copies of them.
///
/// Belongs to RoverLoad's request side. Pure function over a `LoadConfig`; no shared state.
enum RequestEncoder {
    /// One encoded request: request line, `Host` (unless given), the user's headers,
    /// `Content-Length` when there is a body (unless given), blank line, body.
    static func encode(_ config: LoadConfig) -> [UInt8] {
        var text = "\(config.method) \(config.url.pathAndQuery) HTTP/1.1\r\n"
        let names = Set(config.headers.map { $0.0.lowercased() })
        if !names.contains("host") { text += "Host: \(config.url.hostHeader)\r\n" }
        for (name, value) in config.headers { text += "\(name): \(value)\r\n" }
        if !config.body.isEmpty && !names.contains("content-length") && !names.contains("transfer-encoding") {
            text += "Content-Length: \(config.body.count)\r\n"
        }
        text += "\r\n"
        return Array(text.utf8) + config.body
    }

    /// `depth` copies back to back: one write puts a whole pipeline batch on the wire.
    static func batch(_ request: [UInt8], depth: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(request.count * depth)
        for _ in 0..<depth { out += request }
        return out
    }
}
