import Foundation

/// The CI gate: checks a current run against a committed baseline and the rules, and decides an
/// exit code.
///
/// Belongs to RoverReport (gate). ``evaluate(baseline:current:rules:bootstrap:)`` is a pure
/// function of its inputs; thread-safe.
///
/// Exit codes (``GateOutcome``), most severe first:
/// - 2 `regression`: a trial failed (crash, wrong answer, errors), a baseline cell, rule cell or
///   instruction or hot-path row is missing, a deterministic counter, an instruction count or a
///   hot-path count (allocations, syscalls per request) rose beyond tolerance, an enforced
///   comparison came out the wrong way (or, for a counter, tied), or (only if enforced)
///   throughput fell.
/// - 4 `inconclusive`: no regression, but an enforced timing comparison could not tell.
/// - 3 `improvement`: everything else passed and some counter, instruction or hot-path count
///   fell, or cells are new: time to refresh the baseline (`gate --update-baseline`).
/// - 0 `pass`: identical code and run give this.
/// - 64 usage error (bad flags, missing files, unreadable rules) — raised by the CLI.
public enum Gate {
    public static func evaluate(baseline: Summary, current: RunSet, rules: GateRules,
                                bootstrap: Bootstrap = .default,
                                instructions: (baseline: InstructionCounts, current: InstructionCounts)? = nil,
                                hotpath: (baseline: HotPathCounts, current: HotPathCounts)? = nil) -> GateReport {
        let currentSummary = Summary(set: current, bootstrap: bootstrap, floor: rules.floor)
        var checks = failureChecks(current)
        checks += counterChecks(baseline, currentSummary, rules)
        if let instructions {
            checks += instructionChecks(instructions.baseline, instructions.current, tolerance: rules.instructionTolerance(for:))
        }
        if let hotpath {
            checks += hotpathChecks(hotpath.baseline, hotpath.current, allowance: rules.hotpathAllowance(for:around:))
        }
        checks += comparisonChecks(current, currentSummary, rules, bootstrap)
        checks += throughputChecks(baseline, currentSummary, rules)
        return GateReport(checks: checks)
    }

    static func counterChecks(_ base: Summary, _ cur: Summary, _ rules: GateRules) -> [GateCheck] {
        var checks: [GateCheck] = []
        for b in base.cells where b.okRuns > 0 {
            guard let c = cur.cell(b.key), c.okRuns > 0 else {
                checks.append(GateCheck(kind: .counter, subject: b.key.id, metric: nil, baseline: "present",
                                        current: "missing", status: .missing, detail: "cell not in current run"))
                continue
            }
            for metric in rules.counters {
                guard let old = b.median(metric), let new = c.median(metric) else { continue }
                let allowed = rules.counterTolerance.allowance(around: old)
                let diff = new - old
                let status: GateCheck.Status = abs(diff) <= allowed ? .pass : diff > 0 ? .regression : .improvement
                checks.append(GateCheck(kind: .counter, subject: b.key.id, metric: metric,
                                        baseline: Format.value(old, metric), current: Format.value(new, metric),
                                        status: status, detail: "Δ \(signed(diff)), tolerance ±\(Format.value(allowed, .luaAllocs))"))
            }
        }
        for c in cur.cells where c.okRuns > 0 && !(base.cell(c.key).map { $0.okRuns > 0 } ?? false) {
            checks.append(GateCheck(kind: .counter, subject: c.key.id, metric: nil, baseline: "absent",
                                    current: "present", status: .new, detail: "cell not in baseline"))
        }
        return checks
    }

    static func comparisonChecks(_ set: RunSet, _ cur: Summary, _ rules: GateRules,
                                 _ bootstrap: Bootstrap) -> [GateCheck] {
        var checks: [GateCheck] = []
        for rule in rules.comparisons {
            let groups = cur.groups.filter(rule.matches)
            if groups.isEmpty {
                checks.append(GateCheck(kind: .comparison, subject: rule.title + " · \(rule.scenario)", metric: rule.metric,
                                        baseline: "—", current: "—", status: .missing, detail: "no matching load group in run"))
            }
            for group in groups {
                let subject = "\(rule.title) · \(group)"
                guard let (better, worse) = rule.cells(in: group),
                      let cmp = set.compare(better, against: worse, on: rule.metric, bootstrap: bootstrap, floor: rules.floor)
                else {
                    checks.append(GateCheck(kind: .comparison, subject: subject, metric: rule.metric, baseline: "—",
                                            current: "—", status: .missing, detail: "a cell has no ok runs"))
                    continue
                }
                // A deterministic counter needs no interval (one run is exact): the better cell must
                // be lower (or higher, by polarity) beyond the counter tolerance; a tie breaks the rule.
                let verdict = rule.metric.isDeterministic
                    ? counterVerdict(cur.cell(better)?.median(rule.metric), cur.cell(worse)?.median(rule.metric),
                                     rule.metric, rules.counterTolerance)
                    : cmp.verdict
                let status: GateCheck.Status = switch (rule.isEnforced, verdict) {
                case (false, _): .advisory
                case (true, .faster): .pass
                case (true, .slower): .regression
                // A counter that ties breaks the rule; a timing that cannot tell is just unknown.
                case (true, .noDifference): rule.metric.isDeterministic ? .regression : .inconclusive
                case (true, .inconclusive), (true, .tooFew): .inconclusive
                }
                checks.append(GateCheck(
                    kind: .comparison, subject: subject, metric: rule.metric,
                    baseline: Format.value(cur.cell(worse)?.median(rule.metric), rule.metric),
                    current: Format.value(cur.cell(better)?.median(rule.metric), rule.metric), status: status,
                    detail: "\(rule.better) vs \(rule.worse): \(rule.metric.isDeterministic ? Format.change(cmp.ratio.value) : Format.change(cmp.ratio)) \(verdict.rawValue)"))
            }
        }
        return checks
    }

    /// `better` against `worse` on an exact counter: beyond the tolerance either way, or a tie.
    static func counterVerdict(_ better: Double?, _ worse: Double?, _ metric: Metric,
                               _ tolerance: GateRules.Tolerance) -> Verdict {
        guard let better, let worse else { return .inconclusive }
        let diff = better - worse
        if abs(diff) <= tolerance.allowance(around: worse) { return .noDifference }
        return (diff < 0) == (metric.polarity == .lowerIsBetter) ? .faster : .slower
    }

    /// One check per cell with failed trials, naming the distinct reasons.
    static func failureChecks(_ set: RunSet) -> [GateCheck] {
        set.keys.compactMap { key -> GateCheck? in
            guard let n = set.failures[key], n > 0 else { return nil }
            let ok = set.runs[key]?.count ?? 0
            var reasons: [String] = []
            for r in set.failureReasons[key] ?? [] where !reasons.contains(r) { reasons.append(r) }
            let why = reasons.prefix(3).map { $0.replacingOccurrences(of: "|", with: "/") }.joined(separator: "; ")
            return GateCheck(kind: .failure, subject: key.id, metric: nil, baseline: "ok",
                             current: "\(n) of \(n + ok) trials failed", status: .failed, detail: why)
        }
    }

    /// Each baseline instruction row against the current one, within its `tolerance` (a fraction).
    static func instructionChecks(_ base: InstructionCounts, _ cur: InstructionCounts,
                                  tolerance toleranceOf: (String) -> Double) -> [GateCheck] {
        var checks: [GateCheck] = base.subjects.map { subject in
            let old = base.perRequest[subject]!
            let tolerance = toleranceOf(subject)
            guard let new = cur.perRequest[subject] else {
                return GateCheck(kind: .instructions, subject: subject, metric: nil, baseline: InstructionCounts.format(old),
                                 current: "missing", status: .missing, detail: "row not in the current instruction counts")
            }
            let change = old > 0 ? new / old - 1 : 0
            let status: GateCheck.Status = abs(change) <= tolerance ? .pass : change > 0 ? .regression : .improvement
            return GateCheck(kind: .instructions, subject: subject, metric: nil, baseline: InstructionCounts.format(old),
                             current: InstructionCounts.format(new), status: status,
                             detail: "\(Format.change(1 + change)), tolerance ±\(String(format: "%.2f%%", tolerance * 100))")
        }
        for subject in cur.subjects where base.perRequest[subject] == nil {
            checks.append(GateCheck(kind: .instructions, subject: subject, metric: nil, baseline: "absent",
                                    current: InstructionCounts.format(cur.perRequest[subject]!), status: .new,
                                    detail: "row not in the baseline"))
        }
        return checks
    }

    /// Each baseline hot-path row against the current one, within `allowance(subject, baseline)`
    /// (an absolute number per request), both ways: more is a regression, fewer an improvement.
    static func hotpathChecks(_ base: HotPathCounts, _ cur: HotPathCounts,
                              allowance: (String, Double) -> Double) -> [GateCheck] {
        var checks: [GateCheck] = base.subjects.map { subject in
            let old = base.perRequest[subject]!
            guard let new = cur.perRequest[subject] else {
                return GateCheck(kind: .hotpath, subject: subject, metric: nil, baseline: HotPathCounts.format(old),
                                 current: "missing", status: .missing, detail: "row not in the current hot-path counts")
            }
            let allowed = allowance(subject, old), diff = new - old
            // A hair over the allowance from decimal rounding (0.05 written as 0.0500000001) is not a change.
            let status: GateCheck.Status = abs(diff) <= allowed + 1e-9 ? .pass : diff > 0 ? .regression : .improvement
            return GateCheck(kind: .hotpath, subject: subject, metric: nil, baseline: HotPathCounts.format(old),
                             current: HotPathCounts.format(new), status: status,
                             detail: "Δ \(diff >= 0 ? "+" : "")\(HotPathCounts.format(diff)) per request, tolerance ±\(HotPathCounts.format(allowed))")
        }
        for subject in cur.subjects where base.perRequest[subject] == nil {
            checks.append(GateCheck(kind: .hotpath, subject: subject, metric: nil, baseline: "absent",
                                    current: HotPathCounts.format(cur.perRequest[subject]!), status: .new,
                                    detail: "row not in the baseline"))
        }
        return checks
    }

    static func throughputChecks(_ base: Summary, _ cur: Summary, _ rules: GateRules) -> [GateCheck] {
        base.cells.compactMap { b -> GateCheck? in
            guard let old = b.rps, let new = cur.cell(b.key)?.rps, old.value > 0 else { return nil }
            let ratio = new.value / old.value, tol = rules.throughput.tolerance
            var status = GateCheck.Status.advisory
            if rules.throughput.enforce {
                let separated = new.interval.upper < old.interval.lower || new.interval.lower > old.interval.upper
                status = !separated || abs(ratio - 1) <= tol ? .pass : ratio < 1 ? .regression : .improvement
            }
            return GateCheck(kind: .throughput, subject: b.key.id, metric: .rps,
                             baseline: Format.estimate(old, .rps), current: Format.estimate(new, .rps), status: status,
                             detail: "\(Format.change(ratio)) vs baseline" + (rules.throughput.enforce ? "" : " (advisory)"))
        }
    }

    private static func signed(_ x: Double) -> String {
        (x >= 0 ? "+" : "") + Format.value(x, .luaAllocs)
    }
}
