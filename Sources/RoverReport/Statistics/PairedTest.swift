import Glibc

/// A paired comparison on the log scale: each pair is log(cell / reference) measured at the same
/// time (a duet window) or in the same round (sequential), pairs grouped into clusters that share
/// a cause of bias (one pair of server processes; one round). The estimate is the geometric-mean
/// ratio; the interval and p-value come from Student's t over the cluster means, so the spread
/// between clusters (memory layout of a process pair, the machine's mood in a round) is counted
/// once per cluster, not hidden by many correlated pairs inside one.
///
/// Belongs to RoverReport (statistics). A value; thread-safe.
public struct PairedTest: Codable, Sendable, Equatable {
    /// exp(mean of cluster means of the log ratios).
    public var ratio: Double
    public var interval: Interval
    /// Pairs (windows, rounds) and clusters behind the estimate; df = clusters − 1.
    public var pairs: Int
    public var clusters: Int
    /// Two-sided p-value for "no change" (ratio 1), before any multiplicity adjustment.
    public var p: Double
    public var confidence: Double

    public init(ratio: Double, interval: Interval, pairs: Int, clusters: Int, p: Double, confidence: Double) {
        self.ratio = ratio
        self.interval = interval
        self.pairs = pairs
        self.clusters = clusters
        self.p = p
        self.confidence = confidence
    }

    /// From ratios (cell / reference) grouped by cluster. Non-positive or non-finite ratios and
    /// empty clusters are ignored. `nil` with fewer than two clusters (no spread to estimate).
    public init?(clusters groups: [[Double]], confidence: Double = 0.95) {
        let logs = groups.map { $0.filter { $0 > 0 && $0.isFinite }.map { log($0) } }.filter { !$0.isEmpty }
        guard logs.count >= 2 else { return nil }
        let means = logs.map { $0.reduce(0, +) / Double($0.count) }
        let n = Double(means.count)
        let mean = means.reduce(0, +) / n
        let sd = (means.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        let se = sd / n.squareRoot()
        let df = n - 1
        let t = StudentT.quantile(0.5 + confidence / 2, df: df)
        let p: Double
        if se > 0 {
            p = StudentT.twoSidedP(mean / se, df: df)
        } else {
            p = mean == 0 ? 1 : 0  // identical pairs: exact
        }
        self.init(ratio: exp(mean), interval: Interval(lower: exp(mean - t * se), upper: exp(mean + t * se)),
                  pairs: logs.reduce(0) { $0 + $1.count }, clusters: logs.count, p: p, confidence: confidence)
    }

    /// The ratio with its interval, as verdicts and tables take it (`count`: pairs).
    public var estimate: Estimate { Estimate(value: ratio, interval: interval, count: pairs) }

    /// The largest distance of the interval from "no change": what an A/A control says the
    /// machine cannot tell apart from nothing.
    public var bound: Double { max(abs(interval.lower - 1), abs(interval.upper - 1)) }
}
