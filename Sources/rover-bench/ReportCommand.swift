import ArgumentParser
import Foundation
import RoverReport

/// `rover-bench report RUN_DIR [--update FILE]`: regenerates summary.csv, summary.md,
/// summary.json and report.html from RUN_DIR/runs.csv; with `--update`, also replaces the block
/// between `<!-- rover-bench:begin -->` and `<!-- rover-bench:end -->` in FILE with summary.md.
/// `rover-bench report --across RUN… [--update FILE] [--json FILE]`: the runs' duet comparisons
/// pooled across the environments they were measured in (``AcrossSummary``), printed as Markdown;
/// `--update` replaces the `<!-- rover-bench:across:begin -->` block.
///
/// Exit codes: 0 done; 64 usage (missing folder/runs.csv/FILE, bad flag values);
/// 65 FILE lacks the markers (or has them twice / out of order); 1 other I/O failure.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Regenerate a run folder's summary files and report.html from its runs.csv.",
        discussion: """
        Writes RUN_DIR/summary.csv, summary.md, summary.json and report.html. With --update FILE, \
        replaces the block between <!-- rover-bench:begin --> and <!-- rover-bench:end --> in FILE \
        with summary.md. Exit codes: 0 done, 64 usage error, 65 FILE lacks the markers.

        With --across RUN…: reads each run's pairs.csv and meta.json (a folder that is not a run \
        stands for the runs inside it), pools each duet comparison across environments (CPU model, \
        kernel, cores, day) by random effects and prints, per comparison: each environment's \
        estimate, the pooled estimate, the prediction interval for a new machine, tau, I² and a \
        cross-environment verdict, then every run's own reading. Writes nothing into the runs.
        """
    )

    @Argument(help: "Run folder holding runs.csv (e.g. Results/20261129T072304Z-host); with --across, several runs or folders of runs.")
    var runDirs: [String] = []

    @Flag(help: "Pool the duet comparisons of every run given across the environments they were measured in.")
    var across = false

    @Flag(name: .customLong("by-commit"), help: "With --across: keep runs of different commits apart (default: pooled, differences that coincide with a commit change are named).")
    var byCommit = false

    @Option(help: ArgumentHelp("With --across: the metric, cpu (CPU per request) or rps.", valueName: "cpu|rps"))
    var metric: String = "cpu"

    @Option(help: ArgumentHelp("With --across: also write the pooled summary as JSON here.", valueName: "file"))
    var json: String?

    var runDir: String { runDirs.first ?? "" }

    @Option(name: .customLong("update"),
            help: ArgumentHelp("Markdown file whose rover-bench marker block gets summary.md.", valueName: "file"))
    var updateFile: String?

    @Option(help: "Effect floor for faster/slower verdicts (fraction).")
    var floor: Double = Verdict.defaultFloor

    @Option(name: .customLong("paired-floor"), help: "Duet: margin of \"no difference\" (fraction; the A/A control can raise it). Default: the rule saved in the run's duet.json, else \(Verdict.defaultPairedFloor).")
    var pairedFloor: Double?

    @Option(name: .customLong("min-effect"), help: "Duet: smallest effect reported as faster/slower (fraction). Default: the rule saved in the run's duet.json, else \(Verdict.defaultPairedMinEffect).")
    var minEffect: Double?

    @Option(help: "Bootstrap resamples.")
    var resamples: Int = 2000

    func validate() throws {
        guard ["cpu", "rps"].contains(metric) else { throw ValidationError("--metric must be cpu or rps (got \(metric))") }
        guard floor >= 0 && floor < 1 else { throw ValidationError("--floor must be in [0, 1), got \(floor)") }
        if let pairedFloor, !(pairedFloor >= 0 && pairedFloor < 1) { throw ValidationError("--paired-floor must be in [0, 1), got \(pairedFloor)") }
        if let minEffect, !(minEffect >= 0 && minEffect < 1) { throw ValidationError("--min-effect must be in [0, 1), got \(minEffect)") }
        if let updateFile, !FileManager.default.fileExists(atPath: updateFile) {
            throw ValidationError("--update: no such file '\(updateFile)'")
        }
        if across {
            guard !runDirs.isEmpty else { throw ValidationError("--across needs at least one run folder") }
            do { _ = try RunDirectory.runFolders(runDirs) } catch { throw ValidationError("--across: \(error)") }
            return
        }
        if byCommit || json != nil || metric != "cpu" {
            throw ValidationError("--by-commit, --json and --metric go with --across")
        }
        guard runDirs.count == 1 else {
            throw ValidationError(runDirs.isEmpty ? "missing RUN_DIR" : "one RUN_DIR (several go with --across)")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runDir, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("RUN_DIR '\(runDir)' is not a folder")
        }
        let dir = RunDirectory(url: URL(fileURLWithPath: runDir))
        guard FileManager.default.fileExists(atPath: dir.runsCSV.path)
            || dir.hasPairs else {
            throw ValidationError("RUN_DIR '\(runDir)' has no runs.csv or pairs.csv")
        }
        guard resamples > 0 else { throw ValidationError("--resamples must be positive, got \(resamples)") }
    }

    func run() throws {
        if across { return try runAcross() }
        let dir = RunDirectory(url: URL(fileURLWithPath: runDir))
        let outcome = try ReportWriter.regenerate(dir, bootstrap: Bootstrap(resamples: resamples), floor: floor,
                                                  pairedFloor: pairedFloor, pairedMinEffect: minEffect)
        if let tail = outcome.droppedTail {
            printErr("warning: ignored truncated last line of runs.csv: \(tail.prefix(60))…")
        }
        for problem in outcome.hgrmProblems {
            printErr("warning: skipped \(problem)")
        }
        let cells = outcome.summary.cells.count
        print("\(cells) cells → \(dir.summaryCSV.path), \(dir.summaryMarkdown.path), \(dir.summaryJSON.path), \(dir.reportHTML.path)")
        guard let updateFile else { return }
        do {
            try MarkerBlock.update(file: URL(fileURLWithPath: updateFile), with: MarkdownExporter.render(outcome.summary))
        } catch let error as MarkerFileError {
            printErr("error: \(error)")
            throw ExitCode(65)
        }
        print("updated \(updateFile)")
    }

    private func runAcross() throws {
        let inputs = try RunDirectory.runFolders(runDirs).map { try $0.acrossInput(floor: pairedFloor, minEffect: minEffect) }
        let rules = JudgingRules.resolve(saved: nil, pairedFloor: pairedFloor, minEffect: minEffect)
        let summary = AcrossSummary(inputs, metric: metric == "rps" ? .rps : .serverCPU, byCommit: byCommit,
                                    floor: rules.pairedFloor, minEffect: rules.minEffect)
        let markdown = AcrossMarkdown.render(summary)
        print(markdown, terminator: "")
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try (encoder.encode(summary) + Data("\n".utf8)).write(to: URL(fileURLWithPath: json), options: .atomic)
        }
        guard let updateFile else { return }
        do {
            try MarkerBlock.update(file: URL(fileURLWithPath: updateFile), with: markdown, markers: MarkerBlock.across)
        } catch let error as MarkerFileError {
            printErr("error: \(error)")
            throw ExitCode(65)
        }
        printErr("updated \(updateFile)")
    }
}
