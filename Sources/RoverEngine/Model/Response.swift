import RoverCoding

/// An HTTP response produced by the engine, before serialisation.
///
/// The HTTP layer adds the status line, `Content-Length` and connection headers; the engine sets
/// the status, the content type and any extra fields (`Location`, `Allow`). A value type, `Sendable`.
public struct Response: Sendable, Equatable {
    public var status: Int
    /// `nil` only for responses without a body (204, 304).
    public var contentType: ContentType?
    public var headers: [HTTPField]
    public var body: [UInt8]

    public init(status: Int, contentType: ContentType?, headers: [HTTPField] = [], body: [UInt8] = []) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// `{"error": message}` with the given status (JSON-escaped).
    public static func error(_ status: Int, _ message: String) -> Response {
        var body: [UInt8] = Array(#"{"error":"#.utf8)
        var text = message
        text.withUTF8 { JSONString.appendQuoted(UnsafeRawBufferPointer($0), to: &body) }
        body.append(UInt8(ascii: "}"))
        return Response(status: status, contentType: .json, body: body)
    }
}

public struct HTTPField: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The content types the engine emits. Raw values are the exact header values.
public enum ContentType: String, Sendable, Equatable {
    case json = "application/json"
    case text = "text/plain; charset=utf-8"
    case html = "text/html; charset=utf-8"
}
