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
        (subjects, perRequest) = PerRequestCSV.index(rows)
    }

    /// Parses the CSV text; throws a message naming the bad line.
    public init(csv text: String) throws(GateInputError) {
        self.init(try PerRequestCSV.parse(text, header: Self.header, label: "instructions"))
    }

    public static func load(_ file: URL) throws(GateInputError) -> InstructionCounts {
        try PerRequestCSV.load(file) { (text: String) throws(GateInputError) in try InstructionCounts(csv: text) }
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
