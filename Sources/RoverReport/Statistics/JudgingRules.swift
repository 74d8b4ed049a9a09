/// The rules a run's duet verdicts are judged by: the paired floor (the margin of "no
/// difference") and the minimum effect (the smallest change given a direction). Saved in the
/// run's duet.json when it is planned, so `report` judges an old run by the rules it was made
/// with unless told otherwise (`--paired-floor`, `--min-effect`).
///
/// Belongs to RoverReport (statistics). A value; thread-safe.
public struct JudgingRules: Codable, Sendable, Equatable {
    public var pairedFloor: Double
    public var minEffect: Double

    public init(pairedFloor: Double = Verdict.defaultPairedFloor, minEffect: Double = Verdict.defaultPairedMinEffect) {
        self.pairedFloor = pairedFloor
        self.minEffect = minEffect
    }

    /// `saved` with each explicitly given value overriding it; today's defaults where neither says.
    public static func resolve(saved: JudgingRules?, pairedFloor: Double?, minEffect: Double?) -> JudgingRules {
        let base = saved ?? JudgingRules()
        return JudgingRules(pairedFloor: pairedFloor ?? base.pairedFloor, minEffect: minEffect ?? base.minEffect)
    }
}
