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
            ? String(format: "%.0f req/s, %.1f µs CPU/req", r.rps, r.serverCPUUsPerReq)
            : "FAILED: \(r.reason.prefix(120))"
        let line = "[\(e.index)/\(e.total)] \(r.cell) r\(r.repeatIndex): \(what) · ETA \(eta / 60)m\(eta % 60)s"
        if tty {
            printErr("\u{1B}[2K\r" + line, terminator: "")
        } else {
            printErr(line)
        }
    }

    func finish() {
        if tty { printErr("") }
    }
}
