/// The CSV form of ``RunRecord``: header, one row per run, and the reader.
///
/// Belongs to RoverReport (records). Pure functions; thread-safe. Every list here is derived:
/// the axis columns from ``CellKey/Axis``, the measurements from ``Metric``.
extension RunRecord {
    /// The columns before the axes and between the axes and the measurements.
    static let identityColumns = ["run_id", "cell"]
    static let outcomeColumns = ["repeat", "status", "reason"]

    /// The runs.csv header, in order. Stable: new columns are only ever appended; pinned by a
    /// test. An axis added later comes after the measurements (``CellKey/Axis/appended``: the
    /// runtime); a new metric, a new last case of ``Metric``, would go before it in this
    /// derivation, so it needs its own place after the appended axes here.
    public static let columns: [String] = identityColumns + CellKey.Axis.leading.map(\.rawValue)
        + outcomeColumns + Metric.allCases.map(\.rawValue) + CellKey.Axis.appended.map(\.rawValue)

    /// The columns a runs.csv written before they existed lacks (read as their default).
    static let optionalColumns = Set(CellKey.Axis.allCases.filter { $0.absentText != nil }.map(\.rawValue))

    /// The header line, terminated by `\n`.
    public static var csvHeader: String { CSV.row(columns) }

    /// This record's fields in ``columns`` order.
    public var csvFields: [String] {
        [runID, cell] + CellKey.Axis.leading.map(key.text) + ["\(repeatIndex)", status.rawValue, reason]
            + Metric.allCases.map(field) + CellKey.Axis.appended.map(key.text)
    }

    /// This record as one CSV line, terminated by `\n`.
    public var csvRow: String { CSV.row(csvFields) }

    private func field(_ metric: Metric) -> String {
        let x = self[metric]
        switch metric.format {
        case .int: return "\(Int(x))"
        case .real: return "\(x)"
        case .flag: return x != 0 ? "true" : "false"
        }
    }

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
            let text = try r.text(axis)
            guard key.set(axis, to: text) else { throw .badValue(line: line, column: axis.rawValue, value: text) }
        }
        guard let status = RunStatus(rawValue: try r.text("status")) else {
            throw .badValue(line: line, column: "status", value: byName["status"] ?? "")
        }
        self.init(runID: try r.text("run_id"), key: key, repeatIndex: try r.int("repeat"),
                  status: status, reason: try r.text("reason"))
        for metric in Metric.allCases { self[metric] = try r.value(metric) }
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

    /// An axis's field; an appended axis that an older file lacks reads as its default.
    func text(_ axis: CellKey.Axis) throws(RecordError) -> String {
        if byName[axis.rawValue] == nil, let absent = axis.absentText { return absent }
        return try text(axis.rawValue)
    }

    func int(_ column: String) throws(RecordError) -> Int {
        let value = try text(column)
        guard let n = Int(value) else { throw .badValue(line: line, column: column, value: value) }
        return n
    }

    /// A measurement in its ``Metric/Format`` (a flag reads `true`/`1` or `false`/`0`).
    func value(_ metric: Metric) throws(RecordError) -> Double {
        let column = metric.rawValue, value = try text(column)
        switch metric.format {
        case .int: if let n = Int(value) { return Double(n) }
        case .real: if let x = Double(value) { return x }
        case .flag:
            switch value {
            case "true", "1": return 1
            case "false", "0": return 0
            default: break
            }
        }
        throw .badValue(line: line, column: column, value: value)
    }
}
