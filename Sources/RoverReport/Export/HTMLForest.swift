import Foundation

/// The forest plot of report.html: every duet comparison's CPU-per-request ratio with its 95%
/// interval, on one percentage axis, the effective floor as a shaded band around "no change",
/// each row coloured by its verdict. The chart A/B readers look for first. Static SVG, drawn
/// here (no script), so it renders anywhere, including in the README's PNG.
///
/// Belongs to RoverReport (export). Formats a ``DuetSummary``; computes nothing. Thread-safe.
/// Hooks: `<section class="chart" id="chart-forest">` holding `<svg class="forest-svg"
/// data-rows="N">`, one `<g class="forest-row verdict-…">` per comparison.
enum HTMLForest {
    static func section(_ d: DuetSummary?) -> String {
        let body: String
        if let d, !d.rows.isEmpty { body = svg(d) } else { body = "<p>This run has no duet (paired) comparisons.</p>" }
        return """
        <section class="chart" id="chart-forest"><h2>Cost per request vs reference, paired (duet): ratio and 95% interval</h2>
        \(body)
        </section>
        """
    }

    static func svg(_ d: DuetSummary) -> String {
        let rows = d.rows.filter { $0.cpu != nil }
        let lows = rows.compactMap { $0.cpu?.test.interval.lower }, highs = rows.compactMap { $0.cpu?.test.interval.upper }
        let lo = min(0.9, (lows.min() ?? 1) - 0.02), hi = max(1.1, (highs.max() ?? 1) + 0.02)
        let labelW = 430.0, plotW = 520.0, rowH = 22.0, top = 30.0
        let height = top + rowH * Double(rows.count) + 30
        func x(_ r: Double) -> Double { labelW + (r - lo) / (hi - lo) * plotW }
        var out = "<svg class=\"forest-svg\" data-rows=\"\(rows.count)\" xmlns=\"http://www.w3.org/2000/svg\" "
            + "width=\"\(Int(labelW + plotW + 150))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        // Axis ticks every 5% (or 10% on wide ranges), and the line of no change.
        let step = hi - lo > 0.6 ? 0.10 : 0.05
        var t = (lo / step).rounded(.up) * step
        while t <= hi {
            out += "<line x1=\"\(f(x(t)))\" y1=\"\(f(top - 6))\" x2=\"\(f(x(t)))\" y2=\"\(f(height - 24))\" stroke=\"#eee\"/>"
                + "<text x=\"\(f(x(t)))\" y=\"\(f(height - 8))\" text-anchor=\"middle\" fill=\"#555\">\(Format.change(t))</text>\n"
            t += step
        }
        out += "<line x1=\"\(f(x(1)))\" y1=\"\(f(top - 10))\" x2=\"\(f(x(1)))\" y2=\"\(f(height - 24))\" stroke=\"#333\"/>\n"
        out += "<text x=\"\(f(labelW))\" y=\"14\" fill=\"#555\">← less CPU per request (faster)</text>"
            + "<text x=\"\(f(labelW + plotW))\" y=\"14\" text-anchor=\"end\" fill=\"#555\">more (slower) →</text>\n"
        for (i, row) in rows.enumerated() {
            guard let cpu = row.cpu else { continue }
            let y = top + rowH * Double(i) + rowH / 2
            let name = row.cell.external ? (row.isControl ? "A/A \(row.reference.scenario)" : "\(row.cell.scenario) vs \(row.reference.scenario)")
                : row.isControl ? "A/A \(Format.strategies(row.reference))"
                : row.cell.scenario != row.reference.scenario ? "\(row.cell.scenario) app vs \(row.reference.scenario)"
                : "\(Format.strategies(row.cell)) vs \(Format.strategies(row.reference))"
            let label = row.cell.external ? name : "\(row.reference.scenario): \(name)"
            let colour = Self.colour(cpu.verdict)
            out += "<g class=\"forest-row verdict-\(cpu.verdict.rawValue.replacingOccurrences(of: " ", with: "-"))\">"
            out += "<rect x=\"\(f(x(1 - cpu.floor)))\" y=\"\(f(y - rowH / 2 + 2))\" width=\"\(f(x(1 + cpu.floor) - x(1 - cpu.floor)))\" "
                + "height=\"\(f(rowH - 4))\" fill=\"#f0f0f0\"/>"
            out += "<text x=\"\(f(labelW - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(HTMLExporter.escape(label))</text>"
            out += "<line x1=\"\(f(x(cpu.test.interval.lower)))\" y1=\"\(f(y))\" x2=\"\(f(x(cpu.test.interval.upper)))\" y2=\"\(f(y))\" "
                + "stroke=\"\(colour)\" stroke-width=\"2\"/>"
            out += "<circle cx=\"\(f(x(cpu.test.ratio)))\" cy=\"\(f(y))\" r=\"4\" fill=\"\(colour)\"/>"
            out += "<text x=\"\(f(labelW + plotW + 8))\" y=\"\(f(y + 4))\" fill=\"\(colour)\">\(Format.change(cpu.test.ratio)) "
                + "\(HTMLExporter.escape(cpu.verdict.rawValue))</text></g>\n"
        }
        return out + "</svg>\n<p class=\"method\">Grey band: the effective floor (the larger of \(Format.change(1 + d.floor).dropFirst()) "
            + "and the reference's A/A bound). n = windows / process pairs per row in summary.md.</p>"
    }

    static func colour(_ v: Verdict) -> String {
        switch v {
        case .faster: "#1a7f37"
        case .slower: "#cf222e"
        case .noDifference: "#57606a"
        case .inconclusive: "#bf8700"
        case .tooFew: "#8c959f"
        }
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
