import Glibc

/// A random-effects pooling of one effect measured in several studies (here: one comparison's
/// log ratio measured on several machines): each study `i` reads `yᵢ` with its own sampling
/// variance `vᵢ`, and the true effect itself varies between studies with variance τ².
///
/// - τ² by restricted maximum likelihood (REML, the fixed-point iteration of Viechtbauer 2005,
///   started from DerSimonian–Laird), clamped at 0;
/// - the pooled mean μ with weights 1 / (vᵢ + τ²) and the **Hartung–Knapp(–Sidik–Jonkman)**
///   variance `q / Σw`, `q = Σ wᵢ (yᵢ − μ)² / (k − 1)`, with Student's t on k − 1 degrees of
///   freedom: with few studies the normal-theory interval is far too narrow (IntHout et al.
///   2014); HK is exact when the studies' variances are equal, whatever τ;
/// - a **prediction interval for one new study** (a run on a machine not yet measured):
///   `μ ± t(k−1) · √(q · (τ² + v̄) + q / Σw)`, v̄ the mean of the vᵢ. With equal variances this
///   is exactly the t prediction interval `ȳ ± t(k−1) · s · √(1 + 1/k)` of a new draw from the
///   same distribution, so it is defined from two studies on (Higgins, Thompson & Spiegelhalter
///   2009's `t(k−2)` version needs three, and undercovers with few). Coverage of both intervals
///   is checked by simulation in `RandomEffectsTests` (2 to 5 studies, 2000 studies each).
/// - I² = (Q − (k − 1)) / Q with Cochran's Q on the fixed-effect weights, clamped at 0: the
///   share of the spread between studies that their own sampling error does not explain.
///
/// Belongs to RoverReport (statistics). A value; pure; thread-safe.
public struct RandomEffects: Codable, Sendable, Equatable {
    /// Studies pooled.
    public var k: Int
    /// μ and its standard error (Hartung–Knapp), on the log scale.
    public var mean: Double
    public var standardError: Double
    /// 1 / Σ wᵢ: the variance of μ the model itself gives (no Hartung–Knapp rescaling): what a
    /// pooled group of studies contributes as one study to a pooling one level up.
    public var modelVariance: Double
    /// τ, the between-study standard deviation of the true effect (log scale: 0.05 ≈ 5%).
    public var tau: Double
    /// I² in [0, 1].
    public var iSquared: Double
    /// Cochran's Q.
    public var q: Double
    public var confidence: Double
    /// exp(μ) with its interval (ratio scale), `count` = k.
    public var estimate: Estimate
    /// Where one new study's reading is expected to fall (ratio scale).
    public var prediction: Interval

    /// Pools `logRatios` with their `variances` (same order). `nil` with fewer than two studies,
    /// or with a non-finite value or a negative variance.
    public init?(logRatios y: [Double], variances v: [Double], confidence: Double = 0.95) {
        let k = y.count
        guard k >= 2, v.count == k, y.allSatisfy(\.isFinite), v.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        // Cochran's Q and DerSimonian–Laird on fixed-effect weights (a zero variance gets a tiny one).
        let floorV = max(v.max()! * 1e-9, 1e-300)
        let fw = v.map { 1 / max($0, floorV) }
        let fwSum = fw.reduce(0, +)
        let fMean = zip(fw, y).reduce(0) { $0 + $1.0 * $1.1 } / fwSum
        let cochranQ = zip(fw, y).reduce(0) { $0 + $1.0 * ($1.1 - fMean) * ($1.1 - fMean) }
        let c = fwSum - fw.reduce(0) { $0 + $1 * $1 } / fwSum
        var tau2 = c > 0 ? max(0, (cochranQ - Double(k - 1)) / c) : 0
        // REML fixed point.
        for _ in 0..<200 {
            let w = v.map { 1 / max($0 + tau2, floorV) }
            let sw = w.reduce(0, +)
            let mu = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / sw
            let sw2 = w.reduce(0) { $0 + $1 * $1 }
            var num = 0.0
            for i in 0..<k { num += w[i] * w[i] * ((y[i] - mu) * (y[i] - mu) - v[i]) }
            let next = max(0, num / sw2 + 1 / sw)
            let done = abs(next - tau2) <= 1e-12 * (1 + tau2)
            tau2 = next
            if done { break }
        }
        let w = v.map { 1 / max($0 + tau2, floorV) }
        let sw = w.reduce(0, +)
        let mu = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / sw
        var scale = zip(w, y).reduce(0) { $0 + $1.0 * ($1.1 - mu) * ($1.1 - mu) } / Double(k - 1)
        if scale <= 0 { scale = 1 }  // identical readings: fall back to the model's own variance
        let varMu = scale / sw
        let t = StudentT.quantile(0.5 + confidence / 2, df: Double(k - 1))
        let se = varMu.squareRoot()
        let vMean = v.reduce(0, +) / Double(k)
        let predictionHalf = t * (scale * (tau2 + vMean) + varMu).squareRoot()
        self.k = k
        modelVariance = 1 / sw
        mean = mu
        standardError = se
        tau = tau2.squareRoot()
        q = cochranQ
        iSquared = cochranQ > 0 ? max(0, (cochranQ - Double(k - 1)) / cochranQ) : 0
        self.confidence = confidence
        estimate = Estimate(value: exp(mu), interval: Interval(lower: exp(mu - t * se), upper: exp(mu + t * se)), count: k)
        prediction = Interval(lower: exp(mu - predictionHalf), upper: exp(mu + predictionHalf))
    }

    /// The log ratio and its sampling variance from a ratio's Student-t interval on `df`
    /// degrees of freedom (as ``PairedTest`` makes them): what one study contributes.
    public static func study(_ ratio: Estimate, df: Int, confidence: Double = 0.95) -> (y: Double, v: Double)? {
        guard ratio.value > 0, ratio.interval.lower > 0, ratio.interval.upper >= ratio.interval.lower, df >= 1 else { return nil }
        let t = StudentT.quantile(0.5 + confidence / 2, df: Double(df))
        let se = (log(ratio.interval.upper) - log(ratio.interval.lower)) / (2 * t)
        return (log(ratio.value), se * se)
    }
}
