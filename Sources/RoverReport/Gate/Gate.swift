/// The CI gate: checks a current run against a committed baseline and the rules, and decides an
/// exit code.
///
/// Belongs to RoverReport (gate). ``evaluate(baseline:current:rules:bootstrap:)`` is a pure
/// function of its inputs; thread-safe.
///
/// Exit codes (``GateOutcome``), most severe first:
/// - 2 `regression`: a deterministic counter rose beyond tolerance, a same-run comparison came
///   out the wrong way with confidence, or (only if enforced) throughput fell.
/// - 4 `inconclusive`: no regression, but a comparison could not tell (noise, too few runs,
///   "no difference") or a baseline cell / rule cell is missing from the run.
/// - 3 `improvement`: everything else passed and some counter fell, or cells are new: time to
///   refresh the baseline (`gate --update-baseline`).
/// - 0 `pass`.
/// - 64 usage error (bad flags, missing files, unreadable rules) — raised by the CLI.
public enum Gate {
    public static func evaluate(baseline: Summary, current: RunSet, rules: GateRules,
                                bootstrap: Bootstrap = .default) -> GateReport {
        let currentSummary = Summary(set: current, bootstrap: bootstrap, floor: rules.floor)
        var checks = counterChecks(baseline, currentSummary, rules)
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
                let status: GateCheck.Status = switch cmp.verdict {
                case .faster: .pass
                case .slower: .regression
                case .noDifference, .inconclusive: .inconclusive
                }
                checks.append(GateCheck(
                    kind: .comparison, subject: subject, metric: rule.metric,
                    baseline: Format.value(cur.cell(worse)?.median(rule.metric), rule.metric),
                    current: Format.value(cur.cell(better)?.median(rule.metric), rule.metric), status: status,
                    detail: "\(rule.better) vs \(rule.worse): \(Format.change(cmp.ratio)) \(cmp.verdict.rawValue)"))
            }
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
