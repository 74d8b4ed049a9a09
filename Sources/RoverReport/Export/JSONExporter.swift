public import Foundation

/// summary.json: the whole ``Summary`` plus the claim checks, as stable pretty-printed JSON
/// (sorted keys). This is also the file the gate reads as a baseline.
///
/// Belongs to RoverReport (export). Thread-safe.
public enum JSONExporter {
    /// The document written to summary.json.
    public struct Document: Codable, Sendable, Equatable {
        /// Bumped when the shape changes incompatibly.
        public var schema: Int
        public var summary: Summary
        public var claims: [ClaimCheck]
    }

    public static let schema = 1

    public static func render(_ s: Summary) -> String {
        let doc = Document(schema: schema, summary: s, claims: s.claimChecks())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Plain structs of strings and numbers, non-finite numbers mapped to strings:
        // encoding cannot fail, so a failure here is a programming error.
        let data = try! encoder.encode(doc)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Reads a summary.json written by ``render(_:)``.
    public static func decode(_ data: Data) throws -> Document {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(Document.self, from: data)
    }
}
