import Glibc

/// A start barrier over TCP, for generator processes on several hosts whose clocks may not agree:
/// each process connects and says `ready <segment>`; when `parties` have, the barrier answers
/// `go` to all of them at once and each starts its load on receipt. The start skew is then the
/// spread of one small write's delivery, whatever the hosts' clocks say.
///
/// Belongs to RoverLoad's public API: `rover-bench barrier` runs `serve(…)`, `load --barrier`
/// calls `wait(…)` (through `runLoad`). Blocking POSIX sockets, one call per thread; nothing shared.
public enum StartBarrier {
    /// `host:port` as given to `--barrier`; validated at the CLI edge.
    public struct Address: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: UInt16
        public init(parsing text: String, option: String = "--barrier") throws(LoadConfigError) {
            guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]), port > 0,
                  colon > text.startIndex else {
                throw .invalid(option, "must be host:port, e.g. rover-barrier:7700 (got '\(text)')")
            }
            host = String(text[..<colon])
            self.port = port
        }
        public var description: String { "\(host):\(port)" }
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case timedOut(String)
        case socket(String)
        public var description: String {
            switch self {
            case .timedOut(let what): return "start barrier: timed out \(what)"
            case .socket(let what): return "start barrier: \(what)"
            }
        }
    }

    /// Connects (retrying while nothing listens yet), announces `segment`, and returns on `go`.
    public static func wait(at address: Address, segment: LoadSegment?, timeout: Double) throws {
        let deadline = WallClock.now() + timeout
        let target = try TargetURL("http://\(address.host):\(address.port)/")
        var fd: Int32 = -1
        while fd < 0 {
            if let addr = try? target.resolve().first {
                fd = socket(addr.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                var s = addr.storage
                let rc = withUnsafePointer(to: &s) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, addr.length) } }
                if rc != 0 { close(fd); fd = -1 }
            }
            if fd < 0 {
                if WallClock.now() > deadline { throw Failure.timedOut("connecting to \(address)") }
                usleep(200_000)
            }
        }
        defer { close(fd) }
        guard writeAll(fd, "ready \(segment?.description ?? "-")\n") else { throw Failure.socket("cannot write to \(address)") }
        let line = try readLine(fd, until: deadline, what: "waiting for the other parties at \(address)")
        guard line == "go" else { throw Failure.socket("unexpected answer '\(line)' from \(address)") }
    }

    /// Listens on `address` until `parties` processes are ready, then releases them together.
    /// `arrived` is called with each party's announced segment. Returns the segments in order of arrival.
    public static func serve(on address: Address, parties: Int, timeout: Double,
                             arrived: (String) -> Void = { _ in }) throws -> [String] {
        let deadline = WallClock.now() + timeout
        let addr = try TargetURL("http://\(address.host):\(address.port)/").resolve()[0]
        let listener = socket(addr.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw Failure.socket("socket: errno \(errno)") }
        defer { close(listener) }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var s = addr.storage
        let bound = withUnsafePointer(to: &s) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, addr.length) } }
        guard bound == 0, listen(listener, 128) == 0 else { throw Failure.socket("cannot listen on \(address): errno \(errno)") }
        var clients: [Int32] = []
        defer { for c in clients { close(c) } }
        var segments: [String] = []
        while clients.count < parties {
            var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            let left = deadline - WallClock.now()
            if left <= 0 { throw Failure.timedOut("with \(clients.count) of \(parties) parties ready") }
            guard poll(&p, 1, Int32(min(left * 1000, 60_000))) == 1 else { continue }
            let c = accept(listener, nil, nil)
            guard c >= 0 else { continue }
            guard let line = try? readLine(c, until: deadline, what: "reading a party's ready line"), line.hasPrefix("ready ") else {
                close(c); continue
            }
            clients.append(c)
            let segment = String(line.dropFirst(6))
            segments.append(segment)
            arrived(segment)
        }
        for c in clients { _ = writeAll(c, "go\n") }
        return segments
    }

    private static func writeAll(_ fd: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return false }
            done += n
        }
        return true
    }

    /// One line (without its newline), at most 256 bytes, before `deadline`.
    private static func readLine(_ fd: Int32, until deadline: Double, what: String) throws -> String {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 256 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = deadline - WallClock.now()
            if left <= 0 { throw Failure.timedOut(what) }
            if poll(&p, 1, Int32(min(left * 1000, 60_000))) != 1 { continue }
            let n = recv(fd, &byte, 1, 0)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else { throw Failure.socket("connection closed while \(what)") }
            if byte == 10 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        throw Failure.socket("line too long while \(what)")
    }
}
