public import Foundation

/// What the HTTP hot path does per request, counted: heap allocations and the server's read,
/// write and epoll system calls, as `Scripts/hotpath.sh` writes them (`subject,requests,per_req`;
/// subjects like `http.bare.allocs`, `http.userdata.affine.epoll`).
///
/// Belongs to RoverReport (gate): gated two-sided against the baseline's `hotpath.csv` within
/// ``GateRules/hotpathTolerance(for:)`` (an absolute number per request, not a fraction: one
/// allocation more on a path of twenty is what must show). A value type; thread-safe.
public struct HotPathCounts: Sendable, Equatable {
    public static let fileName = "hotpath.csv"
    static let header = ["subject", "requests", "per_req"]

    /// Subjects in file order.
    public var subjects: [String]
    public var perRequest: [String: Double]

    public init(_ rows: [(subject: String, perRequest: Double)]) {
        (subjects, perRequest) = PerRequestCSV.index(rows)
    }

    /// Parses the CSV text; throws a message naming the bad line.
    public init(csv text: String) throws(GateInputError) {
        self.init(try PerRequestCSV.parse(text, header: Self.header, label: "hotpath"))
    }

    public static func load(_ file: URL) throws(GateInputError) -> HotPathCounts {
        try PerRequestCSV.load(file) { (text: String) throws(GateInputError) in try HotPathCounts(csv: text) }
    }

    /// Per request from three running totals taken at marks after a warm-up, `marks[0]`, then
    /// after a load of `n1` requests `marks[1]`, then after `n2` more `marks[2]`:
    /// `((m2 − m1) − (m1 − m0)) / (n2 − n1)`. Each load also opens and closes one connection (and
    /// each mark costs the same), so those constants cancel. `nil` unless n2 > n1 and three marks.
    public static func perRequest(marks: [Double], n1: Int, n2: Int) -> Double? {
        guard marks.count == 3, n2 > n1, n1 >= 0 else { return nil }
        return ((marks[2] - marks[1]) - (marks[1] - marks[0])) / Double(n2 - n1)
    }

    /// The system-call classes counted per request.
    public enum SyscallClass: String, CaseIterable, Sendable {
        case reads, writes, epoll

        public init?(syscall name: String) {
            switch name {
            case "read", "readv", "recvfrom", "recvmsg": self = .reads
            case "write", "writev", "sendto", "sendmsg": self = .writes
            case "epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl": self = .epoll
            default: return nil
            }
        }
    }

    /// Counts each class's calls per window of an `strace -f -o` log (lines `PID name(args…`),
    /// where window k is what lies between the k-th and (k+1)-th `--- SIGUSR2` line (window 0
    /// before the first). A call counts once, at its start: an `<unfinished ...>` line counts, its
    /// `<... name resumed>` line does not; anything else (other calls, exits) is ignored.
    public static func syscallWindows(strace text: Substring) -> [[SyscallClass: Int]] {
        var windows: [[SyscallClass: Int]] = [[:]]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard fields.count == 2 else { continue }
            let rest = fields[1].drop(while: { $0 == " " })
            if rest.hasPrefix("--- SIGUSR2 ") {
                windows.append([:])
                continue
            }
            guard let paren = rest.firstIndex(of: "("), let kind = SyscallClass(syscall: String(rest[..<paren])) else { continue }
            windows[windows.count - 1][kind, default: 0] += 1
        }
        return windows
    }

    /// The per-request rows of one target from its interposer marks (three running allocation
    /// totals) and its strace log (three marks): `http.<target>.allocs|reads|writes|epoll`.
    /// Throws when the marks are not three on both sides.
    public static func rows(target: String, allocationMarks: [Double], strace: Substring, n1: Int, n2: Int)
        throws(GateInputError) -> [(subject: String, perRequest: Double)] {
        let windows = syscallWindows(strace: strace)
        guard windows.count == 4, let allocs = perRequest(marks: allocationMarks, n1: n1, n2: n2) else {
            throw .unreadable("hotpath", "\(target): expected 3 marks and n2 > n1, got \(allocationMarks.count) "
                + "allocation marks and \(windows.count - 1) in the strace log")
        }
        var rows = [(subject: "http.\(target).allocs", perRequest: allocs)]
        for kind in SyscallClass.allCases {
            // Windows 1 and 2 hold the n1 and n2 loads.
            let perReq = Double(windows[2][kind, default: 0] - windows[1][kind, default: 0]) / Double(n2 - n1)
            rows.append((subject: "http.\(target).\(kind.rawValue)", perRequest: perReq))
        }
        return rows
    }

    /// The CSV text of `rows` (`requests` is n2 − n1).
    public static func csv(_ rows: [(subject: String, perRequest: Double)], requests: Int, header: Bool) -> String {
        (header ? Self.header.joined(separator: ",") + "\n" : "")
            + rows.map { "\($0.subject),\(requests),\(format($0.perRequest))\n" }.joined()
    }

    /// `23.00`
    static func format(_ x: Double) -> String { String(format: "%.2f", x) }
}
