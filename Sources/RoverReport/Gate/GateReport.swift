/// One line of the gate's verdict table.
///
/// Belongs to RoverReport (gate). Value type; thread-safe.
public struct GateCheck: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case counter, comparison, throughput
    }

    public enum Status: String, Codable, Sendable {
        case pass, regression, improvement, inconclusive, advisory
        /// A baseline cell (or a rule's cell) is absent from the current run.
        case missing
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

    public var outcome: GateOutcome {
        let statuses = Set(checks.map(\.status))
        if statuses.contains(.regression) { return .regression }
        if statuses.contains(.inconclusive) || statuses.contains(.missing) { return .inconclusive }
        if statuses.contains(.improvement) || statuses.contains(.new) { return .improvement }
        return .pass
    }

    /// The verdict table in Markdown (for stdout and `$GITHUB_STEP_SUMMARY`).
    public var markdown: String {
        let counts = Dictionary(grouping: checks, by: \.status).mapValues(\.count)
        let tally = ["regression", "inconclusive", "missing", "improvement", "new", "pass", "advisory"]
            .compactMap { name in counts[GateCheck.Status(rawValue: name)!].map { "\($0) \(name)" } }
            .joined(separator: ", ")
        var out = """
        ### rover-bench gate: \(outcome.rawValue == 0 ? "pass" : "\(outcome)") (exit \(outcome.exitCode))

        \(tally.isEmpty ? "no checks" : tally)

        | Check | Subject | Metric | Baseline | Current | Result | Detail |
        |---|---|---|---:|---:|---|---|

        """
        // Most severe first, otherwise in evaluation order.
        let order: [GateCheck.Status] = [.regression, .inconclusive, .missing, .improvement, .new, .pass, .advisory]
        for status in order {
            for c in checks where c.status == status {
                out += "| \(c.kind.rawValue) | \(c.subject) | \(c.metric?.rawValue ?? "—") | \(c.baseline) "
                    + "| \(c.current) | \(c.status.rawValue) | \(c.detail) |\n"
            }
        }
        return out
    }
}
