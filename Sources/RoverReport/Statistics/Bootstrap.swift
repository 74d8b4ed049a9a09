/// Percentile-bootstrap confidence intervals for a median and for a ratio of two medians.
///
/// Belongs to RoverReport (statistics). A value type holding only its settings; every call
/// starts its own ``SplitMix64`` from `seed`, so the same inputs give the same interval on
/// every machine and run. Thread-safe.
///
/// Method: draw `resamples` samples of the same size with replacement, take the statistic of
/// each, and report the (1 − confidence)/2 and (1 + confidence)/2 percentiles (type 7) of
/// those statistics. Defaults: 2000 resamples, 95%, seed ``defaultSeed``.
public struct Bootstrap: Codable, Sendable, Equatable {
    /// The documented default seed: the ASCII bytes of "ROVERBEN".
    public static let defaultSeed: UInt64 = 0x524F_5645_5242_454E
    public static let `default` = Bootstrap()

    public var resamples: Int
    public var confidence: Double
    public var seed: UInt64

    public init(resamples: Int = 2000, confidence: Double = 0.95, seed: UInt64 = Bootstrap.defaultSeed) {
        precondition(resamples > 0 && confidence > 0 && confidence < 1)
        self.resamples = resamples
        self.confidence = confidence
        self.seed = seed
    }

    /// Median of `values` with its bootstrap interval; `nil` for no values.
    public func median(_ values: [Double]) -> Estimate? {
        guard let point = Stats.median(values) else { return nil }
        var rng = SplitMix64(seed: seed)
        var scratch = [Double](repeating: 0, count: values.count)
        var medians: [Double] = []
        medians.reserveCapacity(resamples)
        for _ in 0..<resamples {
            medians.append(resampledMedian(values, &scratch, &rng))
        }
        return Estimate(value: point, interval: interval(of: &medians), count: values.count)
    }

    /// `median(numerator) / median(denominator)` with a bootstrap interval from resampling both
    /// samples independently. `nil` when either sample is empty or the denominator's median is 0.
    public func ratioOfMedians(_ numerator: [Double], _ denominator: [Double]) -> Estimate? {
        guard let top = Stats.median(numerator), let bottom = Stats.median(denominator), bottom != 0 else {
            return nil
        }
        var rng = SplitMix64(seed: seed)
        var scratchTop = [Double](repeating: 0, count: numerator.count)
        var scratchBottom = [Double](repeating: 0, count: denominator.count)
        var ratios: [Double] = []
        ratios.reserveCapacity(resamples)
        for _ in 0..<resamples {
            let t = resampledMedian(numerator, &scratchTop, &rng)
            let b = resampledMedian(denominator, &scratchBottom, &rng)
            if b != 0 { ratios.append(t / b) }
        }
        guard !ratios.isEmpty else { return nil }
        return Estimate(value: top / bottom, interval: interval(of: &ratios),
                        count: min(numerator.count, denominator.count))
    }

    private func resampledMedian(_ values: [Double], _ scratch: inout [Double],
                                 _ rng: inout SplitMix64) -> Double {
        for i in scratch.indices { scratch[i] = values[rng.index(below: values.count)] }
        scratch.sort()
        return Stats.medianOfSorted(scratch)
    }

    private func interval(of statistics: inout [Double]) -> Interval {
        statistics.sort()
        let tail = (1 - confidence) / 2 * 100
        return Interval(lower: Stats.percentileOfSorted(statistics, tail),
                        upper: Stats.percentileOfSorted(statistics, 100 - tail))
    }
}

/// A closed interval `[lower, upper]`.
public struct Interval: Codable, Sendable, Equatable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    public func contains(_ x: Double) -> Bool { lower <= x && x <= upper }
}

/// A point estimate with its confidence interval and the number of samples behind it
/// (for a ratio: the smaller of the two sample counts).
public struct Estimate: Codable, Sendable, Equatable {
    public var value: Double
    public var interval: Interval
    public var count: Int

    public init(value: Double, interval: Interval, count: Int) {
        self.value = value
        self.interval = interval
        self.count = count
    }
}
