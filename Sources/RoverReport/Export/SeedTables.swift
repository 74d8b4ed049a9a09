/// The seed document's two benchmark tables, same rows, with measured values beside the claims.
///
/// Belongs to RoverReport (export), used by ``MarkdownExporter``. Pure; thread-safe.
enum SeedTables {
    /// Seed table 1: eager vs lazy context with the channel dispatcher.
    static func lazyTable(_ s: Summary, _ group: LoadGroup) -> String {
        guard let lazy = s.claimCell(.lazyContext, in: group), let base = s.cell(lazy.baseline) else { return "" }
        let rows: [(String, Metric, String)] = [
            ("Closures created per request", .closures, "4 → 1 (75% reduction)"),
            ("Time per request (server CPU)", .serverCPU, "42μs → 28μs (33% faster)"),
            ("Throughput", .rps, "155k → 195k req/s (+26%)"),
        ]
        return table(s, title: "Seed table 1 — eager vs lazy context (channel dispatcher), \(group)",
                     columns: ("Eager (current)", "Lazy (proposed)"), base: base.key, cell: lazy, rows: rows)
    }

    /// Seed table 2: channel vs the best pool dispatcher with the eager context. In an open-loop
    /// group (the latency phase: both at the same fixed rate) only latency carries evidence, and
    /// the seed's latency figures are quoted where the load is like the seed's (1000 connections).
    /// `duet`: `s` is the latency duet's (``LatencyDuetSummary/asSummary``), both sides at the
    /// same rate at the same time, each at half a core.
    /// `dropped`: the latency duet's pairs left out as not at steady state, said under the table.
    static func poolTable(_ s: Summary, _ group: LoadGroup, duet: Bool = false,
                          dropped: [LatencyDuetSummary.Dropped] = []) -> String {
        guard let pool = s.claimCell(.poolDispatch, in: group), let base = s.cell(pool.baseline) else { return "" }
        if group.rate > 0 {
            let like = group.connections == 1000
            var rows: [(String, Metric, String)] = [
                ("Avg latency", .latMean, like ? "6.33ms → 4.8ms (24% faster)" : "(at 1000 conn)"),
                ("P50 latency", .latP50, ""),
                ("P99 latency", .latP99, like ? "7.17ms → 5.4ms (25% faster)" : "(at 1000 conn)"),
                ("P99.9 latency", .latP999, ""),
            ]
            let how = duet ? "latency duet: both servers at once, \(group.rate) req/s each, half a core each" : "open loop at \(group.rate) req/s"
            if duet { rows.append(("Server CPU per request at this rate", .serverCPU, "")) }
            let out = table(s, title: "Seed table 2, latency — channels vs direct pool (eager context), \(how), \(group)",
                            columns: ("Channels (current)", "Direct (\(pool.dispatcher))"), base: base.key, cell: pool, rows: rows)
            guard let left = dropped.first(where: { $0.cell == pool }) else { return out }
            return out + droppedNote(left)
        }
        // Closed-loop latency at saturation is connections ÷ throughput (Little's law): it repeats
        // the throughput row. Where the run measured latency in an open loop, the seed's latency
        // rows are compared there, not here.
        let openLoop = s.latencyDuet != nil || s.groups.contains { $0.rate > 0 && $0.scenario == group.scenario && $0.runtime == group.runtime }
        var rows: [(String, Metric, String)] = [
            ("Context switches per request", .ctxSwitches, "2-4 → 0"),
            ("Channel hand-offs per request", .handoffs, "2 (oneshot) → 0"),
        ]
        if !openLoop {
            rows += [("Avg latency", .latMean, "6.33ms → 4.8ms (24% faster)"), ("P99 latency", .latP99, "7.17ms → 5.4ms (25% faster)")]
        }
        rows.append(("Throughput @ \(group.connections) conn", .rps, "157k → 195k req/s @ 1000 conn (+24%)"))
        let out = table(s, title: "Seed table 2 — channels vs direct pool (eager context), \(group)",
                        columns: ("Channels (current)", "Direct (\(pool.dispatcher))"), base: base.key, cell: pool, rows: rows)
        return openLoop
            ? out + "The seed's latency rows (6.33 → 4.8 ms mean, 7.17 → 5.4 ms P99) are compared in the open-loop tables "
                + "below: closed-loop latency at saturation is connections ÷ throughput (Little's law) and repeats the throughput row.\n\n"
            : out
    }

    /// "2 process pairs left out, not at steady state in their window: channel answered 3.1% more
    /// than …; …", each distinct reason once with its count.
    static func droppedNote(_ d: LatencyDuetSummary.Dropped) -> String {
        var counts: [String: Int] = [:]
        for r in d.reasons { counts[r, default: 0] += 1 }
        let reasons = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { r, n in
            let prefix = LatencyDuetSummary.notSteadyPrefix
            let text = r.hasPrefix(prefix) ? String(r.dropFirst(prefix.count)) : r
            return n > 1 ? "\(text) (×\(n))" : text
        }
        return "\(d.pairs) process pair\(d.pairs == 1 ? "" : "s") left out of this table, not at steady state in the window: "
            + reasons.joined(separator: "; ") + ".\n\n"
    }

    /// Duet figures sit with duet figures and sequential ones with their own verdicts: where the
    /// run has a duet comparison (CPU per request, req/s), that row is the duet's (µs per request
    /// of each side at half a core each); the sequential rounds get rows of their own, and with
    /// fewer than ``Verdict/minimumPairs`` rounds their spread is shown as what it is, a range.
    private static func table(_ s: Summary, title: String, columns: (String, String), base: CellKey,
                              cell: CellKey, rows: [(String, Metric, String)]) -> String {
        var out = """
        ### \(title)

        | Metric | \(columns.0) | \(columns.1) | Measured change | Verdict | Seed claimed |
        |---|---:|---:|---:|---|---|

        """
        let (old, new) = (s.cell(base), s.cell(cell))
        for (label, metric, claimed) in rows {
            if let c = s.duet?.comparison(cell, metric), let row = s.duet?.row(cell, against: base) {
                let sides = metric == .serverCPU
                    ? (Format.value(row.refCPUMicros, .serverCPU) + " µs", Format.value(row.cellCPUMicros, .serverCPU) + " µs")
                    : ("—", "—")
                out += "| \(label) (duet, half a core each) | \(sides.0) | \(sides.1) | \(Format.change(c.ratio)) "
                    + "| \(Format.verdict(c)) | \(claimed) |\n"
            }
            guard old != nil || new != nil else { continue }
            let rounds = min(old?.okRuns ?? 0, new?.okRuns ?? 0)
            let name = s.duet?.comparison(cell, metric) != nil ? "\(label) (sequential, \(rounds) rounds)" : label
            let change: String, verdict: String
            if let c = s.comparison(cell, metric) {
                (change, verdict) = (changeText(c), Format.verdict(c))
            } else {
                (change, verdict) = (Format.plainChange(from: old?.median(metric), to: new?.median(metric)), "—")
            }
            let claim = s.duet?.comparison(cell, metric) != nil ? "" : claimed
            out += "| \(name) | \(show(old, metric)) | \(show(new, metric)) | \(change) | \(verdict) | \(claim) |\n"
        }
        return out + "\n"
    }

    /// A change with its interval: a paired comparison's Student-t interval over rounds (wide
    /// with few rounds, but an interval); an unpaired one's bootstrap over a few medians is only
    /// their range, and is called that.
    static func changeText(_ c: Comparison) -> String {
        let e = c.ratio
        guard c.p == nil, e.count < Verdict.minimumPairs, e.interval.lower != e.interval.upper else { return Format.change(e) }
        return "\(Format.change(e.value)) (range \(Format.change(e.interval.lower)) to \(Format.change(e.interval.upper)))"
    }

    /// A cell's median; with its interval from ≥ 10 rounds, else with the range of its rounds.
    private static func show(_ c: CellSummary?, _ metric: Metric) -> String {
        let unit = metric.unit.isEmpty ? "" : " " + metric.unit
        if let e = c?.estimate(metric) {
            if e.count < Verdict.minimumPairs {
                let range = e.interval.lower == e.interval.upper ? ""
                    : " (range \(Format.value(e.interval.lower, metric))–\(Format.value(e.interval.upper, metric)))"
                return Format.value(e.value, metric) + unit + range
            }
            return Format.estimate(e, metric) + unit
        }
        return Format.value(c?.median(metric), metric) + (c?.median(metric) == nil ? "" : unit)
    }
}
