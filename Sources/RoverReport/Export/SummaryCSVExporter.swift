/// summary.csv: one row per cell, medians with interval bounds, counters, CVs, and the ratio +
/// verdict against the baseline cell for throughput and server CPU per request.
///
/// Belongs to RoverReport (export). Formats a ``Summary``; computes nothing. Thread-safe.
/// Reals use Swift's shortest round-trip form (machine-readable; the Markdown rounds).
/// Empty field = not available (no ok runs, fewer than two runs for a CV, or the baseline).
public enum SummaryCSVExporter {
    /// Timed metrics written with median, ci_low, ci_high.
    static let estimated: [Metric] = Metric.timed
    /// Metrics written as a median only: every other summarized metric, in column order.
    static let medians: [Metric] = Metric.summarized.filter { !Metric.timed.contains($0) }
    /// Metrics compared against the baseline: ratio, ci_low, ci_high, verdict.
    static let compared: [Metric] = Metric.headline

    public static var columns: [String] {
        ["cell"] + CellKey.Axis.allCases.map(\.rawValue) + ["ok_runs", "failed_runs", "saturated_runs"]
            + estimated.flatMap { ["\($0.rawValue)_median", "\($0.rawValue)_ci_low", "\($0.rawValue)_ci_high"] }
            + medians.map { "\($0.rawValue)_median" }
            + ["rps_cv", "server_cpu_cv", "baseline_cell"]
            + compared.flatMap { ["\($0.stem)_ratio", "\($0.stem)_ratio_ci_low", "\($0.stem)_ratio_ci_high", "\($0.stem)_verdict"] }
    }

    public static func render(_ s: Summary) -> String {
        CSV.row(columns) + s.cells.map { CSV.row(fields($0, s)) }.joined()
    }

    static func fields(_ c: CellSummary, _ s: Summary) -> [String] {
        let k = c.key
        var f = [k.id] + CellKey.Axis.allCases.map(k.text) + ["\(c.okRuns)", "\(c.failedRuns)", "\(c.saturatedRuns)"]
        for m in estimated {
            let e = c.estimate(m)
            f += [real(e?.value), real(e?.interval.lower), real(e?.interval.upper)]
        }
        f += medians.map { real(c.median($0)) }
        f += [real(c.cvRps), real(c.cvServerCPU), k.isBaseline ? "" : k.baseline.id]
        for m in compared {
            let cmp = s.comparison(k, m)
            f += [real(cmp?.ratio.value), real(cmp?.ratio.interval.lower), real(cmp?.ratio.interval.upper),
                  cmp?.verdict.rawValue ?? ""]
        }
        return f
    }

    private static func real(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
}
