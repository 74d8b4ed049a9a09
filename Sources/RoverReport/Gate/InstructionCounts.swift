public import Foundation

/// Exact instructions per request, as `Scripts/instructions.sh` writes them
/// (`subject,requests,instructions_per_req`; subjects like `micro.params-only.lazy`, `http.bare`).
///
/// Belongs to RoverReport (gate): the deterministic cost CI gates on, next to the counters. A
/// baseline copy lives in the baseline folder as `instructions.csv`. A value type; thread-safe.
public struct InstructionCounts: Sendable, Equatable {
    public static let fileName = "instructions.csv"
    static let header = ["subject", "requests", "instructions_per_req"]

    /// Subjects in file order.
    public var subjects: [String]
    public var perRequest: [String: Double]

    public init(_ rows: [(subject: String, perRequest: Double)]) {
        subjects = []
        perRequest = [:]
        for row in rows where perRequest[row.subject] == nil {
            subjects.append(row.subject)
            perRequest[row.subject] = row.perRequest
        }
    }

    /// Parses the CSV text; throws a message naming the bad line.
    public init(csv text: String) throws(GateInputError) {
        let parsed = CSV.parse(text.hasSuffix("\n") ? text : text + "\n")
        guard let head = parsed.rows.first, head == Self.header else {
            throw .unreadable("instructions", "expected the header \(Self.header.joined(separator: ","))")
        }
        var rows: [(String, Double)] = []
        for (i, row) in parsed.rows.dropFirst().enumerated() where row != [""] {
            guard row.count == 3, !row[0].isEmpty, let value = Double(row[2]), value >= 0 else {
                throw .unreadable("instructions", "line \(i + 2): expected subject,requests,instructions_per_req")
            }
            rows.append((row[0], value))
        }
        self.init(rows.map { (subject: $0.0, perRequest: $0.1) })
    }

    public static func load(_ file: URL) throws(GateInputError) -> InstructionCounts {
        guard let data = try? Data(contentsOf: file) else { throw .unreadable(file.path, "no such file") }
        do { return try InstructionCounts(csv: String(decoding: data, as: UTF8.self)) } catch {
            if case let .unreadable(_, why) = error { throw .unreadable(file.path, why) }
            throw error
        }
    }

    /// `11,481.5`
    static func format(_ x: Double) -> String {
        let whole = Int(x.rounded(.down)), tenth = Int(((x - Double(whole)) * 10).rounded()) % 10
        var digits = String(whole), grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return digits + grouped + ".\(tenth)"
    }
}
