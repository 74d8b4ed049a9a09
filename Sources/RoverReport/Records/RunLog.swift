public import Foundation

/// runs.csv as a whole: encode all records, or decode a file that may have been cut short.
///
/// Belongs to RoverReport (records). Pure functions; thread-safe.
public enum RunLog {
    /// What a runs.csv held. `droppedTail` is the raw text of a last row that lacked its newline
    /// (an interrupted append); it is never turned into a record.
    public struct Contents: Equatable, Sendable {
        public var records: [RunRecord]
        public var droppedTail: String?
    }

    /// Header plus one line per record; every line ends with `\n`.
    public static func encode(_ records: [RunRecord]) -> String {
        RunRecord.csvHeader + records.map(\.csvRow).joined()
    }

    /// The same in `columns`, some of ``RunRecord/columns`` in any order: given an older file's
    /// own header (one without the appended runtime column), what it held encodes to its bytes.
    public static func encode(_ records: [RunRecord], columns: [String]) -> String {
        let at = columns.map { column in
            guard let i = RunRecord.columns.firstIndex(of: column) else { preconditionFailure("runs.csv has no column \(column)") }
            return i
        }
        return CSV.row(columns) + records.map { r in
            let fields = r.csvFields
            return CSV.row(at.map { fields[$0] })
        }.joined()
    }

    /// Reads runs.csv text. Tolerates a truncated last line (reported in `droppedTail`);
    /// a bad complete line is an error naming the line and column.
    public static func decode(_ text: String) throws(RecordError) -> Contents {
        let parsed = CSV.parse(text)
        guard let header = parsed.rows.first else { throw .missingHeader }
        for column in RunRecord.columns where !header.contains(column) && !RunRecord.optionalColumns.contains(column) {
            throw .missingColumn(column)
        }
        var records: [RunRecord] = []
        for (offset, fields) in parsed.rows.dropFirst().enumerated() {
            if fields == [""] { continue }  // blank line
            records.append(try RunRecord(header: header, fields: fields, line: offset + 2))
        }
        return Contents(records: records, droppedTail: parsed.unterminatedTail)
    }

    /// Reads a runs.csv file (see ``decode(_:)``).
    public static func read(_ url: URL) throws -> Contents {
        try decode(String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }
}

/// Append-only, crash-safe writer of runs.csv: each ``append(_:)`` writes one complete line
/// and fsyncs before returning, so an interrupted sweep keeps every finished row.
///
/// Belongs to RoverReport (records); used by the sweep runner, one row per finished trial.
/// Opening an existing file checks its header and cuts off a partial last line left by a
/// crash, so appending resumes cleanly. Thread-safe: appends are serialised by `lock`.
public final class RunLogWriter: @unchecked Sendable {
    // Invariant: `handle` is only touched while `lock` is held.
    private let lock = NSLock()
    private var handle: FileHandle?
    public let url: URL
    private let columns: [String]

    /// Opens (creating with a header if absent or empty) the runs.csv at `url`.
    public convenience init(url: URL) throws { try self.init(url: url, columns: RunRecord.columns) }

    /// The same for any CSV file whose header is `columns` (pairs.csv uses it).
    public init(url: URL, columns: [String]) throws {
        self.url = url
        self.columns = columns
        let fm = FileManager.default
        if !fm.fileExists(atPath: url.path) {
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard fm.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
            // Make the new directory entry durable too (fsync of the parent folder).
            if let dir = FileHandle(forReadingAtPath: url.deletingLastPathComponent().path) {
                try? dir.synchronize()
                try? dir.close()
            }
        }
        let handle = try FileHandle(forUpdating: url)
        let existing = try handle.readToEnd() ?? Data()
        if existing.isEmpty {
            try handle.write(contentsOf: Data(CSV.row(columns).utf8))
        } else {
            let text = String(decoding: existing, as: UTF8.self)
            let parsed = CSV.parse(text)
            guard parsed.rows.first == columns else {
                try? handle.close()
                throw RunLogError.headerMismatch(url.path)
            }
            if let tail = parsed.unterminatedTail {
                let keep = existing.count - tail.utf8.count
                try handle.truncate(atOffset: UInt64(keep))
            }
        }
        try handle.seekToEnd()
        try handle.synchronize()
        self.handle = handle
    }

    /// Appends one row and fsyncs it.
    public func append(_ record: RunRecord) throws { try append(lines: record.csvRow) }

    /// Appends already formatted CSV rows (each ending in a newline) and fsyncs them.
    public func append(lines: String) throws {
        try lock.withLock {
            guard let handle else { throw RunLogError.closed(url.path) }
            try handle.write(contentsOf: Data(lines.utf8))
            try handle.synchronize()
        }
    }

    /// Closes the file; later appends throw. Idempotent.
    public func close() {
        lock.withLock {
            try? handle?.close()
            handle = nil
        }
    }

    deinit { try? handle?.close() }
}

/// Errors of ``RunLogWriter``.
public enum RunLogError: Error, Equatable, Sendable, CustomStringConvertible {
    case headerMismatch(String)
    case closed(String)

    public var description: String {
        switch self {
        case .headerMismatch(let p): "\(p): existing header differs from runs.csv columns; refusing to append"
        case .closed(let p): "\(p): writer already closed"
        }
    }
}
