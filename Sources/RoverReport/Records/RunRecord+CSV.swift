public import RoverKinds
/// The CSV form of ``RunRecord``: header, one row per run, and the strict and tolerant readers.
///
/// Belongs to RoverReport (records). Pure functions; thread-safe.
extension RunRecord {
    /// The runs.csv header, in order. Stable: new columns are only ever appended.
    public static let columns: [String] = [
        "run_id", "cell", "scenario", "context", "dispatcher", "workers", "connections", "rate",
        "repeat", "status", "reason", "duration_s", "requests", "rps",
        "errors_connect", "errors_read", "errors_write", "errors_timeout", "non2xx",
        "lat_mean_us", "lat_p50_us", "lat_p90_us", "lat_p99_us", "lat_p999_us", "lat_max_us",
        "server_cpu_us_per_req", "client_cpu_us_per_req", "closures_per_req", "lua_allocs_per_req",
        "lua_bytes_per_req", "handoffs_per_req", "lock_waits_per_req", "cas_retries_per_req",
        "ctx_switches_per_req", "server_peak_rss_kib", "generator_saturated",
    ]

    /// The header line, terminated by `\n`.
    public static var csvHeader: String { CSV.row(columns) }

    /// This record's fields in ``columns`` order.
    public var csvFields: [String] {
        [runID, cell, scenario, context.rawValue, dispatcher.rawValue, "\(workers)", "\(connections)", "\(rate)",
         "\(repeatIndex)", status.rawValue, reason, "\(durationSeconds)", "\(requests)", "\(rps)",
         "\(errorsConnect)", "\(errorsRead)", "\(errorsWrite)", "\(errorsTimeout)", "\(non2xx)",
         "\(latMeanUs)", "\(latP50Us)", "\(latP90Us)", "\(latP99Us)", "\(latP999Us)", "\(latMaxUs)",
         "\(serverCPUUsPerReq)", "\(clientCPUUsPerReq)", "\(closuresPerReq)", "\(luaAllocsPerReq)",
         "\(luaBytesPerReq)", "\(handoffsPerReq)", "\(lockWaitsPerReq)", "\(casRetriesPerReq)",
         "\(ctxSwitchesPerReq)", "\(serverPeakRSSKiB)", generatorSaturated ? "true" : "false"]
    }

    /// This record as one CSV line, terminated by `\n`.
    public var csvRow: String { CSV.row(csvFields) }

    /// Rebuilds a record from a row, looking fields up by header name (column order may differ;
    /// extra columns are ignored). Throws ``RecordError`` naming the column on a bad value.
    public init(header: [String], fields: [String], line: Int) throws(RecordError) {
        guard header.count == fields.count else {
            throw .fieldCount(line: line, expected: header.count, found: fields.count)
        }
        var byName: [String: String] = [:]
        for (name, value) in zip(header, fields) { byName[name] = value }
        let r = FieldReader(byName: byName, line: line)
        var key = CellKey.blank
        for axis in CellKey.Axis.allCases {
            let text = try r.text(axis.rawValue)
            guard key.set(axis, to: text) else { throw .badValue(line: line, column: axis.rawValue, value: text) }
        }
        guard let status = RunStatus(rawValue: try r.text("status")) else {
            throw .badValue(line: line, column: "status", value: byName["status"] ?? "")
        }
        self.init(runID: try r.text("run_id"), key: key, repeatIndex: try r.int("repeat"),
                  status: status, reason: try r.text("reason"))
        cell = try r.text("cell")
        durationSeconds = try r.real("duration_s"); requests = try r.int("requests"); rps = try r.real("rps")
        errorsConnect = try r.int("errors_connect"); errorsRead = try r.int("errors_read")
        errorsWrite = try r.int("errors_write"); errorsTimeout = try r.int("errors_timeout")
        non2xx = try r.int("non2xx")
        latMeanUs = try r.real("lat_mean_us"); latP50Us = try r.real("lat_p50_us")
        latP90Us = try r.real("lat_p90_us"); latP99Us = try r.real("lat_p99_us")
        latP999Us = try r.real("lat_p999_us"); latMaxUs = try r.real("lat_max_us")
        serverCPUUsPerReq = try r.real("server_cpu_us_per_req")
        clientCPUUsPerReq = try r.real("client_cpu_us_per_req")
        closuresPerReq = try r.real("closures_per_req"); luaAllocsPerReq = try r.real("lua_allocs_per_req")
        luaBytesPerReq = try r.real("lua_bytes_per_req"); handoffsPerReq = try r.real("handoffs_per_req")
        lockWaitsPerReq = try r.real("lock_waits_per_req"); casRetriesPerReq = try r.real("cas_retries_per_req")
        ctxSwitchesPerReq = try r.real("ctx_switches_per_req")
        serverPeakRSSKiB = try r.int("server_peak_rss_kib")
        generatorSaturated = try r.bool("generator_saturated")
    }
}

/// Why a runs.csv could not be read. One message per case.
public enum RecordError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingHeader
    case missingColumn(String)
    case fieldCount(line: Int, expected: Int, found: Int)
    case badValue(line: Int, column: String, value: String)

    public var description: String {
        switch self {
        case .missingHeader: "runs.csv: no header line"
        case .missingColumn(let c): "runs.csv: header lacks column '\(c)'"
        case let .fieldCount(line, expected, found): "runs.csv line \(line): \(found) fields, expected \(expected)"
        case let .badValue(line, column, value): "runs.csv line \(line): bad \(column) '\(value)'"
        }
    }
}

/// Typed lookups of one row's fields by column name.
private struct FieldReader {
    let byName: [String: String]
    let line: Int

    func text(_ column: String) throws(RecordError) -> String {
        guard let value = byName[column] else { throw .missingColumn(column) }
        return value
    }

    func int(_ column: String) throws(RecordError) -> Int {
        let value = try text(column)
        guard let n = Int(value) else { throw .badValue(line: line, column: column, value: value) }
        return n
    }

    func real(_ column: String) throws(RecordError) -> Double {
        let value = try text(column)
        guard let x = Double(value) else { throw .badValue(line: line, column: column, value: value) }
        return x
    }

    func bool(_ column: String) throws(RecordError) -> Bool {
        switch try text(column) {
        case "true", "1": return true
        case "false", "0": return false
        case let other: throw .badValue(line: line, column: column, value: other)
        }
    }
}
