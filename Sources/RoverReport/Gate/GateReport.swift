/// One line of the gate's verdict table.
///
/// Belongs to RoverReport (gate). Value type; thread-safe.
public struct GateCheck: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case counter, comparison, throughput
        /// A trial of the current run failed (crash, wrong answer, errors): always a regression.
        case failure
        /// Exact instructions per request (callgrind) against the baseline's.
        case instructions
        /// Heap allocations and read/write/epoll calls per request on the HTTP path (hotpath.csv).
        case hotpath
    }

    public enum Status: String, Codable, Sendable {
        case pass, regression, improvement, inconclusive, advisory
        /// A baseline cell (or a rule's cell, or an instruction row) is absent from the current
        /// run: the run did not cover what the baseline promises, so it fails like a regression.
        case missing
        /// The cell has failed trials in the current run (the detail gives the reasons).
        case failed
        /// A cell of the current run is absent from the baseline.
        case new
    }

    public var kind: Kind
    /// Cell id, or the comparison rule and load group.
    public var subject: String
    public var metric: Metric?
    public var baseline: String
    public var current: String
    public var status: Status
    public var detail: String
}

/// The gate's decision, with the process exit code it maps to.
public enum GateOutcome: Int32, Codable, Sendable, CaseIterable {
    case pass = 0
    case regression = 2
    case improvement = 3
    case inconclusive = 4

    /// Exit code for usage errors (bad flags, missing or unreadable files and rules).
    public static let usageExitCode: Int32 = 64

    public var exitCode: Int32 { rawValue }
}

/// All checks and the outcome they add up to (see ``Gate`` for the precedence).
public struct GateReport: Codable, Sendable, Equatable {
    public var checks: [GateCheck]

    public init(checks: [GateCheck]) { self.checks = checks }

    /// Regression (2) if anything regressed, failed or is missing; else inconclusive (4) if an
    /// enforced timing rule could not tell; else improvement (3) if a counter, instruction or
    /// hot-path count fell or a cell is new; else pass (0). Advisory checks never change the outcome.
    public var outcome: GateOutcome {
        let statuses = Set(checks.map(\.status))
        if !statuses.isDisjoint(with: [.regression, .missing, .failed]) { return .regression }
        if statuses.contains(.inconclusive) { return .inconclusive }
        if statuses.contains(.improvement) || statuses.contains(.new) { return .improvement }
        return .pass
    }

    /// The verdict table in Markdown (for stdout and `$GITHUB_STEP_SUMMARY`).
    public var markdown: String {
        let counts = Dictionary(grouping: checks, by: \.status).mapValues(\.count)
        let tally = ["regression", "failed", "missing", "inconclusive", "improvement", "new", "pass", "advisory"]
            .compactMap { name in counts[GateCheck.Status(rawValue: name)!].map { "\($0) \(name)" } }
            .joined(separator: ", ")
        var out = """
        ### rover-bench gate: \(outcome.rawValue == 0 ? "pass" : "\(outcome)") (exit \(outcome.exitCode))

        \(tally.isEmpty ? "no checks" : tally)

        | Check | Subject | Metric | Baseline | Current | Result | Detail |
        |---|---|---|---:|---:|---|---|

        """
        // Most severe first, otherwise in evaluation order.
        let order: [GateCheck.Status] = [.regression, .failed, .missing, .inconclusive, .improvement, .new, .pass, .advisory]
        for status in order {
            for c in checks where c.status == status {
                out += "| \(c.kind.rawValue) | \(c.subject) | \(c.metric?.rawValue ?? "—") | \(c.baseline) "
                    + "| \(c.current) | \(c.status.rawValue) | \(c.detail) |\n"
            }
        }
        return out
    }
}
