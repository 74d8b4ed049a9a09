/// A latency percentile distribution as HdrHistogram prints it (`.hgrm`), for the latency chart.
///
/// Belongs to RoverReport (export). Value type; thread-safe.
///
/// Accepts HdrHistogram's percentile-distribution text: a header naming the columns
/// `Value  Percentile  TotalCount  1/(1-Percentile)`, one row per percentile step (the last row,
/// at percentile 1.0, has no fourth column or `Infinity`), then `#[Mean = …]` footer lines.
/// Both the plain (space-separated) and the CSV variant are read. Values are multiplied by
/// `valueScale`: rover-bench's `.hgrm` files are in milliseconds, as HdrHistogram's plotter and
/// wrk2 write them, and the run folder reads them with a scale of 1000 to get µs.
public struct PercentileCurve: Codable, Sendable, Equatable {
    public struct Point: Codable, Sendable, Equatable {
        /// Latency at this percentile, in µs once read from a run folder.
        public var value: Double
        /// Percentile as a fraction in 0...1.
        public var percentile: Double
        /// Count of recorded values at or below `value`.
        public var totalCount: Int

        public init(value: Double, percentile: Double, totalCount: Int) {
            self.value = value
            self.percentile = percentile
            self.totalCount = totalCount
        }
    }

    public var points: [Point]

    public init(points: [Point]) { self.points = points }

    /// Parses `.hgrm` text. Lines that are not data rows (header, blank, `#` footer) are
    /// skipped; an error only when no data row is found or a row's percentile leaves 0...1.
    public static func parse(_ text: String, valueScale: Double = 1) throws(HgrmError) -> PercentileCurve {
        var points: [Point] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") { continue }
            let tokens = line.split { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\r" }
            guard tokens.count >= 3, let value = Double(tokens[0]), let percentile = Double(tokens[1]),
                  let count = Int(tokens[2]) else { continue }  // header line
            guard (0...1).contains(percentile) else { throw .badRow(line: number + 1) }
            points.append(Point(value: value * valueScale, percentile: percentile, totalCount: count))
        }
        guard !points.isEmpty else { throw .noData }
        return PercentileCurve(points: points)
    }
}

/// Why a `.hgrm` file could not be read.
public enum HgrmError: Error, Equatable, Sendable {
    case noData
    case badRow(line: Int)
}

extension Substring {
    var trimmingWhitespace: Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}
