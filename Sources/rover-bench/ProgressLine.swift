import RoverSystem
import Foundation
import RoverReport
import RoverRunner

/// Sweep progress on stderr: one line rewritten in place on a terminal (cell i/N, req/s, ETA),
/// one plain line per trial otherwise (CI logs, pipes).
final class ProgressLine {
    private let tty = isatty(STDERR_FILENO) == 1

    func show(_ e: Sweep.Event) {
        let r = e.record
        let eta = Int(e.secondsPerTrial * Double(e.total - e.index))
        let what = r.status == .ok
            ? String(format: "%.0f req/s, %.1f µs CPU/req", r[.rps], r[.serverCPU])
            : "FAILED: \(r.reason.prefix(120))"
        note("[\(e.index)/\(e.total)] \(r.cell) r\(r.repeatIndex): \(what) · ETA \(eta / 60)m\(eta % 60)s")
    }

    /// One progress line (rewritten in place on a terminal).
    func note(_ line: String) {
        if tty {
            printErr("\u{1B}[2K\r" + line, terminator: "")
        } else {
            printErr(line)
        }
    }

    func show(_ e: Duet.Event, start: Double) {
        let elapsed = monotonicSeconds() - start
        let eta = Int(elapsed / Double(max(e.index, 1)) * Double(e.total - e.index))
        let first = e.rows.first
        let what: String
        if let f = e.rows.first(where: { $0.status == .failed }) {
            what = "FAILED: \(f.reason.prefix(120))"
        } else {
            let cpu = e.rows.filter { $0.kind != .alone }.compactMap(\.cpuRatio)
            let dropped = e.rows.filter { $0.status == .dropped }.count
            what = String(format: "CPU/req ratio %.3f", cpu.isEmpty ? .nan : cpu.reduce(0, +) / Double(cpu.count))
                + (dropped > 0 ? ", \(dropped) windows dropped" : "")
        }
        let stage = e.stage > 0 ? " stage \(e.stage + 1) (\(e.stageComparisons) unsettled)" : ""
        note("duet\(stage) [\(e.index)/\(e.total)] \(first?.comparisonID ?? "?") pair \(first?.start ?? 0): \(what) · ETA \(eta / 60)m\(eta % 60)s")
    }

    func finish() {
        if tty { printErr("") }
    }
}

