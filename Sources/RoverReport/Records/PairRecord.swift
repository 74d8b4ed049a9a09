public import Foundation

/// One window of a duet: two servers (a cell and its reference) on the same CPUs, in equal-share
/// cgroups, loaded at the same time; what each answered and the CPU each used in that window.
/// A row of `pairs.csv`, written as soon as its process pair has been stopped and checked.
///
/// Belongs to RoverReport (records). A value type. The columns are defined once, in
/// ``columns``: the header, the row and the parser all derive from that table.
public struct PairRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A cell against the group's baseline.
        case comparison
        /// The baseline against a second instance of itself: the sweep's control.
        case control = "a/a"
        /// A comparison's two servers each loaded **alone**, one after the other, in the same
        /// process pair after its duet windows: the standalone ratio the validity check compares
        /// the duet's with (``DuetValidity``). Not part of the duet's own statistics.
        case alone
    }

    public enum Status: String, Sendable, CaseIterable {
        case ok
        /// A contaminated window (the reason says by what): left out of the statistics, counted.
        case dropped
        /// The process pair failed (crash, wrong answer under load, bad exit): no data.
        case failed
    }

    public var kind: Kind = .comparison
    public var cell: CellKey
    public var reference: CellKey
    /// The process pair (a cluster in the statistics) and the window within it.
    public var start = 0
    public var window = 0
    /// 0: the cell's server was started (and loaded) first; 1: the reference's.
    public var slot = 0
    public var seconds = 0.0
    public var cellRequests = 0
    public var cellCPUNanos = 0.0
    public var refRequests = 0
    public var refCPUNanos = 0.0
    /// Share of the server CPUs' time used by other processes, share stolen by the hypervisor,
    /// and how busy the load generator's CPUs were, in this window.
    public var foreignShare = 0.0
    public var stealShare = 0.0
    public var loadBusy = 0.0
    public var status = Status.ok
    public var reason = ""
    /// How the two servers shared the CPU: `cgroup` (each in an equal-share cgroup) or
    /// `schedstat` (no writable cgroup: CFS shares per thread). CPU time itself is the server's
    /// process clock, read with its request count in one counters reply.
    public var accounting = "cgroup"
    /// Mechanism counters of each side in this window, counted where the work happens: context
    /// switches of the server process (getrusage) and wake-ups of its dedicated Lua thread
    /// (`channel`; 0 elsewhere). -1: not recorded (files written before they existed).
    public var cellSwitches = -1
    public var refSwitches = -1
    public var cellWakes = -1
    public var refWakes = -1

    public init(kind: Kind = .comparison, cell: CellKey, reference: CellKey) {
        self.kind = kind
        self.cell = cell
        self.reference = reference
    }

    /// cell CPU per request / reference CPU per request (nil when either answered nothing).
    public var cpuRatio: Double? {
        guard cellRequests > 0, refRequests > 0, refCPUNanos > 0 else { return nil }
        return (cellCPUNanos / Double(cellRequests)) / (refCPUNanos / Double(refRequests))
    }

    /// cell requests / reference requests in the same window (the same CPU share).
    public var rpsRatio: Double? {
        guard cellRequests > 0, refRequests > 0 else { return nil }
        return Double(cellRequests) / Double(refRequests)
    }

    public var cellCPUMicrosPerRequest: Double? { cellRequests > 0 ? cellCPUNanos / Double(cellRequests) / 1000 : nil }
    public var refCPUMicrosPerRequest: Double? { refRequests > 0 ? refCPUNanos / Double(refRequests) / 1000 : nil }

    /// Context switches and Lua-thread wake-ups per request of each side (nil when not recorded).
    public var cellSwitchesPerRequest: Double? { cellSwitches >= 0 && cellRequests > 0 ? Double(cellSwitches) / Double(cellRequests) : nil }
    public var refSwitchesPerRequest: Double? { refSwitches >= 0 && refRequests > 0 ? Double(refSwitches) / Double(refRequests) : nil }
    public var cellWakesPerRequest: Double? { cellWakes >= 0 && cellRequests > 0 ? Double(cellWakes) / Double(cellRequests) : nil }
    public var refWakesPerRequest: Double? { refWakes >= 0 && refRequests > 0 ? Double(refWakes) / Double(refRequests) : nil }

    /// The identity of the comparison this window belongs to.
    public var comparisonID: String {
        kind == .control ? "a/a.\(reference.id)" : reference.isBaseline ? cell.id : "\(cell.id)~\(reference.context).\(reference.dispatcher)"
    }
}

extension PairRecord {
    struct Column {
        let name: String
        let get: (PairRecord) -> String
        let set: (inout PairRecord, String) -> Bool
        /// Appended after files were written without it: absent in an old file is not an error.
        var optional = false
    }

    private static func text(_ name: String, _ path: WritableKeyPath<PairRecord, String>) -> Column {
        Column(name: name, get: { $0[keyPath: path] }, set: { r, v in r[keyPath: path] = v; return true })
    }
    private static func int(_ name: String, _ path: WritableKeyPath<PairRecord, Int>) -> Column {
        Column(name: name, get: { String($0[keyPath: path]) }, set: { r, v in
            guard let x = Int(v) else { return false }
            r[keyPath: path] = x
            return true
        })
    }
    private static func real(_ name: String, _ path: WritableKeyPath<PairRecord, Double>) -> Column {
        Column(name: name, get: { "\($0[keyPath: path])" }, set: { r, v in
            guard let x = Double(v) else { return false }
            r[keyPath: path] = x
            return true
        })
    }
    private static func optionalInt(_ name: String, _ path: WritableKeyPath<PairRecord, Int>) -> Column {
        var c = int(name, path)
        c.optional = true
        return c
    }
    private static func raw<T: RawRepresentable<String>>(_ name: String, _ path: WritableKeyPath<PairRecord, T>,
                                                         optional: Bool = false) -> Column {
        Column(name: name, get: { $0[keyPath: path].rawValue }, set: { r, v in
            guard let x = T(rawValue: v) else { return false }
            r[keyPath: path] = x
            return true
        }, optional: optional)
    }

    /// Every column of pairs.csv, in order. Append only: old files must still read.
    static var table: [Column] { [
        raw("kind", \.kind),
        text("scenario", \.cell.scenario), int("workers", \.cell.workers), int("connections", \.cell.connections),
        int("rate", \.cell.rate),
        raw("context", \.cell.context), raw("dispatcher", \.cell.dispatcher),
        raw("ref_context", \.reference.context), raw("ref_dispatcher", \.reference.dispatcher),
        int("start", \.start), int("window", \.window), int("slot", \.slot), real("seconds", \.seconds),
        int("cell_requests", \.cellRequests), real("cell_cpu_ns", \.cellCPUNanos),
        int("ref_requests", \.refRequests), real("ref_cpu_ns", \.refCPUNanos),
        real("foreign_share", \.foreignShare), real("steal_share", \.stealShare), real("load_busy", \.loadBusy),
        raw("status", \.status), text("reason", \.reason), text("accounting", \.accounting),
        // The reference's app, when a duet compares two apps (`duet --vs`); older files lack it
        // and their reference ran the cell's scenario.
        Column(name: "ref_scenario", get: { $0.reference.scenario }, set: { r, v in r.reference.scenario = v; return true },
               optional: true),
        // The Lua runtime of both servers (`duet --lua`); older files lack it and ran Lua 5.4.
        raw("runtime", \.cell.runtime, optional: true),
        // Mechanism counters per side; older files lack them (read as -1, not recorded).
        optionalInt("cell_ctx_switches", \.cellSwitches), optionalInt("ref_ctx_switches", \.refSwitches),
        optionalInt("cell_lua_wakes", \.cellWakes), optionalInt("ref_lua_wakes", \.refWakes),
        // `cmd` when both sides are commands (`duet --cmd`): `scenario`/`ref_scenario` are the
        // sides' names; older files lack it (serve cells).
        Column(name: "server", get: { $0.cell.external ? "cmd" : "" }, set: { r, v in
            guard v == "cmd" || v.isEmpty else { return false }
            r.cell.external = v == "cmd"
            return true
        }, optional: true),
    ] }

    public static var columns: [String] { table.map(\.name) }

    public var csvRow: String { CSV.row(Self.table.map { $0.get(self) }) }

    /// Parses a row by header name; the reference shares the cell's load axes and runtime (and
    /// its scenario, unless `ref_scenario` names another).
    init(header: [String], fields: [String], line: Int) throws(RecordError) {
        self.init(cell: .blank, reference: .blank)
        for column in Self.table {
            guard let i = header.firstIndex(of: column.name), i < fields.count else {
                if column.optional { continue }
                throw .missingColumn(column.name)
            }
            guard column.set(&self, fields[i]) else { throw .badValue(line: line, column: column.name, value: fields[i]) }
        }
        if reference.scenario.isEmpty { reference.scenario = cell.scenario }
        reference.workers = cell.workers
        reference.connections = cell.connections
        reference.rate = cell.rate
        reference.runtime = cell.runtime
        reference.external = cell.external
    }
}

/// Reads and appends `pairs.csv`.
public enum PairLog {
    public static let fileName = "pairs.csv"

    public static func encode(_ records: [PairRecord]) -> String {
        CSV.row(PairRecord.columns) + records.map(\.csvRow).joined()
    }

    public static func decode(_ text: String) throws(RecordError) -> [PairRecord] {
        let parsed = CSV.parse(text)
        guard let header = parsed.rows.first else { throw .missingHeader }
        var out: [PairRecord] = []
        for (offset, fields) in parsed.rows.dropFirst().enumerated() where fields != [""] {
            out.append(try PairRecord(header: header, fields: fields, line: offset + 2))
        }
        return out
    }

    /// The records of `url`, or none when the file does not exist (a run without a duet phase).
    public static func read(_ url: URL) throws -> [PairRecord] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try decode(String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }

    public static func writer(_ url: URL) throws -> RunLogWriter { try RunLogWriter(url: url, columns: PairRecord.columns) }
}
