import Glibc

/// An `http://host[:port]/path?query` target, parsed and resolved once before a run.
///
/// Belongs to RoverLoad's configuration layer; a value type, safe to share between threads.
/// Only plain HTTP/1.1 is supported: `https` and other schemes are rejected.
public struct TargetURL: Sendable, Equatable {
    /// The host as written (without IPv6 brackets).
    public let host: String
    public let port: UInt16
    /// Path plus query, always starting with `/`.
    public let pathAndQuery: String

    /// Parses `text`; throws `LoadConfigError.malformedURL` with the reason.
    public init(_ text: String) throws {
        func bad(_ why: String) -> LoadConfigError { .malformedURL(text, why) }
        guard text.hasPrefix("http://") else {
            throw bad(text.contains("://") ? "only http:// is supported" : "missing http:// scheme")
        }
        let rest = text.dropFirst("http://".count)
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<slash]
        var path = String(rest[slash...])
        if path.isEmpty { path = "/" } else if path.hasPrefix("?") { path = "/" + path }
        if path.utf8.contains(where: { $0 <= 32 || $0 == 127 || $0 == UInt8(ascii: "#") }) {
            throw bad("path contains a space, control character or fragment")
        }
        guard !authority.isEmpty, !authority.contains("@") else { throw bad("missing or invalid host") }
        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw bad("unterminated [IPv6] host") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw bad("junk after [IPv6] host") }
                portPart = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
        }
        guard !hostPart.isEmpty else { throw bad("empty host") }
        var port: UInt16 = 80
        if let portPart {
            guard let p = UInt16(portPart), p > 0 else { throw bad("port must be 1...65535") }
            port = p
        }
        self.host = String(hostPart)
        self.port = port
        self.pathAndQuery = path
    }

    /// The `Host` header value.
    var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? h : "\(h):\(port)"
    }

    /// Resolves the host to socket addresses (numeric or via getaddrinfo), TCP only.
    func resolve() throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw LoadConfigError.unresolvableHost(host, String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(first) }
        var out: [SocketAddress] = []
        var cur: UnsafeMutablePointer<addrinfo>? = first
        while let ai = cur {
            if let addr = ai.pointee.ai_addr, ai.pointee.ai_family == AF_INET || ai.pointee.ai_family == AF_INET6 {
                out.append(SocketAddress(addr, length: ai.pointee.ai_addrlen))
            }
            cur = ai.pointee.ai_next
        }
        if out.isEmpty { throw LoadConfigError.unresolvableHost(host, "no IPv4/IPv6 address") }
        return out
    }
}
