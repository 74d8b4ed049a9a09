import RoverSystem
import Foundation
import Glibc

/// Per-CPU busy and steal time from `/proc/stat`, for telling a clean duet window from one that
/// other processes, the hypervisor or a saturated load generator contaminated.
///
/// Belongs to RoverRunner (duet). A value (one reading); `/proc/stat` counts in clock ticks
/// (USER_HZ, usually 10 ms), so shares over a 0.2 s window are good to about ±5% per CPU: the
/// thresholds that use them are set well above that.
struct SystemCPU {
    /// busy (user + nice + system + irq + softirq) and steal, in ns, per CPU index.
    var busy: [Int: Double] = [:]
    var steal: [Int: Double] = [:]
    var at = 0.0

    static let tickNanos = 1e9 / Double(max(1, sysconf(Int32(_SC_CLK_TCK))))

    static func read() -> SystemCPU {
        var s = SystemCPU()
        s.at = monotonicSeconds()
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return s }
        for line in text.split(separator: "\n") where line.hasPrefix("cpu") {
            let f = line.split(separator: " ")
            guard f.count >= 9, let cpu = Int(f[0].dropFirst(3)) else { continue }
            let v = f.dropFirst().prefix(8).map { Double($0) ?? 0 }
            s.busy[cpu] = (v[0] + v[1] + v[2] + v[5] + v[6]) * tickNanos
            s.steal[cpu] = v[7] * tickNanos
        }
        return s
    }

    /// Busy ns on `cpus` since `earlier`.
    func busy(since earlier: SystemCPU, on cpus: [Int]) -> Double {
        cpus.reduce(0) { $0 + (busy[$1] ?? 0) - (earlier.busy[$1] ?? 0) }
    }

    /// Stolen ns on every CPU since `earlier`.
    func steal(since earlier: SystemCPU) -> Double {
        steal.keys.reduce(0) { $0 + (steal[$1] ?? 0) - (earlier.steal[$1] ?? 0) }
    }
}

