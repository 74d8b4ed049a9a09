import ArgumentParser
import Foundation
import RoverReport

/// `rover-bench gate --baseline DIR --current RUN_DIR [--rules FILE]`: the CI gate.
/// Prints a Markdown verdict table (also appended to `$GITHUB_STEP_SUMMARY` when set) and exits
/// 0 pass, 2 regression, 3 only improvements (refresh the baseline), 4 inconclusive,
/// 64 usage error (bad flags, missing/unreadable baseline, runs.csv or rules).
///
/// `rover-bench gate --update-baseline --current RUN_DIR --baseline DIR` copies the run's
/// summary into DIR (keeping DIR/gate.json) so `git diff` shows what changed.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Check a run against a committed baseline and rules (CI gate).",
        discussion: """
        Checks (a) deterministic counters per cell against the baseline within a tolerance, \
        (b) same-run comparisons from the rules with bootstrap verdicts, (c) throughput vs the \
        baseline (advisory unless the rules enforce it). Prints a Markdown table, also appended \
        to $GITHUB_STEP_SUMMARY when set.

        Exit codes: 0 pass, 2 regression, 3 only improvements or new cells (refresh the baseline \
        with --update-baseline), 4 inconclusive (noise, missing cells), 64 usage error.
        """
    )

    @Option(help: ArgumentHelp("Baseline folder (summary.json + gate.json).", valueName: "dir"))
    var baseline: String

    @Option(help: ArgumentHelp("Run folder to check (holds runs.csv).", valueName: "run-dir"))
    var current: String

    @Option(help: ArgumentHelp("Rules file (default: <baseline>/gate.json).", valueName: "file"))
    var rules: String?

    @Flag(help: "Copy the current run's summary into the baseline folder instead of checking.")
    var updateBaseline = false

    func validate() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: current, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("--current '\(current)' is not a folder")
        }
        if updateBaseline {
            if rules != nil { throw ValidationError("--rules cannot be combined with --update-baseline") }
            return
        }
        guard FileManager.default.fileExists(atPath: baseline, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("--baseline '\(baseline)' is not a folder")
        }
    }

    func run() throws {
        let baselineURL = URL(fileURLWithPath: baseline)
        if updateBaseline {
            let written = try usage { try GateFiles.updateBaseline(from: RunDirectory(url: URL(fileURLWithPath: current)), to: baselineURL) }
            print("baseline \(baseline) updated: \(written.joined(separator: ", "))")
            return
        }
        let rulesURL = rules.map { URL(fileURLWithPath: $0) } ?? baselineURL.appendingPathComponent(GateFiles.rulesFileName)
        let (base, ruleSet, set) = try usage {
            (try GateFiles.loadBaseline(baselineURL), try GateFiles.loadRules(rulesURL),
             try GateFiles.loadCurrent(URL(fileURLWithPath: current)))
        }
        let report = Gate.evaluate(baseline: base, current: set, rules: ruleSet)
        print(report.markdown)
        if let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
            appendStepSummary(report.markdown, to: path)
        }
        if report.outcome != .pass { throw ExitCode(report.outcome.exitCode) }
    }

    /// Runs `body`; an input problem is reported on stderr and becomes exit code 64.
    private func usage<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as GateInputError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(GateOutcome.usageExitCode)
        }
    }

    private func appendStepSummary(_ text: String, to path: String) {
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) { _ = fm.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            FileHandle.standardError.write(Data("warning: cannot append to GITHUB_STEP_SUMMARY \(path)\n".utf8))
            return
        }
        handle.seekToEndOfFile()
        handle.write(Data((text + "\n").utf8))
        handle.closeFile()
    }
}
