/// The answer to "is the current cell better than the baseline on this metric?".
///
/// Belongs to RoverReport (statistics). `Sendable` enum; ``judge(_:polarity:floor:minimumRuns:)``
/// is a pure function.
///
/// Rule, for a ratio `current / baseline` with a bootstrap interval and a floor (default 3%):
/// - **faster**: the interval excludes 1.0 on the better side AND the ratio passes the floor
///   in the better direction (≥ 1 + floor when higher is better, ≤ 1 − floor when lower is).
/// - **slower**: the same on the worse side.
/// - **no difference**: the ratio is within the floor and either the interval excludes 1.0
///   (a real but negligible effect) or the whole interval lies within 1 ± floor.
/// - **inconclusive**: anything else — the interval straddles 1.0 and is too wide to rule out
///   an effect above the floor, or either side has fewer than `minimumRuns` runs.
/// "faster"/"slower" follow the metric's polarity: lower CPU per request is "faster".
public enum Verdict: String, Codable, Sendable, CaseIterable {
    case faster
    case slower
    case noDifference = "no difference"
    case inconclusive

    /// The default effect floor: 3%.
    public static let defaultFloor = 0.03

    public static func judge(_ ratio: Estimate, polarity: Metric.Polarity,
                             floor: Double = defaultFloor, minimumRuns: Int = 2) -> Verdict {
        guard ratio.count >= minimumRuns else { return .inconclusive }
        let r = ratio.value, ci = ratio.interval
        let up = r >= 1 + floor && ci.lower > 1
        let down = r <= 1 - floor && ci.upper < 1
        if up { return polarity == .higherIsBetter ? .faster : .slower }
        if down { return polarity == .higherIsBetter ? .slower : .faster }
        let withinFloor = abs(r - 1) < floor
        let excludesOne = !ci.contains(1)
        let insideBand = ci.lower >= 1 - floor && ci.upper <= 1 + floor
        return withinFloor && (excludesOne || insideBand) ? .noDifference : .inconclusive
    }
}
