public import Histogram

/// The JSON form of a latency histogram: the layout plus sparse (value, count) pairs.
///
/// Belongs to RoverLoad's result serialisation. Decoding replays each pair into a histogram of
/// the generator's fixed layout, so a decoded histogram equals the original bucket for bucket
/// and histograms from different processes merge exactly. Rejects any other layout.
struct HistogramJSON: Codable, Equatable {
    var unit = "us"
    var lowestDiscernibleValue: UInt64
    var highestTrackableValue: UInt64
    var significantDigits: Int
    var totalCount: UInt64
    /// [value, count] for every non-empty bucket, ascending; value is the bucket's recorded value.
    var buckets: [[UInt64]]

    init(_ h: LatencyHistogram) {
        lowestDiscernibleValue = h.lowestDiscernibleValue
        highestTrackableValue = h.highestTrackableValue
        significantDigits = Int(h.numberOfSignificantValueDigits.rawValue)
        totalCount = h.totalCount
        buckets = h.recordedValues().map { [$0.value, $0.count] }
    }

    func histogram() throws -> LatencyHistogram {
        var h = LatencyHistogram.latency()
        guard unit == "us", lowestDiscernibleValue == h.lowestDiscernibleValue,
              highestTrackableValue == h.highestTrackableValue,
              significantDigits == Int(h.numberOfSignificantValueDigits.rawValue)
        else { throw LoadResultDecodingError.histogramLayout }
        for pair in buckets {
            guard pair.count == 2, h.record(pair[0], count: pair[1]) else { throw LoadResultDecodingError.histogramLayout }
        }
        guard h.totalCount == totalCount else { throw LoadResultDecodingError.histogramLayout }
        return h
    }
}

/// A percentile summary in µs, written next to each histogram for readers of the JSON.
public struct LatencySummary: Codable, Equatable, Sendable {
    public var count: UInt64
    public var mean: Double
    public var stdev: Double
    public var p50: UInt64, p75: UInt64, p90: UInt64, p99: UInt64, p999: UInt64, p9999: UInt64
    public var max: UInt64

    public init(_ h: LatencyHistogram) {
        count = h.totalCount
        mean = count > 0 ? h.mean : 0
        stdev = count > 0 ? h.stdDeviation : 0
        p50 = h.valueAtPercentile(50); p75 = h.valueAtPercentile(75); p90 = h.valueAtPercentile(90)
        p99 = h.valueAtPercentile(99); p999 = h.valueAtPercentile(99.9); p9999 = h.valueAtPercentile(99.99)
        max = count > 0 ? h.max : 0
    }
}

public enum LoadResultDecodingError: Error, CustomStringConvertible {
    case histogramLayout
    case unsupportedSchema(String, Int)

    public var description: String {
        switch self {
        case .histogramLayout: return "histogram layout in JSON does not match the generator's (us, 1..3600000000, 3 digits)"
        case .unsupportedSchema(let s, let v): return "unsupported result schema '\(s)' version \(v); expected '\(LoadResult.schemaName)' version \(LoadResult.schemaVersion)"
        }
    }
}
