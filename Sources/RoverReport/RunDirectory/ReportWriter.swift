import Foundation

/// The one place that writes exporter output to disk: summary.csv, summary.md, summary.json and
/// report.html in a ``RunDirectory``. Exporters return strings; this writes them atomically.
///
/// Belongs to RoverReport (run directory). Stateless; safe from any thread for distinct folders.
public enum ReportWriter {
    /// What ``regenerate(_:bootstrap:floor:)`` did.
    public struct Outcome: Sendable {
        public var summary: Summary
        /// Text of a truncated last line of runs.csv that was ignored, if any.
        public var droppedTail: String?
        /// hgrm files that could not be read (left out of the latency chart).
        public var hgrmProblems: [String]
        /// The rules the duet was judged by (the run's own, unless overridden).
        public var rules: JudgingRules
    }

    /// Reads runs.csv and (re)writes every summary file and report.html. The duet is judged by
    /// the rules saved in the run's duet.json, each overridden by `pairedFloor` /
    /// `pairedMinEffect` when given.
    public static func regenerate(_ dir: RunDirectory, bootstrap: Bootstrap = .default,
                                  floor: Double = Verdict.defaultFloor,
                                  pairedFloor: Double? = nil,
                                  pairedMinEffect: Double? = nil) throws -> Outcome {
        let rules = JudgingRules.resolve(saved: dir.readJudgingRules(), pairedFloor: pairedFloor, minEffect: pairedMinEffect)
        let pairs = try PairLog.read(dir.pairsCSV)
        // A duet-only run has pairs.csv and no runs.csv.
        let log = pairs.isEmpty || FileManager.default.fileExists(atPath: dir.runsCSV.path)
            ? try RunLog.read(dir.runsCSV) : RunLog.Contents(records: [], droppedTail: nil)
        let latency = FileManager.default.fileExists(atPath: dir.latencyDuetCSV.path) ? try RunLog.read(dir.latencyDuetCSV).records : []
        let summary = Summary(records: log.records, bootstrap: bootstrap, floor: floor, pairs: pairs,
                              pairedFloor: rules.pairedFloor, pairedMinEffect: rules.minEffect, latencyPairs: latency)
        let (curves, problems) = dir.readCurves()
        try write(summary, to: dir, curves: curves, meta: dir.readMeta())
        return Outcome(summary: summary, droppedTail: log.droppedTail, hgrmProblems: problems, rules: rules)
    }

    /// Writes summary.csv, summary.md, summary.json and report.html for `summary`.
    public static func write(_ summary: Summary, to dir: RunDirectory,
                             curves: [String: PercentileCurve] = [:], meta: RunMeta? = nil) throws {
        try FileManager.default.createDirectory(at: dir.url, withIntermediateDirectories: true)
        let files: [(URL, String)] = [
            (dir.summaryCSV, SummaryCSVExporter.render(summary)),
            (dir.summaryMarkdown, MarkdownExporter.render(summary)),
            (dir.summaryJSON, JSONExporter.render(summary)),
            (dir.reportHTML, HTMLExporter.render(summary, curves: curves, meta: meta)),
        ]
        for (url, text) in files {
            try Data(text.utf8).write(to: url, options: .atomic)
        }
    }
}
