/// summary.csv: one row per cell, medians with interval bounds, counters, CVs, and the ratio +
/// verdict against the baseline cell for throughput and server CPU per request.
///
/// Belongs to RoverReport (export). Formats a ``Summary``; computes nothing. Thread-safe.
/// Reals use Swift's shortest round-trip form (machine-readable; the Markdown rounds).
/// Empty field = not available (no ok runs, fewer than two runs for a CV, or the baseline).
public enum SummaryCSVExporter {
    /// Timed metrics written with median, ci_low, ci_high.
    static let estimated: [(String, Metric)] = [
        ("rps", .rps), ("lat_mean_us", .latMean), ("lat_p50_us", .latP50), ("lat_p99_us", .latP99),
        ("server_cpu_us_per_req", .serverCPU),
    ]
    /// Metrics written as a median only.
    static let medians: [Metric] = [
        .latP90, .latP999, .latMax, .clientCPU, .closures, .luaAllocs, .luaBytes, .handoffs,
        .lockWaits, .casRetries, .ctxSwitches, .peakRSS,
    ]
    /// Metrics compared against the baseline: ratio, ci_low, ci_high, verdict.
    static let compared: [(String, Metric)] = [("rps", .rps), ("server_cpu", .serverCPU), ("lat_p99", .latP99)]

    public static var columns: [String] {
        ["cell"] + CellKey.Axis.allCases.map(\.rawValue) + ["ok_runs", "failed_runs", "saturated_runs"]
            + estimated.flatMap { ["\($0.0)_median", "\($0.0)_ci_low", "\($0.0)_ci_high"] }
            + medians.map { "\($0.rawValue)_median" }
            + ["rps_cv", "server_cpu_cv", "baseline_cell"]
            + compared.flatMap { ["\($0.0)_ratio", "\($0.0)_ratio_ci_low", "\($0.0)_ratio_ci_high", "\($0.0)_verdict"] }
    }

    public static func render(_ s: Summary) -> String {
        CSV.row(columns) + s.cells.map { CSV.row(fields($0, s)) }.joined()
    }

    static func fields(_ c: CellSummary, _ s: Summary) -> [String] {
        let k = c.key
        var f = [k.id] + CellKey.Axis.allCases.map(k.text) + ["\(c.okRuns)", "\(c.failedRuns)", "\(c.saturatedRuns)"]
        for (_, m) in estimated {
            let e = c.estimate(m)
            f += [real(e?.value), real(e?.interval.lower), real(e?.interval.upper)]
        }
        f += medians.map { real(c.median($0)) }
        f += [real(c.cvRps), real(c.cvServerCPU), k.isBaseline ? "" : k.baseline.id]
        for (_, m) in compared {
            let cmp = s.comparison(k, m)
            f += [real(cmp?.ratio.value), real(cmp?.ratio.interval.lower), real(cmp?.ratio.interval.upper),
                  cmp?.verdict.rawValue ?? ""]
        }
        return f
    }

    private static func real(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
}
