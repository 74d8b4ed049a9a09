public import Foundation

/// The shared reading of a gate's per-request CSV (`subject,requests,<figure>`): what
/// ``InstructionCounts`` and ``HotPathCounts`` are made from.
///
/// Belongs to RoverReport (gate). Pure functions; thread-safe.
enum PerRequestCSV {
    /// Subjects in file order (the first of a repeated subject wins) and each one's figure.
    static func index(_ rows: [(subject: String, perRequest: Double)]) -> (subjects: [String], perRequest: [String: Double]) {
        var subjects: [String] = [], perRequest: [String: Double] = [:]
        for row in rows where perRequest[row.subject] == nil {
            subjects.append(row.subject)
            perRequest[row.subject] = row.perRequest
        }
        return (subjects, perRequest)
    }

    /// The rows of `text` under `header`; throws a message naming `label` and the bad line.
    static func parse(_ text: String, header: [String], label: String) throws(GateInputError) -> [(subject: String, perRequest: Double)] {
        let parsed = CSV.parse(text.hasSuffix("\n") ? text : text + "\n")
        guard let head = parsed.rows.first, head == header else {
            throw .unreadable(label, "expected the header \(header.joined(separator: ","))")
        }
        var rows: [(subject: String, perRequest: Double)] = []
        for (i, row) in parsed.rows.dropFirst().enumerated() where row != [""] {
            guard row.count == 3, !row[0].isEmpty, let value = Double(row[2]), value >= 0 else {
                throw .unreadable(label, "line \(i + 2): expected \(header.joined(separator: ","))")
            }
            rows.append((row[0], value))
        }
        return rows
    }

    /// `make` of the text of `file`; an unreadable file or line is named by the file's path.
    static func load<T>(_ file: URL, _ make: (String) throws(GateInputError) -> T) throws(GateInputError) -> T {
        guard let data = try? Data(contentsOf: file) else { throw .unreadable(file.path, "no such file") }
        do { return try make(String(decoding: data, as: UTF8.self)) } catch {
            if case let .unreadable(_, why) = error { throw .unreadable(file.path, why) }
            throw error
        }
    }
}
