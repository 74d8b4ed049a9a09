#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking raw-socket HTTP/1.1 client for tests: sends exact bytes, reads responses one at a
/// time by Content-Length. Every read has a 15 s timeout so a broken server fails a test instead
/// of hanging it. One instance per thread.
/// Shared by the test targets through the RoverTestSupport target.
public final class RawHTTPClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public struct Response {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    private let fd: Int32
    private var pending: [UInt8] = []

    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            Glibc.close(fd)
            throw Failure(description: "connect() failed: errno \(errno)")
        }
    }

    deinit { Glibc.close(fd) }

    public func send(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send() failed: errno \(errno)") }
            off += n
        }
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Reads more bytes; false on EOF or reset.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            pending.append(contentsOf: chunk[0..<n])
            return true
        }
        if n < 0, errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(description: "read timed out") }
        return false
    }

    /// The next response, or nil if the server closed the connection first.
    /// `bodyless` is for HEAD requests: Content-Length is present but no body follows.
    public func readResponse(bodyless: Bool = false) throws -> Response? {
        var headEnd: Int?
        while true {
            if let r = find([13, 10, 13, 10]) {
                headEnd = r
                break
            }
            guard try fill() else {
                if pending.isEmpty { return nil }
                throw Failure(description: "EOF inside a response head")
            }
        }
        let head = String(decoding: pending[0..<headEnd!], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line: \(head)")
        }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let c = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<c]), line[line.index(after: c)...].trimmingCharacters())
        }
        pending.removeFirst(headEnd! + 4)
        var length = 0
        if !bodyless, let cl = headers.first(where: { $0.name.lowercased() == "content-length" }) {
            length = Int(cl.value) ?? 0
        }
        while pending.count < length {
            guard try fill() else { throw Failure(description: "EOF inside a body") }
        }
        let body = Array(pending[0..<length])
        pending.removeFirst(length)
        return Response(status: status, headers: headers, body: body)
    }

    /// True when the server has closed the connection (after any buffered bytes).
    public func readsEOF() throws -> Bool {
        while true {
            if !pending.isEmpty { return false }
            if try !fill() { return true }
        }
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard pending.count >= needle.count else { return nil }
        for i in 0...(pending.count - needle.count) where pending[i] == needle[0] {
            if Array(pending[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
