/// summary.md: the claimed-vs-measured table, the seed's two tables with measured values, and
/// every cell with its comparison against the baseline.
///
/// Belongs to RoverReport (export). Formats a ``Summary``; computes nothing. Thread-safe.
public enum MarkdownExporter {
    public static func render(_ s: Summary) -> String {
        var out = """
        ## rover-bench results

        Medians over ok runs with 95% bootstrap intervals in brackets \
        (\(s.bootstrap.resamples) resamples, seed \(Format.seed(s.bootstrap.seed))). \
        Every cell is compared with the seed's current code (`eager` + `channel`) under the same load, \
        paired by repeat (the ratio of the two runs of each interleaved round, then its median); \
        "faster"/"slower" need the interval of the ratio to exclude 1.0 and an effect of at least \
        \(Format.change(1 + s.floor).dropFirst()); "no difference" means within that floor; \
        "inconclusive" means the runs cannot tell.


        """
        out += claimsTable(s)
        for group in s.groups {
            out += SeedTables.lazyTable(s, group)
            out += SeedTables.poolTable(s, group)
        }
        out += cellsTable(s)
        return out
    }

    static func claimsTable(_ s: Summary) -> String {
        var out = """
        ### Claimed vs measured (throughput)

        | Claim | Load | Cell vs eager + channel | Claimed | Measured [95% CI] | Verdict | Claim vs interval |
        |---|---|---|---:|---:|---|---|

        """
        for check in s.claimChecks() {
            let cell = check.cell.map(Format.strategies) ?? "not run"
            let measured = check.comparison.map { Format.change($0.ratio) } ?? "—"
            let verdict = check.comparison?.verdict.rawValue ?? "—"
            out += "| \(check.claim.title) | \(check.group) | \(cell) | \(Format.change(check.claim.claimedRatio)) "
                + "| \(measured) | \(verdict) | \(claimPosition(check)) |\n"
        }
        return out + "\n"
    }

    /// Where the claimed ratio lies relative to the measured interval.
    static func claimPosition(_ check: ClaimCheck) -> String {
        guard let ci = check.comparison?.ratio.interval else { return "—" }
        if ci.contains(check.claim.claimedRatio) { return "claim inside interval" }
        return ci.upper < check.claim.claimedRatio ? "smaller than claimed" : "larger than claimed"
    }

    static func cellsTable(_ s: Summary) -> String {
        var out = """
        ### All cells

        | Cell | Runs ok/failed | Throughput (req/s) | vs baseline | P50 (µs) | P99 (µs) | Server CPU (µs/req) | vs baseline | Closures/req | Lua allocs/req | Hand-offs/req | CV rps | CV CPU |
        |---|---|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|

        """
        for c in s.cells {
            let saturated = c.saturatedRuns > 0 ? " (generator saturated in \(c.saturatedRuns))" : ""
            out += "| `\(c.key.id)` | \(c.okRuns)/\(c.failedRuns)\(saturated) "
                + "| \(Format.estimate(c.rps, .rps)) | \(versus(s, c.key, .rps)) "
                + "| \(Format.estimate(c.latP50, .latP50)) | \(Format.estimate(c.latP99, .latP99)) "
                + "| \(Format.estimate(c.serverCPU, .serverCPU)) | \(versus(s, c.key, .serverCPU)) "
                + "| \(Format.value(c.median(.closures), .closures)) | \(Format.value(c.median(.luaAllocs), .luaAllocs)) "
                + "| \(Format.value(c.median(.handoffs), .handoffs)) | \(Format.cv(c.cvRps)) | \(Format.cv(c.cvServerCPU)) |\n"
        }
        return out + "\n"
    }

    /// `+25.0% [+21.2%, +28.9%] faster`, `baseline`, or `—`.
    static func versus(_ s: Summary, _ key: CellKey, _ metric: Metric) -> String {
        if key.isBaseline { return "baseline" }
        guard let c = s.comparison(key, metric) else { return "—" }
        return "\(Format.change(c.ratio)) \(c.verdict.rawValue)"
    }
}
