/// Limits the HTTP layer enforces while parsing a request.
///
/// Lives in RoverEngine/HTTP; a plain value shared by every connection.
public struct HTTPLimits: Sendable, Equatable {
    /// Largest request line + header block (CRLF CRLF included); larger → 431.
    public var maxHeaderBytes: Int
    /// Largest request body, Content-Length or chunked; larger → 413.
    public var maxBodyBytes: Int
    /// Requests one connection may have dispatched but not yet answered; past it the
    /// connection stops reading until replies drain.
    public var maxPipelinedRequests: Int

    public init(maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1 << 20, maxPipelinedRequests: Int = 32) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxPipelinedRequests = maxPipelinedRequests
    }
}

/// A complete request plus what the connection needs to know about it.
public struct ParsedRequest: Sendable {
    public var request: Request
    /// Whether the connection stays open after this request's response.
    public var keepAlive: Bool
    /// `true` for HTTP/1.0 (the response then says `Connection: keep-alive` when it keeps it open).
    public var isHTTP10: Bool

    public init(request: Request, keepAlive: Bool, isHTTP10: Bool) {
        self.request = request
        self.keepAlive = keepAlive
        self.isHTTP10 = isHTTP10
    }
}

/// Why a request could not be parsed: the status to answer with before closing the connection.
public struct HTTPParseError: Error, Sendable, Equatable {
    public var status: Int
    public var reason: String

    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    static func bad(_ reason: String) -> HTTPParseError { HTTPParseError(status: 400, reason: reason) }
    static let headerTooLarge = HTTPParseError(status: 431, reason: "Request header fields too large")
    static let bodyTooLarge = HTTPParseError(status: 413, reason: "Request body too large")
}

/// What one call to `HTTPRequestParser.next(_:)` produced.
public enum HTTPParseEvent: Sendable {
    /// A whole request was consumed from the buffer.
    case request(ParsedRequest)
    /// The buffer holds no complete request yet; feed more bytes (keep the unread ones).
    case needMore
    /// The input is malformed or over a limit; answer `error.status` and close. Sticky.
    case error(HTTPParseError)
}
