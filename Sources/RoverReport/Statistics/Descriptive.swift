/// Descriptive statistics on fixed samples: median, percentile, mean, coefficient of variation.
///
/// Belongs to RoverReport (statistics). Pure functions; thread-safe. Empty input gives `nil`.
public enum Stats {
    /// The median: middle value, or the mean of the two middle values for an even count.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return medianOfSorted(values.sorted())
    }

    /// The `p`-th percentile (`p` in 0...100) by linear interpolation between closest ranks
    /// (Hyndman & Fan type 7, numpy's default): rank = p/100 × (n − 1).
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        return percentileOfSorted(values.sorted(), p)
    }

    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// Sample standard deviation (n − 1 denominator); `nil` for fewer than two values.
    public static func standardDeviation(_ values: [Double]) -> Double? {
        guard values.count >= 2, let m = mean(values) else { return nil }
        let squares = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    /// Coefficient of variation: sample standard deviation / mean. `nil` for fewer than two
    /// values or a zero mean.
    public static func coefficientOfVariation(_ values: [Double]) -> Double? {
        guard let sd = standardDeviation(values), let m = mean(values), m != 0 else { return nil }
        return sd / abs(m)
    }

    static func medianOfSorted(_ sorted: [Double]) -> Double {
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    static func percentileOfSorted(_ sorted: [Double], _ p: Double) -> Double {
        let clamped = min(max(p, 0), 100)
        let rank = clamped / 100 * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = rank - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
