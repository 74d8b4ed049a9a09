import Foundation

/// report.html: one self-contained page (inline CSS, inline JS drawing inline SVG, data embedded
/// as JSON; no network, opens from disk) with three charts and the summary table.
///
/// Belongs to RoverReport (export). Formats a ``Summary``; computes nothing. Thread-safe.
///
/// Stable hooks for tests and styling: chart containers `<section class="chart">` with ids
/// `chart-throughput`, `chart-latency`, `chart-server-cpu`; after the script runs each container
/// holds one `<svg class="chart-svg">` and carries `data-rendered="<number of marks drawn>"`
/// (bars, or curves for the latency chart). The data is in `<script id="report-data">`.
public enum HTMLExporter {
    public static let chartIDs = ["chart-throughput", "chart-latency", "chart-server-cpu"]

    /// - Parameters:
    ///   - curves: latency percentile curves by cell id (from `hgrm/<cell>.hgrm`); cells without
    ///     one are drawn from their median p50/p90/p99/p99.9 instead, and marked so.
    ///   - meta: the run's environment, shown in the header when present.
    public static func render(_ s: Summary, curves: [String: PercentileCurve] = [:], meta: RunMeta? = nil) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>rover-bench report</title>
        <style>
        \(HTMLAssets.css)
        </style>
        </head>
        <body>
        <h1>rover-bench report</h1>
        \(metaBlock(meta))
        <p class="method">Medians over ok runs; bars show 95% bootstrap intervals \
        (\(s.bootstrap.resamples) resamples, seed \(Format.seed(s.bootstrap.seed))). \
        Verdicts compare each cell with <code>eager + channel</code> under the same load, \
        paired by repeat (effect floor \(Format.change(1 + s.floor).dropFirst())).</p>
        \(HTMLForest.section(s.duet))
        <section id="claims-table"><h2>Seed claims vs measured throughput</h2>
        \(claims(s))
        </section>
        <section class="chart" id="chart-throughput"><h2>Throughput per cell (req/s, higher is better)</h2></section>
        <section class="chart" id="chart-latency"><h2>Latency by percentile (µs, log 1/(1-p) axis)</h2></section>
        <section class="chart" id="chart-server-cpu"><h2>Server CPU per request (µs, lower is better)</h2></section>
        <section id="summary-table"><h2>Cells</h2>
        \(table(s))
        </section>
        <script type="application/json" id="report-data">\(chartJSON(s, curves))</script>
        <script>
        \(HTMLAssets.script)
        </script>
        </body>
        </html>

        """
    }

    static func metaBlock(_ meta: RunMeta?) -> String {
        guard let m = meta else { return "" }
        let commit = m.gitCommit.isEmpty ? "unknown" : String(m.gitCommit.prefix(12)) + (m.gitDirty ? " (dirty)" : "")
        return "<p class=\"meta\">\(escape(m.timestamp)) · \(escape(m.host)) · \(escape(m.cpuModel)) × \(m.cores) · "
            + "\(escape(m.kernel)) · \(escape(m.swiftVersion)) · Lua \(escape(m.luaVersion)) · "
            + "\(escape(m.buildConfiguration)) · commit \(escape(commit))</p>"
    }

    static func claims(_ s: Summary) -> String {
        var rows = ""
        for check in s.claimChecks() {
            rows += "<tr><td>\(escape(check.claim.title))</td><td>\(escape(check.group.description))</td>"
                + "<td>\(escape(check.cell.map(Format.strategies) ?? "not run"))</td>"
                + "<td>\(Format.change(check.claim.claimedRatio))</td>"
                + "<td>\(escape(check.comparison.map { Format.change($0.ratio) } ?? "—"))</td>"
                + "<td>\(escape(check.comparison?.verdict.rawValue ?? "—"))</td>"
                + "<td>\(escape(MarkdownExporter.claimPosition(check)))</td></tr>\n"
        }
        return "<table><thead><tr><th>Claim</th><th>Load</th><th>Cell vs eager + channel</th><th>Claimed</th>"
            + "<th>Measured [95% CI]</th><th>Verdict</th><th>Claim vs interval</th></tr></thead>\n"
            + "<tbody>\n\(rows)</tbody></table>"
    }

    static func table(_ s: Summary) -> String {
        var rows = ""
        for c in s.cells {
            rows += "<tr><td><code>\(escape(c.key.id))</code></td><td>\(c.okRuns)/\(c.failedRuns)</td>"
                + "<td>\(escape(Format.estimate(c.rps, .rps)))</td>"
                + "<td>\(escape(MarkdownExporter.versus(s, c.key, .rps)))</td>"
                + "<td>\(escape(Format.estimate(c.latP99, .latP99)))</td>"
                + "<td>\(escape(Format.estimate(c.serverCPU, .serverCPU)))</td>"
                + "<td>\(escape(MarkdownExporter.versus(s, c.key, .serverCPU)))</td>"
                + "<td>\(escape(Format.value(c.median(.closures), .closures)))</td></tr>\n"
        }
        return "<table><thead><tr><th>Cell</th><th>Runs ok/failed</th><th>Throughput (req/s)</th><th>vs baseline</th>"
            + "<th>P99 (µs)</th><th>Server CPU (µs/req)</th><th>vs baseline</th><th>Closures/req</th></tr></thead>\n"
            + "<tbody>\n\(rows)</tbody></table>"
    }

    /// Minimal HTML text escaping.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
