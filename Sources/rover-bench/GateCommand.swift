import ArgumentParser
import Foundation
import RoverReport

/// `rover-bench gate --baseline DIR --current RUN_DIR [--instructions FILE] [--rules FILE]`: the
/// CI gate. Prints a Markdown verdict table (also appended to `$GITHUB_STEP_SUMMARY` when set) and
/// exits 0 pass, 2 regression (or a failed trial, or something missing), 3 only improvements
/// (refresh the baseline), 4 an enforced timing rule could not tell, 64 usage error.
///
/// `rover-bench gate --update-baseline --current RUN_DIR --baseline DIR` copies the run's
/// summary into DIR (keeping DIR/gate.json) so `git diff` shows what changed.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Check a run against a committed baseline and rules (CI gate).",
        discussion: """
        Checks (a) that no trial of the run failed, (b) deterministic counters per cell against the \
        baseline within a tolerance, (c) exact instructions per request (--instructions, from \
        Scripts/instructions.sh) against the baseline's instructions.csv, (d) same-run comparisons \
        from the rules (enforced for counters, advisory for timings unless a rule says "enforce"), \
        (e) throughput vs the baseline (advisory unless the rules enforce it). Prints a Markdown \
        table, also appended to $GITHUB_STEP_SUMMARY when set.

        Exit codes: 0 pass, 2 regression (also: a failed trial, a missing cell or row), 3 only \
        improvements or new cells (refresh with --update-baseline), 4 an enforced timing rule \
        could not tell, 64 usage error.
        """
    )

    @Option(help: ArgumentHelp("Baseline folder (summary.json + gate.json).", valueName: "dir"))
    var baseline: String

    @Option(help: ArgumentHelp("Run folder to check (holds runs.csv).", valueName: "run-dir"))
    var current: String

    @Option(help: ArgumentHelp("Rules file (default: <baseline>/gate.json).", valueName: "file"))
    var rules: String?

    @Option(help: ArgumentHelp("Exact instruction counts of the current code (Scripts/instructions.sh --out FILE).",
                               valueName: "file"))
    var instructions: String?

    @Flag(help: "Copy the current run's summary (and --instructions) into the baseline folder instead of checking.")
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
            var written = try usage { try GateFiles.updateBaseline(from: RunDirectory(url: URL(fileURLWithPath: current)), to: baselineURL) }
            if let instructions {
                _ = try usage { try InstructionCounts.load(URL(fileURLWithPath: instructions)) }  // refuse a bad file
                try Data(contentsOf: URL(fileURLWithPath: instructions))
                    .write(to: baselineURL.appendingPathComponent(InstructionCounts.fileName), options: .atomic)
                written.append(InstructionCounts.fileName)
            }
            print("baseline \(baseline) updated: \(written.joined(separator: ", "))")
            return
        }
        let rulesURL = rules.map { URL(fileURLWithPath: $0) } ?? baselineURL.appendingPathComponent(GateFiles.rulesFileName)
        let (base, ruleSet, set) = try usage {
            (try GateFiles.loadBaseline(baselineURL), try GateFiles.loadRules(rulesURL),
             try GateFiles.loadCurrent(URL(fileURLWithPath: current)))
        }
        let counts = try usage { () throws(GateInputError) -> (baseline: InstructionCounts, current: InstructionCounts)? in
            guard let instructions else { return nil }
            return (try InstructionCounts.load(baselineURL.appendingPathComponent(InstructionCounts.fileName)),
                    try InstructionCounts.load(URL(fileURLWithPath: instructions)))
        }
        let report = Gate.evaluate(baseline: base, current: set, rules: ruleSet, instructions: counts)
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
