/// The answer to "is the current cell better than the reference on this metric?".
///
/// Belongs to RoverReport (statistics). `Sendable` enum; ``judge(_:polarity:floor:minEffect:adjustedP:alpha:minimumPairs:)``
/// is a pure function.
///
/// Rule, for a ratio `current / reference` with a confidence interval, `n` pairs, a floor (the
/// equivalence margin) and a minimum effect (the smallest change worth a direction; by default
/// the floor itself):
/// - **too few runs**: fewer than `minimumPairs` (10) pairs: nothing is concluded, either way.
/// - **faster** / **slower**: the **whole interval** lies beyond the minimum effect (above
///   1 + effect, or below 1 − effect), and the multiplicity-adjusted p-value (when given) is
///   under `alpha`. The minimum effect applies to the interval, not to the estimate, as
///   criterion's noise threshold does: −0.6% [−0.9, −0.3] at a 0.5% minimum effect is not
///   "faster" (its interval reaches −0.3%), it is "no difference" within a 1.5% floor.
/// - **no difference**: the *whole* interval lies within 1 ± floor.
/// - **inconclusive**: anything else (an effect too small to call, or an interval too wide).
/// "faster"/"slower" follow the metric's polarity: lower CPU per request is "faster".
public enum Verdict: String, Codable, Sendable, CaseIterable {
    case faster
    case slower
    case noDifference = "no difference"
    case inconclusive
    case tooFew = "too few runs"

    /// The default effect floor of sequential comparisons: 3%.
    public static let defaultFloor = 0.03
    /// The default floor of paired, simultaneous (duet) comparisons: 1.5%. The effective floor
    /// is the larger of this and the bound of the reference's A/A control, which with 20 process
    /// pairs came out near 1% on this machine: the nominal floor sits above it, so a quiet
    /// machine's A/A reads "no difference" and a noisy one's does not.
    public static let defaultPairedFloor = 0.015
    /// The default minimum effect of a duet's directional verdict: 0.5%. It is fixed: the A/A
    /// control sets the floor (the margin of "no difference"), not this.
    ///
    /// Why so low, and why fixed. Any threshold near a real effect makes verdicts flip from one
    /// sweep to the next; what settles a verdict is precision, which adaptive stages add where it
    /// is missing (``isSettled(_:polarity:floor:minEffect:adjustedP:alpha:minimumPairs:)``).
    /// Measured here (`Results/verdicts-20261202/sweeps-control40`, 10 sweeps at a 1% minimum
    /// effect raised to the A/A bound): lazy vs eager under `channel`, a real effect of about
    /// −0.8% CPU per request, read "no difference" 6 times, "faster" 2 and "inconclusive" 2,
    /// the only verdicts that did not repeat. The minimum effect applies to the whole interval,
    /// so an effect settles about two half-widths beyond it: at 80 process pairs (±0.25%), a
    /// −1.2% effect repeats in 99% of simulated runs and −0.83% in about half
    /// (`StagedDuetSimulationTests`). Raising the threshold to each sweep's A/A bound (0.3–1.2% in those
    /// sweeps) moved it from sweep to sweep, and counted the process-pair spread twice: every
    /// interval is already over process pairs.
    public static let defaultPairedMinEffect = 0.005
    /// Pairs needed before any verdict.
    public static let minimumPairs = 10

    public static func judge(_ ratio: Estimate, polarity: Metric.Polarity, floor: Double = defaultFloor,
                             minEffect: Double? = nil, adjustedP: Double? = nil, alpha: Double = 0.05,
                             minimumPairs: Int = Verdict.minimumPairs) -> Verdict {
        guard ratio.count >= minimumPairs else { return .tooFew }
        let r = ratio.value, ci = ratio.interval
        let effect = minEffect ?? floor
        let significant = (adjustedP ?? 0) < alpha
        let up = r > 1 && ci.lower > 1 && ci.lower >= 1 + effect && significant
        let down = r < 1 && ci.upper < 1 && ci.upper <= 1 - effect && significant
        if up { return polarity == .higherIsBetter ? .faster : .slower }
        if down { return polarity == .higherIsBetter ? .slower : .faster }
        let insideBand = ci.lower >= 1 - floor && ci.upper <= 1 + floor
        return insideBand ? .noDifference : .inconclusive
    }

    /// Whether a verdict stands up to its own uncertainty: the same verdict comes out when the
    /// ratio moves to either end of its interval (the interval moving with it, on the log scale),
    /// and the significance test agrees with the interval. An unsettled verdict sits within its
    /// own half-width of a threshold (the minimum effect, the floor, or 1), so another run would
    /// likely read it differently; the duet gives such a comparison more process pairs.
    public static func isSettled(_ ratio: Estimate, polarity: Metric.Polarity, floor: Double = defaultFloor,
                                 minEffect: Double? = nil, adjustedP: Double? = nil, alpha: Double = 0.05,
                                 minimumPairs: Int = Verdict.minimumPairs) -> Bool {
        func verdict(_ e: Estimate, _ p: Double?) -> Verdict {
            judge(e, polarity: polarity, floor: floor, minEffect: minEffect, adjustedP: p, alpha: alpha,
                  minimumPairs: minimumPairs)
        }
        let v = verdict(ratio, adjustedP)
        guard v != .tooFew, ratio.value > 0, ratio.interval.lower > 0 else { return false }
        let shifted = [ratio.interval.lower / ratio.value, ratio.interval.upper / ratio.value].map { k in
            Estimate(value: ratio.value * k, interval: Interval(lower: ratio.interval.lower * k, upper: ratio.interval.upper * k),
                     count: ratio.count)
        }
        return ([ratio] + shifted).allSatisfy { verdict($0, nil) == v }
    }
}
