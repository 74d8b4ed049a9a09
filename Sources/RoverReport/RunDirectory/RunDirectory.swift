public import Foundation

/// The layout of one sweep's results folder, the one place that names its files. Everything a
/// run produces lives here:
///
/// ```
/// Results/<timestamp>-<host>/        e.g. Results/20261129T072304Z-bench1/
///   runs.csv          one row per sequential trial (closed loop and latency phase), appended +
///                     fsynced as each trial ends (RunLogWriter); the source of truth with pairs.csv
///   pairs.csv         one row per duet window, written as each process pair ends (PairLog)
///   plan.json         the sweep plan (SweepPlan): what `--resume` continues
///   settings.json     the trial settings (TrialSettings): how a resumed run measures
///   duet.json         the duet plan (DuetPlan): comparisons, pairs, stages, seed, judging rules
///   latency.json      the latency plan (LatencyPlan) with its measured capacities and rates
///   phases.json       wall-clock seconds per phase (duet, latency calibration, latency, rounds)
///   latency-duet.csv  the latency duet's rows (runs.csv's columns): cell and reference of each
///                     process pair at one open-loop rate, sharing a run id
///   loads/<cell>.r<k>.json  each trial's full load result (histograms), not committed
///   summary.csv       one row per cell (SummaryCSVExporter)
///   summary.md        claimed-vs-measured + the seed's tables + all cells (MarkdownExporter)
///   summary.json      the Summary as JSON (JSONExporter); what `gate` reads as a baseline
///   report.html       self-contained charts (HTMLExporter)
///   meta.json         environment: CPU, cores, kernel, Swift/Lua versions, build, commit, argv (RunMeta)
///   hgrm/<cell>.hgrm  latency percentile distribution per cell id (HdrHistogram text, values in ms, all repeats merged), optional
///   report.png        screenshot of report.html, optional (Scripts/render-report.sh)
/// ```
/// `<timestamp>` is UTC in ISO 8601 basic form (`yyyyMMdd'T'HHmmss'Z'`), `<host>` the host name
/// with characters outside `[A-Za-z0-9.-]` replaced by `-`, so names sort by time.
///
/// Belongs to RoverReport (run directory). A value naming paths; file access is in the
/// methods, which are safe to call from any thread on distinct directories.
public struct RunDirectory: Sendable, Equatable {
    public let url: URL

    public init(url: URL) { self.url = url }

    public var runsCSV: URL { url.appendingPathComponent("runs.csv") }
    public var summaryCSV: URL { url.appendingPathComponent("summary.csv") }
    public var summaryMarkdown: URL { url.appendingPathComponent("summary.md") }
    public var summaryJSON: URL { url.appendingPathComponent("summary.json") }
    public var reportHTML: URL { url.appendingPathComponent("report.html") }
    public var metaJSON: URL { url.appendingPathComponent("meta.json") }
    public var hgrmDirectory: URL { url.appendingPathComponent("hgrm") }
    public var pairsCSV: URL { url.appendingPathComponent(PairLog.fileName) }
    public var planJSON: URL { url.appendingPathComponent("plan.json") }
    public var settingsJSON: URL { url.appendingPathComponent("settings.json") }
    /// The duet's plan (RoverRunner's `DuetPlan`), with the judging rules it was made with.
    public var duetJSON: URL { url.appendingPathComponent("duet.json") }
    /// A command duet's request and expected answer (a scenario.json without an app).
    public var requestJSON: URL { url.appendingPathComponent("request.json") }
    public var latencyJSON: URL { url.appendingPathComponent("latency.json") }
    /// Wall-clock seconds each phase of the sweep took (summed over resumes): what the default
    /// sweep's time goes to.
    public var phasesJSON: URL { url.appendingPathComponent("phases.json") }
    /// The latency duet's rows (runs.csv's columns; two rows per process pair).
    public var latencyDuetCSV: URL { url.appendingPathComponent("latency-duet.csv") }
    public var loadsDirectory: URL { url.appendingPathComponent("loads") }
    /// Whether this folder holds a duet (its pairs.csv).
    public var hasPairs: Bool { FileManager.default.fileExists(atPath: pairsCSV.path) }

    /// The judging rules saved in duet.json; nil for runs planned before they were saved (or
    /// without a duet phase).
    public func readJudgingRules() -> JudgingRules? {
        struct Saved: Decodable { var rules: JudgingRules? }
        guard let data = try? Data(contentsOf: duetJSON) else { return nil }
        return (try? JSONDecoder().decode(Saved.self, from: data))?.rules
    }

    /// `hgrm/<cell id>.hgrm`
    public func hgrm(for key: CellKey) -> URL { hgrmDirectory.appendingPathComponent(key.id + ".hgrm") }

    /// The folder name for a run started at `date` on `host`.
    public static func name(date: Date, host: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let stamp = String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        let safeHost = String(host.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "-" })
        return "\(stamp)-\(safeHost.isEmpty ? "host" : safeHost)"
    }

    /// Creates `results/<timestamp>-<host>/` and its `hgrm/` folder.
    public static func create(in results: URL, date: Date = Date(),
                              host: String = ProcessInfo.processInfo.hostName) throws -> RunDirectory {
        let dir = RunDirectory(url: results.appendingPathComponent(name(date: date, host: host)))
        try FileManager.default.createDirectory(at: dir.hgrmDirectory, withIntermediateDirectories: true)
        return dir
    }

    /// Adds `seconds` to phase `name` in phases.json.
    public func recordPhase(_ name: String, seconds: Double) throws {
        var phases = readPhases()
        phases[name, default: 0] += seconds
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(phases).write(to: phasesJSON, options: .atomic)
    }

    /// phases.json (empty when the run has none).
    public func readPhases() -> [String: Double] {
        (try? JSONDecoder().decode([String: Double].self, from: Data(contentsOf: phasesJSON))) ?? [:]
    }

    public func writeMeta(_ meta: RunMeta) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(meta) + Data("\n".utf8)).write(to: metaJSON, options: .atomic)
    }

    /// meta.json, or `nil` when absent or unreadable.
    public func readMeta() -> RunMeta? {
        guard let data = try? Data(contentsOf: metaJSON) else { return nil }
        return try? JSONDecoder().decode(RunMeta.self, from: data)
    }

    /// Every `hgrm/*.hgrm` by cell id (file name without extension), and a message for each
    /// file that could not be parsed (those are left out of the charts, not fatal).
    public func readCurves() -> (curves: [String: PercentileCurve], problems: [String]) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: hgrmDirectory.path) else { return ([:], []) }
        var curves: [String: PercentileCurve] = [:]
        var problems: [String] = []
        for name in names.sorted() where name.hasSuffix(".hgrm") {
            let file = hgrmDirectory.appendingPathComponent(name)
            let cell = String(name.dropLast(".hgrm".count))
            do {
                let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
                curves[cell] = try PercentileCurve.parse(text, valueScale: 1000)  // .hgrm is in ms
            } catch {
                problems.append("\(file.path): \(error)")
            }
        }
        return (curves, problems)
    }
}
