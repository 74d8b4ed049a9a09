/// Adjusted p-values for many verdicts at once, so a sweep of dozens of comparisons does not
/// hand out "faster" and "slower" by chance.
///
/// Belongs to RoverReport (statistics). Pure functions; thread-safe. Both return the adjusted
/// p-values in the input order; a test is significant at level α when its adjusted p < α.
public enum Multiplicity: String, Codable, Sendable, CaseIterable {
    /// Holm (1979): controls the family-wise error rate (the chance of any false verdict).
    case holm
    /// Benjamini & Hochberg (1995): controls the false discovery rate (the expected share of
    /// false verdicts among those given). More power when many effects are real.
    case benjaminiHochberg = "benjamini-hochberg"

    public var label: String {
        switch self {
        case .holm: "Holm (family-wise error rate)"
        case .benjaminiHochberg: "Benjamini–Hochberg (false discovery rate)"
        }
    }

    public func adjust(_ p: [Double]) -> [Double] {
        switch self {
        case .holm: Self.holm(p)
        case .benjaminiHochberg: Self.benjaminiHochberg(p)
        }
    }

    /// Step-down: sorted ascending, p_(i) × (m − i + 1) (i from 1), made monotone, capped at 1.
    public static func holm(_ p: [Double]) -> [Double] {
        let m = p.count
        let order = p.indices.sorted { p[$0] < p[$1] }
        var out = [Double](repeating: 1, count: m)
        var running = 0.0
        for (rank, i) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * p[i]))
            out[i] = running
        }
        return out
    }

    /// Step-up: sorted ascending, p_(i) × m / i, made monotone from the largest down, capped at 1.
    public static func benjaminiHochberg(_ p: [Double]) -> [Double] {
        let m = p.count
        let order = p.indices.sorted { p[$0] < p[$1] }
        var out = [Double](repeating: 1, count: m)
        var running = 1.0
        for (rank, i) in order.enumerated().reversed() {
            running = min(running, min(1, Double(m) / Double(rank + 1) * p[i]))
            out[i] = running
        }
        return out
    }
}
