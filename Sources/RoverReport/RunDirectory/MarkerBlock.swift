public import Foundation

/// Replaces the generated block of a Markdown document (README, docs) between
/// `<!-- rover-bench:begin -->` and `<!-- rover-bench:end -->`, keeping the markers.
///
/// Belongs to RoverReport (run directory), used by `rover-bench report --update FILE`.
/// Pure string function plus a file helper; thread-safe.
public enum MarkerBlock {
    public static let begin = "<!-- rover-bench:begin -->"
    public static let end = "<!-- rover-bench:end -->"
    /// The block `report --across --update FILE` replaces.
    public static let across = (begin: "<!-- rover-bench:across:begin -->", end: "<!-- rover-bench:across:end -->")

    /// `text` with everything between the markers replaced by `block` (on its own lines).
    public static func replace(in text: String, with block: String,
                               markers: (begin: String, end: String) = (MarkerBlock.begin, MarkerBlock.end)) throws(MarkerError) -> String {
        let (begin, end) = markers
        let begins = text.ranges(of: begin), ends = text.ranges(of: end)
        guard let b = begins.first else { throw .missingBegin }
        guard let e = ends.first else { throw .missingEnd }
        guard begins.count == 1, ends.count == 1 else { throw .duplicated }
        guard b.upperBound <= e.lowerBound else { throw .endBeforeBegin }
        let body = block.hasSuffix("\n") ? block : block + "\n"
        return String(text[..<b.upperBound]) + "\n" + body + String(text[e.lowerBound...])
    }

    /// Rewrites `file` in place (atomically) with the new block.
    public static func update(file: URL, with block: String, markers: (begin: String, end: String) = (MarkerBlock.begin, MarkerBlock.end)) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        let updated: String
        do { updated = try replace(in: text, with: block, markers: markers) } catch { throw MarkerFileError(path: file.path, error: error) }
        try Data(updated.utf8).write(to: file, options: .atomic)
    }
}

/// What is wrong with a document's markers.
public enum MarkerError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingBegin, missingEnd, duplicated, endBeforeBegin

    public var description: String {
        switch self {
        case .missingBegin: "the begin marker (e.g. \(MarkerBlock.begin)) not found"
        case .missingEnd: "the end marker (e.g. \(MarkerBlock.end)) not found"
        case .duplicated: "markers appear more than once"
        case .endBeforeBegin: "the end marker comes before the begin marker"
        }
    }
}

/// A ``MarkerError`` in a named file.
public struct MarkerFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var error: MarkerError
    public var description: String { "\(path): \(error)" }
}
