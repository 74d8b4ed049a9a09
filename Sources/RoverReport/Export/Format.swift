import Foundation

/// Number formatting shared by the text exporters, so every format shows the same digits.
///
/// Belongs to RoverReport (export). Pure functions; thread-safe.
enum Format {
    /// A metric value with sensible precision: req/s as integers, µs with one decimal below
    /// 1000, counters as integers when integral else two decimals.
    static func value(_ x: Double, _ metric: Metric) -> String {
        switch metric.unit {
        case "req/s", "KiB": return String(format: "%.0f", x)
        case "µs": return x < 1000 ? String(format: "%.1f", x) : String(format: "%.0f", x)
        default: return x == x.rounded() ? String(format: "%.0f", x) : String(format: "%.2f", x)
        }
    }

    static func value(_ x: Double?, _ metric: Metric) -> String {
        x.map { value($0, metric) } ?? "—"
    }

    /// `value [lower, upper]`, the bootstrap interval in brackets.
    static func estimate(_ e: Estimate?, _ metric: Metric) -> String {
        guard let e else { return "—" }
        return "\(value(e.value, metric)) [\(value(e.interval.lower, metric)), \(value(e.interval.upper, metric))]"
    }

    /// A ratio as a signed percentage change: 1.25 → `+25.0%`.
    static func change(_ ratio: Double) -> String {
        String(format: "%+.1f%%", (ratio - 1) * 100)
    }

    /// A ratio estimate as `+25.0% [+21.2%, +28.9%]`.
    static func change(_ e: Estimate) -> String {
        "\(change(e.value)) [\(change(e.interval.lower)), \(change(e.interval.upper))]"
    }

    /// Change between two medians without an interval (deterministic counters).
    static func plainChange(from old: Double?, to new: Double?) -> String {
        guard let old, let new, old != 0 else { return "—" }
        return change(new / old)
    }

    /// `faster (duet, n=20/5 pairs)`: every verdict names its method and its n.
    static func verdict(_ c: Comparison) -> String {
        c.method.map { "\(c.verdict.rawValue) (\($0))" } ?? c.verdict.rawValue
    }

    static func cv(_ x: Double?) -> String {
        x.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
    }

    static func seed(_ s: UInt64) -> String { "0x" + String(s, radix: 16, uppercase: true) }

    /// `lazy + mutex-pool`
    static func strategies(_ key: CellKey) -> String { key.external ? "`\(key.scenario)`" : "\(key.context) + \(key.dispatcher)" }
}
