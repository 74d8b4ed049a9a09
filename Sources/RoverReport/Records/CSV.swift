/// RFC 4180-style CSV text, independent of any record type.
///
/// Belongs to RoverReport (records). Pure functions on strings; thread-safe.
/// Writing: fields holding a comma, a double quote, CR or LF are quoted, quotes doubled;
/// every row ends with `\n`. Reading: accepts `\n` and `\r\n`, quoted fields spanning lines.
public enum CSV {
    /// One row, terminated by `\n`.
    public static func row(_ fields: [String]) -> String {
        fields.map(quoted).joined(separator: ",") + "\n"
    }

    /// A field as it appears in a CSV row.
    public static func quoted(_ field: String) -> String {
        let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard needsQuotes else { return field }
        return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
    }

    /// Parsed rows and whether the text ended in the middle of a row (no final newline,
    /// or inside an open quote). An unterminated tail row is not included in `rows`.
    public struct Parsed: Equatable, Sendable {
        public var rows: [[String]]
        public var unterminatedTail: String?
    }

    /// Parses `text` into rows. A final row without its terminating newline is returned in
    /// `unterminatedTail` (raw text) rather than in `rows`: an interrupted append leaves
    /// exactly such a tail, and callers decide whether to accept it.
    public static func parse(_ text: String) -> Parsed {
        var rows: [[String]] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var afterQuote = false  // just closed a quoted section: a `"` now means an escaped quote
        var rowStart = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let ch = text[index]
            let next = text.index(after: index)
            if inQuotes {
                if ch == "\"" { inQuotes = false; afterQuote = true } else { field.append(ch) }
            } else if ch == "\"" {
                if afterQuote { field.append("\"") }
                inQuotes = true
                afterQuote = false
            } else if ch == "," {
                fields.append(field); field = ""; afterQuote = false
            } else if ch == "\n" || ch == "\r\n" || ch == "\r" {
                fields.append(field); field = ""; afterQuote = false
                rows.append(fields); fields = []
                rowStart = next
            } else {
                field.append(ch); afterQuote = false
            }
            index = next
        }
        let tail = rowStart < text.endIndex ? String(text[rowStart...]) : nil
        return Parsed(rows: rows, unterminatedTail: tail)
    }
}

extension String {
    /// Replaces every occurrence of `target` (Foundation-free, so the stdlib suffices).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
