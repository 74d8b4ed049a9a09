public import Foundation

/// A CI gate on a duet's verdict: "B is no slower than A by more than `maxSlowdown`", for every
/// comparison of a duet run (or the one named). Judged on the interval, the way the duet judges:
/// - **pass**: the whole 95% interval lies at or below 1 + `maxSlowdown` (CPU per request; for
///   req/s at or above 1 − `maxSlowdown`);
/// - **regression**: the whole interval lies beyond it;
/// - **cannot tell**: it straddles the limit, the run's A/A control marked it too noisy, or the
///   comparison has too few pairs (run more process pairs, or accept the advisory reading);
/// - **failed**: the comparison failed (a side crashed or answered wrong).
///
/// Belongs to RoverReport (gate). A pure function of a ``DuetSummary``; thread-safe.
public struct DuetGate: Sendable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        case pass, regression, cannotTell = "cannot tell", failed
    }

    public struct Check: Sendable, Equatable {
        public var comparison: String
        public var metric: Metric
        public var ratio: Double?
        public var lower: Double?
        public var upper: Double?
        public var outcome: Outcome
        public var why: String
    }

    public var checks: [Check]
    public var maxSlowdown: Double

    /// Checks every comparison of `duet` (or those whose id contains `only`) on `metric`.
    public init(_ duet: DuetSummary, maxSlowdown: Double, metric: Metric = .serverCPU, only: String? = nil) {
        self.maxSlowdown = maxSlowdown
        checks = duet.rows.filter { row in !row.isControl && (only.map { row.id.contains($0) } ?? true) }.map { row in
            let name = row.cell.external ? "\(row.cell.scenario) vs \(row.reference.scenario)" : row.id
            let test = metric == .rps ? row.rps : row.cpu
            guard row.failure == nil || test != nil, let test else {
                return Check(comparison: name, metric: metric, outcome: .failed, why: row.failure ?? "no usable windows")
            }
            let i = test.test.interval
            var check = Check(comparison: name, metric: metric, ratio: test.test.ratio, lower: i.lower, upper: i.upper,
                              outcome: .cannotTell, why: "")
            // Slower means more CPU per request, or fewer requests per second.
            let limit = metric == .rps ? 1 - maxSlowdown : 1 + maxSlowdown
            let within = metric == .rps ? i.lower >= limit : i.upper <= limit
            let beyond = metric == .rps ? i.upper < limit : i.lower > limit
            if let failure = row.failure {
                check.outcome = .failed
                check.why = failure
            } else if test.test.clusters < 3 {
                check.why = "too few process pairs (\(test.test.clusters))"
            } else if duet.machineTooNoisy {
                check.why = "the A/A control was not \"no difference\": too noisy to judge"
            } else if beyond {
                check.outcome = .regression
                check.why = "the whole interval is beyond the limit"
            } else if within {
                check.outcome = .pass
                check.why = "the whole interval is within the limit"
            } else {
                check.why = "the interval straddles the limit: more process pairs would tell"
            }
            return check
        }
    }

    /// The worst outcome (failed, regression, cannot tell, pass); pass when there is nothing to check.
    public var outcome: Outcome {
        for o in [Outcome.failed, .regression, .cannotTell] where checks.contains(where: { $0.outcome == o }) { return o }
        return .pass
    }

    public var markdown: String {
        let limit = String(format: "%.1f%%", maxSlowdown * 100)
        var out = "### Duet gate: B no slower than A by more than \(limit)\n\n"
            + "| Comparison | Metric | B ÷ A [95% CI] | Outcome | Why |\n|---|---|---:|---|---|\n"
        for c in checks {
            let ratio = c.ratio.map { r in String(format: "%+.2f%% [%+.2f, %+.2f]", (r - 1) * 100, ((c.lower ?? r) - 1) * 100, ((c.upper ?? r) - 1) * 100) } ?? "—"
            out += "| \(c.comparison) | \(c.metric == .rps ? "req/s" : "CPU/request") | \(ratio) | **\(c.outcome.rawValue)** | \(c.why.replacingOccurrences(of: "|", with: "/")) |\n"
        }
        return out
    }
}
