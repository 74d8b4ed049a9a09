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

extension TargetURL {
    /// Like wrk: when the host resolves to several addresses, the first that accepts a TCP
    /// connection within `timeout` ms, else the first (the run then counts connect errors).
    func connectableAddress(timeout: Int32 = 1000) throws -> SocketAddress {
        let all = try resolve()
        if all.count == 1 { return all[0] }      // nothing to choose: no probe connection
        return all.first(where: { $0.acceptsConnection(timeout: timeout) }) ?? all[0]
    }
}

/// A resolved socket address, copied out of `getaddrinfo`'s list. Plain bytes: Sendable.
struct SocketAddress: Sendable {
    var storage = sockaddr_storage()
    var length: socklen_t
    var family: Int32 { Int32(storage.ss_family) }

    init(_ addr: UnsafePointer<sockaddr>, length: socklen_t) {
        self.length = length
        withUnsafeMutableBytes(of: &storage) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: addr, count: Int(length)))
        }
    }

    /// Opens and closes one probe connection (non-blocking connect, then poll).
    func acceptsConnection(timeout: Int32) -> Bool {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var s = storage
        let rc = withUnsafePointer(to: &s) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
        if rc == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&p, 1, timeout) == 1 else { return false }
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
        return err == 0
    }

    /// True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x.
    var isLoopback: Bool {
        var s = storage
        return withUnsafeBytes(of: &s) { raw in
            if family == AF_INET {
                let sin = raw.load(as: sockaddr_in.self)
                return UInt32(bigEndian: sin.sin_addr.s_addr) >> 24 == 127
            }
            let sin6 = raw.load(as: sockaddr_in6.self)
            let b = withUnsafeBytes(of: sin6.sin6_addr) { Array($0) }
            if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return true }
            return b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff && b[12] == 127
        }
    }
}
