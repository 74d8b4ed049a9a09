/// summary.md: the claimed-vs-measured table, the seed's two tables with measured values, and
/// every cell with its comparison against the baseline.
///
/// Belongs to RoverReport (export). Formats a ``Summary``; computes nothing. Thread-safe.
public enum MarkdownExporter {
    public static func render(_ s: Summary) -> String {
        if s.cells.isEmpty, s.latencyDuet == nil, let duet = s.duet, duet.rows.contains(where: \.cell.external) {
            // A command duet (`duet --cmd`): two servers, nothing of the seed's cells.
            return "## rover-bench duet of two servers\n\nSide B against side A, each started by its command, "
                + "measured from outside: CPU time from each side's own cgroup (every process it started), "
                + "requests as the load generator saw them answered.\n\n" + DuetMarkdown.render(duet)
        }
        var out = """
        ## rover-bench results

        Every cell is compared with the seed's current code (`eager` + `channel`) under the same load. \
        CPU per request and req/s come from the paired, simultaneous duet when the run had one; \
        latency and absolute throughput from sequential trials (per-cell medians with 95% bootstrap \
        intervals, \(s.bootstrap.resamples) resamples, seed \(Format.seed(s.bootstrap.seed)); comparisons \
        paired by round, Student-t over rounds, floor \(Format.change(1 + s.floor).dropFirst())). \
        Every verdict names its method and n; fewer than \(Verdict.minimumPairs) pairs is "too few runs"; \
        p-values are adjusted across the run (Benjamini–Hochberg).


        """
        if let duet = s.duet { out += DuetMarkdown.render(duet) }
        if let validity = s.validity { out += DuetMarkdown.validity(validity) }
        guard !s.cells.isEmpty || s.latencyDuet != nil else { return out }  // a duet-only run
        out += claimsTable(s)
        for group in s.groups {
            out += SeedTables.lazyTable(s, group)
            out += SeedTables.poolTable(s, group)
        }
        if let latency = s.latencyDuet {
            let d = latency.asSummary
            for group in d.groups { out += SeedTables.poolTable(d, group, duet: true, dropped: latency.dropped) }
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
            let verdict = check.comparison.map(Format.verdict) ?? "—"
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
