public import Histogram

import Foundation

/// Human-readable renderings of a `LoadResult`: the console summary and the `.hgrm`
/// percentile distribution (HdrHistogram's text format, values in milliseconds, as read by
/// HdrHistogram's plotter). Formatters only; no I/O.
extension LoadResult {
    /// A wrk-like summary. In open loop both corrected and uncorrected latencies are shown,
    /// each labelled.
    public func summaryText() -> String {
        var out = "Target \(run.url)  (\(run.method))\n"
        let mode = run.targetRate.map { "open loop at \(fmt($0, 1)) req/s" } ?? "closed loop, pipeline \(run.pipeline)"
        out += "  \(run.threads) thread(s), \(run.connections) connection(s), \(mode)"
        out += processes > 1 ? ", \(processes) generator processes merged\n" : "\n"
        if let corrected = correctedLatency {
            out += latencyBlock("Latency, corrected (from intended send time)", corrected)
            out += latencyBlock("Latency, uncorrected (from actual send time)", latency)
        } else {
            out += latencyBlock("Latency (2xx responses)", latency)
        }
        if failedLatency.totalCount > 0 {
            out += latencyBlock("Latency of failed requests (non-2xx, errors, timeouts)", failedLatency)
        }
        out += "  \(requests) responses in \(fmt(duration, 2))s\n"
        out += "Requests/sec: \(fmt(requestsPerSecond, 2))\n"
        out += "  Errors: connect \(errors.connect), read \(errors.read), write \(errors.write), timeout \(errors.timeout)"
        out += "; non-2xx \(non2xx); server-closed reconnects \(reconnects)"
        out += bodyMismatches > 0 ? "; WRONG BODIES \(bodyMismatches)\n" : "\n"
        if let target = run.targetRate {
            out += "  Open loop: target \(fmt(target, 1)) req/s, achieved \(fmt(requestsPerSecond, 1)) req/s"
            out += " (\(fmt(target > 0 ? 100 * requestsPerSecond / target : 0, 1))%), missed sends \(missedSends)"
            out += behindSchedule ? ", BEHIND SCHEDULE\n" : "\n"
        }
        out += "  Generator: CPU \(fmt(generatorCPUMicrosPerRequest, 2)) us/request,"
        out += " \(fmt(100 * generatorCPUUtilization, 1))% of \(run.threads) thread(s) x wall time\n"
        if generatorSaturated {
            out += "  WARNING: generator saturated, figures measure the generator: \(saturationReasons.joined(separator: "; "))\n"
        }
        return out
    }

    /// The .hgrm text of one histogram (µs recorded, printed in ms).
    public static func hgrm(_ h: LatencyHistogram) -> String {
        var out = ""
        h.outputPercentileDistribution(to: &out, outputValueUnitScalingRatio: 1000, percentileTicksPerHalfDistance: 5)
        return out
    }

    private func latencyBlock(_ title: String, _ h: LatencyHistogram) -> String {
        let s = LatencySummary(h)
        var out = "  \(title): \(s.count) samples\n"
        out += "    mean \(ms(s.mean))  stdev \(ms(s.stdev))  max \(ms(Double(s.max)))\n"
        out += "    p50 \(ms(Double(s.p50)))  p75 \(ms(Double(s.p75)))  p90 \(ms(Double(s.p90)))"
        out += "  p99 \(ms(Double(s.p99)))  p99.9 \(ms(Double(s.p999)))  p99.99 \(ms(Double(s.p9999)))\n"
        return out
    }

    private func ms(_ micros: Double) -> String { fmt(micros / 1000, 3) + "ms" }
    private func fmt(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
}
