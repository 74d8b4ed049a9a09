import ArgumentParser
import Foundation
import RoverReport

/// `rover-bench gate --baseline DIR --current RUN_DIR [--instructions FILE] [--hotpath FILE] [--rules FILE]`: the
/// CI gate. Prints a Markdown verdict table (also appended to `$GITHUB_STEP_SUMMARY` when set) and
/// exits 0 pass, 2 regression (or a failed trial, or something missing), 3 only improvements
/// (refresh the baseline), 4 an enforced timing rule could not tell, 64 usage error.
///
/// `rover-bench gate --duet RUN_DIR --max-slowdown 0.01 [--advisory]` gates on a duet's verdict
/// instead (``DuetGate``).
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
        Scripts/instructions.sh) against the baseline's instructions.csv, and heap allocations and \
        read/write/epoll calls per request on the HTTP path (--hotpath, from Scripts/hotpath.sh) against \
        its hotpath.csv, both ways, (d) same-run comparisons \
        from the rules (enforced for counters, advisory for timings unless a rule says "enforce"), \
        (e) throughput vs the baseline (advisory unless the rules enforce it). Prints a Markdown \
        table, also appended to $GITHUB_STEP_SUMMARY when set.

        With --duet RUN_DIR: gate on a duet run's comparisons instead: B must be no slower than A by \
        more than --max-slowdown, judged on the whole 95% interval (pass: within; regression: wholly \
        beyond; cannot tell: it straddles, or the A/A control said the machine was too noisy).

        Exit codes: 0 pass, 2 regression (also: a failed trial, a missing cell or row), 3 only \
        improvements or new cells (refresh with --update-baseline), 4 an enforced timing rule \
        could not tell, 64 usage error.
        """
    )

    @Option(name: .customLong("baseline"), help: ArgumentHelp("Baseline folder (summary.json + gate.json).", valueName: "dir"))
    var baselineOption: String?

    @Option(name: .customLong("current"), help: ArgumentHelp("Run folder to check (holds runs.csv).", valueName: "run-dir"))
    var currentOption: String?

    @Option(name: .customLong("duet"), help: ArgumentHelp("Gate on a duet run's verdict instead (a `duet` run folder): B no slower than A by more than --max-slowdown.", valueName: "run-dir"))
    var duetRun: String?

    @Option(name: .customLong("max-slowdown"), help: "With --duet: the slowdown B may have (fraction; default 0.01 = 1%).")
    var maxSlowdown = 0.01

    @Option(name: .customLong("duet-metric"), help: "With --duet: cpu (CPU per request, default) or rps.")
    var duetMetric = "cpu"

    @Option(name: .customLong("comparison"), help: "With --duet: only comparisons whose id contains this.")
    var comparison: String?

    @Flag(help: "With --duet: report, but exit 0 whatever the outcome.")
    var advisory = false

    private var baseline: String { baselineOption ?? "" }
    private var current: String { currentOption ?? "" }

    @Option(help: ArgumentHelp("Rules file (default: <baseline>/gate.json).", valueName: "file"))
    var rules: String?

    @Option(help: ArgumentHelp("Exact instruction counts of the current code (Scripts/instructions.sh --out FILE).",
                               valueName: "file"))
    var instructions: String?

    @Option(help: ArgumentHelp("Hot-path counts per request of the current code (Scripts/hotpath.sh --out FILE).",
                               valueName: "file"))
    var hotpath: String?

    @Flag(help: "Copy the current run's summary (and --instructions, --hotpath) into the baseline folder instead of checking.")
    var updateBaseline = false

    func validate() throws {
        var isDir: ObjCBool = false
        if let duetRun {
            guard baselineOption == nil, currentOption == nil, !updateBaseline, instructions == nil, hotpath == nil, rules == nil else {
                throw ValidationError("--duet gates on one duet run: drop --baseline, --current, --rules, --instructions, --hotpath and --update-baseline")
            }
            guard FileManager.default.fileExists(atPath: duetRun + "/pairs.csv") else {
                throw ValidationError("--duet '\(duetRun)': no pairs.csv there (not a duet run folder)")
            }
            guard maxSlowdown >= 0, maxSlowdown < 1 else { throw ValidationError("--max-slowdown must be in [0, 1) (got \(maxSlowdown))") }
            guard ["cpu", "rps"].contains(duetMetric) else { throw ValidationError("--duet-metric must be cpu or rps (got \(duetMetric))") }
            return
        }
        guard currentOption != nil else { throw ValidationError("--current: give the run folder to check (or --duet RUN_DIR)") }
        guard updateBaseline || baselineOption != nil else { throw ValidationError("--baseline: give the baseline folder") }
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
        if let duetRun { return try gateDuet(duetRun) }
        let baselineURL = URL(fileURLWithPath: baseline)
        if updateBaseline {
            var written = try usage { try GateFiles.updateBaseline(from: RunDirectory(url: URL(fileURLWithPath: current)), to: baselineURL) }
            if let instructions {
                _ = try usage { try InstructionCounts.load(URL(fileURLWithPath: instructions)) }  // refuse a bad file
                try Data(contentsOf: URL(fileURLWithPath: instructions))
                    .write(to: baselineURL.appendingPathComponent(InstructionCounts.fileName), options: .atomic)
                written.append(InstructionCounts.fileName)
            }
            if let hotpath {
                _ = try usage { try HotPathCounts.load(URL(fileURLWithPath: hotpath)) }  // refuse a bad file
                try Data(contentsOf: URL(fileURLWithPath: hotpath))
                    .write(to: baselineURL.appendingPathComponent(HotPathCounts.fileName), options: .atomic)
                written.append(HotPathCounts.fileName)
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
        let hot = try usage { () throws(GateInputError) -> (baseline: HotPathCounts, current: HotPathCounts)? in
            guard let hotpath else { return nil }
            return (try HotPathCounts.load(baselineURL.appendingPathComponent(HotPathCounts.fileName)),
                    try HotPathCounts.load(URL(fileURLWithPath: hotpath)))
        }
        let report = Gate.evaluate(baseline: base, current: set, rules: ruleSet, instructions: counts, hotpath: hot)
        print(report.markdown)
        if let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
            appendStepSummary(report.markdown, to: path)
        }
        if report.outcome != .pass { throw ExitCode(report.outcome.exitCode) }
    }

    /// Runs `body`; an input problem is reported on stderr and becomes exit code 64.
    /// `--duet`: the run's comparisons judged by its own rules, then the limit; exit 0 pass,
    /// 2 regression or a failed comparison, 4 cannot tell (all 0 with --advisory).
    private func gateDuet(_ path: String) throws {
        let dir = RunDirectory(url: URL(fileURLWithPath: path))
        let rules = dir.readJudgingRules() ?? JudgingRules()
        let records = try usage { try PairLog.read(dir.pairsCSV) }
        let summary = DuetSummary(records: records, floor: rules.pairedFloor, minEffect: rules.minEffect)
        let gate = DuetGate(summary, maxSlowdown: maxSlowdown, metric: duetMetric == "rps" ? .rps : .serverCPU, only: comparison)
        guard !gate.checks.isEmpty else {
            printErr("error: --duet \(path): no comparison\(comparison.map { " matching \($0)" } ?? "") to gate")
            throw ExitCode(2)
        }
        let text = gate.markdown + "\nOutcome: **\(gate.outcome.rawValue)**\(advisory ? " (advisory)" : "")\n"
        print(text)
        if let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty,
           let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            try? handle.close()
        }
        if advisory { return }
        switch gate.outcome {
        case .pass: return
        case .regression, .failed: throw ExitCode(2)
        case .cannotTell: throw ExitCode(4)
        }
    }

    private func usage<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as GateInputError {
            printErr("error: \(error)")
            throw ExitCode(GateOutcome.usageExitCode)
        }
    }

    private func appendStepSummary(_ text: String, to path: String) {
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) { _ = fm.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            printErr("warning: cannot append to GITHUB_STEP_SUMMARY \(path)")
            return
        }
        handle.seekToEndOfFile()
        handle.write(Data((text + "\n").utf8))
        handle.closeFile()
    }
}
