import Glibc

/// The one blocking HTTP/1.1 client over a raw socket to 127.0.0.1: the runner's probes use its
/// one-shot ``request(port:method:target:headers:body:timeoutSeconds:)`` (check a scenario's
/// answer before measuring, read the counters endpoint), and the tests use an instance to send
/// exact bytes and read responses one at a time by Content-Length.
///
/// Belongs to RoverScenarios (a leaf: the runner probes with it, tests talk to servers with it). Not the load generator (that is RoverLoad). Every
/// read and write has a timeout, so a broken server fails a probe or a test instead of hanging
/// it. Not thread-safe: one instance per thread.
public final class BlockingHTTPClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public struct Response: Sendable {
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

    /// Connects to 127.0.0.1:`port`; reads and writes time out after `timeoutSeconds`.
    public init(port: Int, timeoutSeconds: Int = 15) throws {
        // The socket is a local until it is connected: a failed init must close it exactly once.
        // (Once every stored property is set, a throwing class init also runs deinit, which closes
        // `fd` too: closing it here as well closed whatever socket another thread had just been
        // given that number, and its next send failed with EBADF.)
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard sock >= 0 else { throw Failure(description: "socket: \(Self.lastError)") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let why = Self.lastError
            Glibc.close(sock)
            throw Failure(description: "connect to 127.0.0.1:\(port): \(why)")
        }
        fd = sock
    }

    deinit { Glibc.close(fd) }

    /// One request on a new connection (`Connection: close`), the response read until the server
    /// closes (Content-Length or close-delimited).
    public static func request(port: Int, method: String, target: String, headers: [String: String] = [:],
                               body: [UInt8]? = nil, timeoutSeconds: Int = 5) throws -> Response {
        let client = try BlockingHTTPClient(port: port, timeoutSeconds: timeoutSeconds)
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) { text += "\(k): \(v)\r\n" }
        if let body { text += "Content-Length: \(body.count)\r\n" }
        try client.send(Array((text + "\r\n").utf8) + (body ?? []))
        while try client.fill() {}
        guard let end = client.find([13, 10, 13, 10]) else {
            throw Failure(description: "incomplete response (\(client.pending.count) bytes)")
        }
        let (status, fields) = try parseHead(client.pending[..<end])
        var rest = Array(client.pending[(end + 4)...])
        if fields.contains(where: { $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased().contains("chunked") }) {
            rest = try dechunk(rest)
        } else if let cl = fields.first(where: { $0.name.lowercased() == "content-length" }), let n = Int(cl.value), n <= rest.count {
            rest = Array(rest[..<n])
        }
        return Response(status: status, headers: fields, body: rest)
    }

    /// The data of a chunked body (`SIZE[;ext]\r\nDATA\r\n` … `0\r\n` trailers `\r\n`).
    public static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = [], i = 0
        while true {
            guard let lf = bytes[i...].firstIndex(of: 10) else { throw Failure(description: "chunked body ends inside a chunk size") }
            let line = String(decoding: bytes[i..<lf], as: UTF8.self)
            let hex = line.split(separator: ";").first.map { String($0.filter { $0 != " " && $0 != "\r" && $0 != "\t" }) } ?? ""
            guard let size = Int(hex, radix: 16) else { throw Failure(description: "bad chunk size \(line.prefix(20))") }
            i = lf + 1
            if size == 0 { return out }
            guard i + size <= bytes.count else { throw Failure(description: "chunked body ends inside a chunk") }
            out += bytes[i..<(i + size)]
            i += size
            if i < bytes.count, bytes[i] == 13 { i += 1 }
            if i < bytes.count, bytes[i] == 10 { i += 1 }
        }
    }

    public func send(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: \(Self.lastError)") }
            off += n
        }
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// The next response, or nil if the server closed the connection first.
    /// `bodyless` is for HEAD requests: Content-Length is present but no body follows.
    public func readResponse(bodyless: Bool = false) throws -> Response? {
        var headEnd: Int
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
        let (status, headers) = try Self.parseHead(pending[0..<headEnd])
        pending.removeFirst(headEnd + 4)
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

    /// Reads more bytes; false on EOF or reset.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            pending.append(contentsOf: chunk[0..<n])
            return true
        }
        if n < 0, errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(description: "read timed out") }
        if n < 0, errno != ECONNRESET { throw Failure(description: "recv: \(Self.lastError)") }
        return false
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard pending.count >= needle.count else { return nil }
        for i in 0...(pending.count - needle.count) where pending[i] == needle[0] {
            if Array(pending[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }

    /// Status and header fields of a response head (without its blank line).
    private static func parseHead(_ bytes: ArraySlice<UInt8>) throws -> (Int, [(name: String, value: String)]) {
        let head = String(decoding: bytes, as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line: \(statusLine)") }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let c = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<c]), trimmed(line[line.index(after: c)...]))
        }
        return (status, headers)
    }

    private static func trimmed(_ text: Substring) -> String {
        var s = text
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }

    private static var lastError: String { String(cString: strerror(errno)) }
}
