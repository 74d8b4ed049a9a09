/// A parsed HTTP request as the engine sees it.
///
/// Bytes are kept exactly as received (Lua strings are byte strings): the request-target and the
/// header fields index into one `head` buffer, so parsing costs one copy and two arrays, and
/// invalid UTF-8 is passed through rather than repaired. A value type, `Sendable`: it crosses
/// threads freely (the channel dispatcher sends it to the Lua thread).
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The raw bytes that `target` and `headers` index into.
    public let head: [UInt8]
    /// The request-target as received: `path[?query]`, not decoded.
    public let target: Range<Int>
    /// Index in `head` where the path ends (the `?` or the end of the target): found once, here,
    /// for the router, the counters endpoint and the ctx staging, which all need it.
    public let pathEnd: Int
    public var headers: [HeaderField]
    /// `nil` when the request has no body (no Content-Length, or no chunked transfer-coding).
    public var body: [UInt8]?

    public init(method: HTTPMethod, head: [UInt8], target: Range<Int>, headers: [HeaderField], body: [UInt8]?) {
        self.method = method
        self.head = head
        self.target = target
        self.pathEnd = head.withUnsafeBufferPointer { p in
            var i = target.lowerBound
            while i < target.upperBound, p[i] != UInt8(ascii: "?") { i += 1 }
            return i
        }
        self.headers = headers
        self.body = body
    }

    /// Builds a request from strings (tests, the in-process benchmark, scenario files).
    public init(method: HTTPMethod, target: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        var head = Array(target.utf8)
        let t = 0..<head.count
        var fields: [HeaderField] = []
        fields.reserveCapacity(headers.count)
        for (name, value) in headers {
            let n0 = head.count
            head.append(contentsOf: name.utf8)
            let v0 = head.count
            head.append(contentsOf: value.utf8)
            fields.append(HeaderField(name: n0..<v0, value: v0..<head.count))
        }
        self.init(method: method, head: head, target: t, headers: fields, body: body)
    }

    @inlinable public var path: ArraySlice<UInt8> { head[target.lowerBound..<pathEnd] }

    /// The raw query string after `?`, or `nil` when the target has none.
    @inlinable public var query: ArraySlice<UInt8>? {
        let end = pathEnd
        return end < target.upperBound ? head[(end + 1)..<target.upperBound] : nil
    }

    public func name(of field: HeaderField) -> ArraySlice<UInt8> { head[field.name] }
    public func value(of field: HeaderField) -> ArraySlice<UInt8> { head[field.value] }
}

/// One header field: ranges into `Request.head`. The name keeps its case as received.
public struct HeaderField: Sendable, Hashable {
    public var name: Range<Int>
    public var value: Range<Int>
    public init(name: Range<Int>, value: Range<Int>) {
        self.name = name
        self.value = value
    }
}

/// The methods a Rover route can name, plus everything else.
public enum HTTPMethod: UInt8, Sendable, CaseIterable {
    case get, post, put, patch, delete, head, options, other

    /// The upper-case token (`ctx.method`).
    public var token: String { staticToken.description }

    /// The token as a static C string, for staging `ctx.method` without allocating.
    public var staticToken: StaticString {
        switch self {
        case .get: "GET"
        case .post: "POST"
        case .put: "PUT"
        case .patch: "PATCH"
        case .delete: "DELETE"
        case .head: "HEAD"
        case .options: "OPTIONS"
        case .other: "OTHER"
        }
    }

    /// The lower-case key a Rover app uses as a route leaf (`api.users.get`); `nil` for `.other`.
    public var routeKey: String? { self == .other ? nil : token.lowercased() }

    public init(routeKey: String) {
        self = HTTPMethod.allCases.first { $0.routeKey == routeKey } ?? .other
    }

    /// Parses a method token from the request line (case-sensitive, as RFC 9110 says).
    ///
    /// The token's bytes are packed little-endian into one word and compared with each method's
    /// word (every method is at most 7 bytes): a few instructions, where comparing with each
    /// name's `String.UTF8View` cost about 200 per request (callgrind, `serve --bare`).
    public init<C: Collection>(token bytes: C) where C.Element == UInt8 {
        var word: UInt64 = 0
        var shift: UInt64 = 0
        for b in bytes {
            guard shift < 64, b != 0 else { self = .other; return }
            word |= UInt64(b) << shift
            shift += 8
        }
        switch word {  // each name's ASCII bytes, first byte lowest (HTTPMethodTokenTests checks them)
        case 0x54_45_47: self = .get                      // "GET"
        case 0x54_55_50: self = .put                      // "PUT"
        case 0x54_53_4F_50: self = .post                  // "POST"
        case 0x44_41_45_48: self = .head                  // "HEAD"
        case 0x48_43_54_41_50: self = .patch              // "PATCH"
        case 0x45_54_45_4C_45_44: self = .delete          // "DELETE"
        case 0x53_4E_4F_49_54_50_4F: self = .options      // "OPTIONS"
        default: self = .other
        }
    }
}
