import Foundation
import RoverKinds

/// `report --across` as Markdown: the environments, then one row per comparison with each
/// environment's reading, the pooled estimate, the prediction interval for a new machine, τ, I²
/// and the cross-environment verdict, then every run's own reading.
///
/// Belongs to RoverReport (export). Pure; thread-safe.
public enum AcrossMarkdown {
    public static func render(_ s: AcrossSummary) -> String {
        let metricName = s.metric == .rps ? "req/s" : "CPU per request"
        var out = """
        ### Across environments: \(metricName), duet, pooled over \(s.runs.count) runs from \(s.environments.count) environments

        Each environment's runs are pooled first; environments are pooled by random effects (REML τ², \
        Hartung–Knapp 95% interval). *New machine* is the 95% prediction interval for one run on a \
        machine not yet measured. A verdict **holds** when every environment reads the same direction \
        and that interval lies wholly beyond the \(pct(s.minEffect)) minimum effect; **host-dependent** \
        when environments disagree, or agree but a new machine could read the other way. \
        Runs of different commits are \(s.byCommit ? "kept apart (`--by-commit`)" : "pooled (`--by-commit` keeps them apart)").

        | | environment | runs (commit) |
        |---|---|---|

        """
        for (i, env) in s.environments.enumerated() {
            let runs = s.runs.filter { $0.environment == i }.map { r in
                "\(r.name) (\(r.commit.isEmpty ? "?" : r.commit)\(r.dirty ? "+dirty" : ""))\(r.tooNoisy ? " **too noisy**" : "")"
            }
            out += "| E\(i + 1) | \(env.label) | \(runs.joined(separator: ", ")) |\n"
        }
        let envHeads = s.environments.indices.map { "E\($0 + 1)" }
        out += "\n| comparison | " + envHeads.joined(separator: " | ")
            + " | pooled [95% CI] | new machine (95% PI) | τ | I² | across environments |\n"
        out += "|---|" + String(repeating: "---:|", count: envHeads.count) + "---:|---:|---:|---:|---|\n"
        for row in s.rows {
            let cells = s.environments.indices.map { e -> String in
                guard let r = row.environments.first(where: { $0.environment == e }) else { return "—" }
                let runs = r.runs > 1 ? " (\(r.runs) runs)" : ""
                return "\(Format.change(r.estimate)) \(r.verdict.rawValue)\(runs)"
            }
            let pooled = row.pooled.map { Format.change($0.estimate) } ?? "—"
            let pi = row.pooled.map { "[\(Format.change($0.prediction.lower)), \(Format.change($0.prediction.upper))]" } ?? "—"
            let tau = row.pooled.map { String(format: "%.1f%%", $0.tau * 100) } ?? "—"
            let i2 = row.pooled.map { String(format: "%.0f%%", $0.iSquared * 100) } ?? "—"
            out += "| \(title(row)) | \(cells.joined(separator: " | ")) | \(pooled) | \(pi) | \(tau) | \(i2) | "
                + "\(verdict(row)) |\n"
        }
        let explained = s.rows.filter { row in row.verdict == .hostDependent && row.environments.contains { !$0.mechanisms.isEmpty } }
        if !explained.isEmpty {
            out += "\n#### What differs between hosts where a finding is host-dependent\n\n"
                + "Per request, median over the duet's windows (cell · reference): context switches of the server process, "
                + "wake-ups of the `channel` dispatcher's Lua thread (1 ÷ wakes = requests each wake serves), and the "
                + "reference's CPU µs per request at half a core. Environments whose runs predate these counters show —.\n\n"
                + "| comparison | environment | change | ctx switches / request | Lua-thread wakes / request | reference µs / request |\n"
                + "|---|---|---:|---:|---:|---:|\n"
            for row in explained {
                for e in row.environments {
                    let m = e.mechanisms
                    out += "| \(title(row)) | E\(e.environment + 1) | \(Format.change(e.estimate.value)) | \(pair(m.cellSwitches, m.refSwitches)) "
                        + "| \(pair(m.cellWakes, m.refWakes)) | \(e.refMicros.map { String(format: "%.1f", $0) } ?? "—") |\n"
                }
            }
        }
        out += "\n#### Per run\n\n| comparison | run | environment | commit | \(metricName) [95% CI] | verdict | µs/request (cell, reference) |\n"
        out += "|---|---|---|---|---:|---|---:|\n"
        for row in s.rows {
            for r in row.readings {
                let run = s.runs[r.run]
                let micros = r.cellMicros.flatMap { c in r.refMicros.map { String(format: "%.1f, %.1f", c, $0) } } ?? "—"
                let settled = r.settled ? "" : " (unsettled)"
                out += "| \(title(row)) | \(run.name) | E\(run.environment + 1) | \(run.commit) | \(Format.change(r.estimate)) "
                    + "| \(r.verdict.rawValue)\(settled) | \(micros) |\n"
            }
        }
        return out + "\n"
    }

    /// `lazy + channel vs eager + channel (lua5.4)`
    static func title(_ row: AcrossSummary.Row) -> String {
        let commit = row.id.contains(" @ ") ? " @ " + (row.id.components(separatedBy: " @ ").last ?? "") : ""
        return "\(Format.strategies(row.cell)) vs \(Format.strategies(row.reference)) (\(row.cell.scenario), "
            + "\(row.cell.runtime.rawValue), c\(row.cell.connections))\(commit)"
    }

    /// The verdict, with what else a reader needs: agreement in direction, and what changed
    /// between runs whose intervals do not overlap.
    static func verdict(_ row: AcrossSummary.Row) -> String {
        var out = "**\(row.verdict.rawValue)**"
        let dirs = row.environments.map(\.verdict)
        if row.verdict == .hostDependent, let d = dirs.first, [.faster, .slower].contains(d), dirs.allSatisfy({ $0 == d }) {
            out += ": \(d.rawValue) on all \(dirs.count), by how much depends on the machine"
        }
        let d = row.differences
        var parts: [String] = []
        if d.environment > 0 { parts.append("\(d.environment) between environments at one commit") }
        if d.code > 0 { parts.append("\(d.code) between commits on one environment (code)") }
        if d.both > 0 { parts.append("\(d.both) where environment and commit both changed") }
        if d.runToRun > 0 { parts.append("\(d.runToRun) between runs of one commit on one environment") }
        if !parts.isEmpty { out += "; runs differing beyond their intervals: " + parts.joined(separator: ", ") }
        return out
    }

    static func pct(_ x: Double) -> String { String(format: "%g%%", x * 100) }

    static func pair(_ a: Double?, _ b: Double?) -> String {
        guard a != nil || b != nil else { return "—" }
        return "\(a.map { String(format: "%.3f", $0) } ?? "—") · \(b.map { String(format: "%.3f", $0) } ?? "—")"
    }
}
