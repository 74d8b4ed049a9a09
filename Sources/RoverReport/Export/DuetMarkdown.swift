import Foundation
import RoverKinds

/// The duet section of summary.md: the A/A control first (and a warning when the machine was too
/// noisy to settle anything), then every cost comparison with its method and n, then the
/// dropped windows by reason.
///
/// Belongs to RoverReport (export). Formats a ``DuetSummary``; computes nothing. Thread-safe.
enum DuetMarkdown {
    static func render(_ d: DuetSummary) -> String {
        var out = """
        ### Cost per request, measured in pairs (duet)

        Each comparison runs the cell and its reference **at the same time** on the same server \
        CPUs, each in its own equal-share cgroup, loaded together over open connections; fresh process \
        pairs are started several times with the slots swapped. Per window: each server's CPU ns \
        (its process clock) and requests answered, read together. Ratio = geometric mean of window \
        ratios; 95% Student-t interval over process pairs. "faster"/"slower" need ≥ \(Verdict.minimumPairs) \
        windows from ≥ 3 pairs, a \(d.multiplicity.label)-adjusted p < 0.05 and the **whole interval** \
        beyond the minimum effect (\(pct(d.minEffect ?? d.floor))). "no difference" means \
        the whole interval lies within the floor (the larger of \(pct(d.floor)) and the group's A/A bound: \
        the largest difference the machine could not rule out between two identical servers). An A/A \
        control is judged by the same rule (p adjusted over the controls) and must read "no difference"; \
        one that does not, or has no usable pairs, marks the run too noisy and every verdict unsettled. A verdict is \
        *settled* when it would stand if its estimate moved by its own interval's half-width either way; \
        a comparison not settled after its first process pairs gets as many again, stage by stage, up to \
        the plan's limit, and one still not settled then is marked "(unsettled)": another run may well \
        read it differently.


        """
        if d.machineTooNoisy {
            let why = (d.tooNoisyReasons ?? []).joined(separator: "; ")
            out += "> **The machine was too noisy to settle anything** (\(why.isEmpty ? "an A/A control is not \"no difference\"" : why)): "
                + "every verdict in this section is unsettled.\n\n"
        }
        out += "| Load | Cell vs reference | CPU/request [95% CI] | Verdict | req/s [95% CI] | Verdict "
            + "| n windows/pairs | CPU µs/req (cell · ref, half a core each) | Floor · min effect |\n"
            + "|---|---|---:|---|---:|---|---:|---:|---:|\n"
        for row in d.rows {
            let name = row.isControl ? "**A/A control** (\(Format.strategies(row.reference)) twice)"
                : row.cell.external ? "`\(row.cell.scenario)` vs `\(row.reference.scenario)`"
                : row.cell.scenario != row.reference.scenario ? "`\(row.cell.scenario)` app vs `\(row.reference.scenario)`"
                : row.reference.isBaseline ? Format.strategies(row.cell)
                : "\(Format.strategies(row.cell)) vs \(Format.strategies(row.reference))"
            if let failure = row.failure, row.cpu == nil {
                out += "| \(row.reference.group) | \(name) | failed | — | — | — | \(row.okWindows)/\(row.starts) | — | — |\n"
                out += "|  | ↳ \(failure.replacingAll("|", with: "/").prefix(160)) |  |  |  |  |  |  |  |\n"
                continue
            }
            let cpu = row.cpu.map { Format.change($0.test.estimate) } ?? "—"
            let rps = row.rps.map { Format.change($0.test.estimate) } ?? "—"
            let micros = "\(Format.value(row.cellCPUMicros, .serverCPU)) · \(Format.value(row.refCPUMicros, .serverCPU))"
            out += "| \(row.reference.group) | \(name) | \(cpu) | \(verdict(row.cpu)) | \(rps) "
                + "| \(verdict(row.rps)) | \(row.cpu.map { "\($0.test.pairs)/\($0.test.clusters)" } ?? "0") "
                + "| \(micros) | \(row.cpu.map { "\(pct($0.floor)) · \(pct($0.minEffect ?? $0.floor))" } ?? "—") |\n"
            if let failure = row.failure {
                out += "|  | ↳ stopped: \(failure.replacingAll("|", with: "/").prefix(160)) |  |  |  |  |  |  |  |\n"
            }
        }
        if let steal = d.medianSteal, let foreign = d.medianForeign {
            out += "\nThe machine during the duet (median over windows): \(pct(steal)) of CPU time stolen by the "
                + "hypervisor, \(pct(foreign)) of the server CPUs used by other processes.\n"
        }
        let total = d.rows.reduce(0) { $0 + $1.droppedWindows }
        if total > 0 {
            let reasons = d.dropped.sorted { $0.value > $1.value }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            out += "\n\(total) contaminated windows were dropped (\(reasons)).\n"
        } else {
            out += "\nNo window was dropped as contaminated.\n"
        }
        return out + "\n"
    }

    /// The duet's CPU-per-request ratios against the same ratios measured with each server
    /// alone (``DuetValidity``).
    static func validity(_ checks: [DuetValidity]) -> String {
        var out = """
        ### Duet against running alone

        Each duet ratio (both servers on one core, half of it each) against the same CPU-per-request \
        ratio with each server alone on the core: from alone windows (after a process pair's duet \
        windows, each of its two servers loaded alone, one after the other, t over process pairs) or \
        else from the sequential rounds (paired by round); the Alone column names which, with its n. \
        Then their ratio (duet ÷ alone) with a 95% interval (Welch). *co-location changes this answer* when that interval \
        lies wholly beyond the minimum effect; *standalone too noisy to check* when it is wider than the \
        duet's own effect (few rounds alone cannot tell the duet's answer from none).

        | Cell vs reference | Duet | Alone | Alone measured by | Duet ÷ alone [95% CI] | Check |
        |---|---:|---:|---|---:|---|

        """
        for c in checks {
            let name = c.reference.isBaseline ? Format.strategies(c.cell) : "\(Format.strategies(c.cell)) vs \(Format.strategies(c.reference))"
            let group = c.cell.group.runtime == .lua54 ? "" : " (\(c.cell.group.runtime.rawValue))"
            out += "| \(name)\(group) | \(Format.change(c.duet)) | \(Format.change(c.standalone)) | \(c.method ?? "sequential") "
                + "| \(Format.change(c.ratio)) "
                + "| \(c.outcome == .agree ? "agree" : "**\(c.outcome.rawValue)**") |\n"
        }
        return out + "\n"
    }

    private static func verdict(_ t: DuetSummary.Test?) -> String {
        guard let t else { return "—" }
        // "too few runs" already says it is not settled (and a stopped comparison gets no more pairs).
        return t.verdict.rawValue + (t.settled == false && t.verdict != .tooFew ? " (unsettled)" : "")
    }

    private static func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
}
