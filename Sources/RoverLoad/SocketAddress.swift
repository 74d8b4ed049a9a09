import Glibc

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
