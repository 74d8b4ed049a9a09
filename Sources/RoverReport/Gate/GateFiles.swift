public import Foundation

/// The gate's file inputs and the baseline refresh.
///
/// A baseline folder (committed, e.g. `Results/baseline/`) holds `summary.json` (what the gate
/// compares against), `summary.csv`, `summary.md`, `runs.csv` and `meta.json` copied from the run
/// it came from, `instructions.csv` when given, and the hand-written `gate.json` rules, which a
/// refresh never touches.
///
/// Belongs to RoverReport (gate). Stateless; call from one thread per folder.
public enum GateFiles {
    public static let rulesFileName = "gate.json"

    /// The baseline's summary.json.
    public static func loadBaseline(_ dir: URL) throws(GateInputError) -> Summary {
        let file = RunDirectory(url: dir).summaryJSON
        guard let data = try? Data(contentsOf: file) else { throw .unreadable(file.path, "no such file") }
        do { return try JSONExporter.decode(data).summary } catch {
            throw .unreadable(file.path, "not a rover-bench summary.json: \(error)")
        }
    }

    /// Rules from `file`; a missing file is an error (the default location is `<baseline>/gate.json`).
    public static func loadRules(_ file: URL) throws(GateInputError) -> GateRules {
        guard let data = try? Data(contentsOf: file) else { throw .unreadable(file.path, "no such file") }
        let rules: GateRules
        do { rules = try JSONDecoder().decode(GateRules.self, from: data) } catch {
            throw .badRules(file.path, "\(error)")
        }
        for rule in rules.comparisons where rule.resolvedAxis == nil {
            throw .badRules(file.path, "comparison '\(rule.better)' vs '\(rule.worse)' must fix exactly one of "
                + "\"context\" or \"dispatcher\" (or give \"axis\")")
        }
        return rules
    }

    /// The ok/failed runs of a run folder's runs.csv.
    public static func loadCurrent(_ runDir: URL) throws(GateInputError) -> RunSet {
        let file = RunDirectory(url: runDir).runsCSV
        do { return RunSet(try RunLog.read(file).records) } catch {
            throw .unreadable(file.path, "\(error)")
        }
    }

    /// Regenerates the run's summary from its runs.csv (when present), then copies summary.json,
    /// summary.csv, summary.md and meta.json into `baseline`, keeping its gate.json (a default
    /// one is written if there is none). Returns the file names written.
    @discardableResult
    public static func updateBaseline(from run: RunDirectory, to baseline: URL) throws -> [String] {
        let fm = FileManager.default
        if fm.fileExists(atPath: run.runsCSV.path) { _ = try ReportWriter.regenerate(run) }
        guard fm.fileExists(atPath: run.summaryJSON.path) else {
            throw GateInputError.unreadable(run.summaryJSON.path, "no runs.csv or summary.json in run folder")
        }
        try fm.createDirectory(at: baseline, withIntermediateDirectories: true)
        var written: [String] = []
        for source in [run.summaryJSON, run.summaryCSV, run.summaryMarkdown, run.runsCSV, run.metaJSON]
        where fm.fileExists(atPath: source.path) {
            try Data(contentsOf: source).write(to: baseline.appendingPathComponent(source.lastPathComponent), options: .atomic)
            written.append(source.lastPathComponent)
        }
        let rules = baseline.appendingPathComponent(rulesFileName)
        if !fm.fileExists(atPath: rules.path) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try (encoder.encode(GateRules()) + Data("\n".utf8)).write(to: rules, options: .atomic)
            written.append(rulesFileName)
        }
        return written
    }
}

/// A gate input that cannot be used: the CLI reports it and exits 64.
public enum GateInputError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(String, String)
    case badRules(String, String)

    public var description: String {
        switch self {
        case let .unreadable(path, why): "\(path): \(why)"
        case let .badRules(path, why): "\(path): bad gate rules: \(why)"
        }
    }
}
