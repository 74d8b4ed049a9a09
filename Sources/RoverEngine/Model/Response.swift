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
        JSONEscaping.appendQuoted(message.utf8, to: &body)
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

/// JSON string escaping shared by the encoder and error bodies.
public enum JSONEscaping {
    /// Appends `"…"` with `"`, `\` and control characters escaped. Bytes ≥ 0x80 pass through
    /// unchanged, so a Lua byte string that is not UTF-8 is passed through, never rejected.
    @inlinable
    public static func appendQuoted<S: Sequence>(_ bytes: S, to out: inout [UInt8]) where S.Element == UInt8 {
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20, 0x7F:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
