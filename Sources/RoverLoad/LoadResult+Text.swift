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
        if let segment { out += "  Segment \(segment) of a load split over \(segment.count) process(es)\n" }
        if let start {
            out += "  Started at \(epoch(start.actualEpoch))"
            out += start.intendedEpoch.map { " (asked for \(epoch($0)), \(fmt(1000 * (start.actualEpoch - $0), 1)) ms later)\n" } ?? "\n"
        }
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
        if let target = run.targetRate, let sent = sentRequests, let intended = intendedSends {
            out += "  Offered: \(sent) requests sent of \(intended) the schedule intended in the window"
            out += offeredRate.map { " (\(fmt($0, 1)) req/s, \(fmt(target > 0 ? 100 * $0 / target : 0, 2))% of target)\n" } ?? "\n"
        }
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
        if !parts.isEmpty { out += partsText() }
        return out
    }

    /// The per-process table of a merged result, the start skew and segment coverage.
    func partsText() -> String {
        var out = "  Per process:\n"
        out += "    segment  conns  requests   req/s       sent       offered/s  errors(c/r/w/t)   non2xx  start(+ms)  cpu%   saturated\n"
        let earliest = parts.compactMap { $0.start?.actualEpoch }.min()
        for p in parts {
            let errs = "\(p.errors.connect)/\(p.errors.read)/\(p.errors.write)/\(p.errors.timeout)"
            let startText = p.start.flatMap { s in earliest.map { fmt(1000 * (s.actualEpoch - $0), 1) } } ?? "-"
            out += "    " + pad(p.segment ?? "-", 8) + " " + pad("\(p.connections)", 6) + " " + pad("\(p.requests)", 10)
            out += " " + pad(fmt(p.requestsPerSecond, 1), 11) + " " + pad(p.sentRequests.map(String.init) ?? "-", 10)
            out += " " + pad(p.offeredRate.map { fmt($0, 1) } ?? "-", 10) + " " + pad(errs, 17) + " " + pad("\(p.non2xx)", 7)
            out += " " + pad(startText, 11) + " " + pad(fmt(100 * p.cpuUtilization, 1), 6)
            out += " " + (p.saturated ? "YES: " + p.saturationReasons.joined(separator: "; ") : "no") + "\n"
        }
        out += "  Total: \(requests) requests, \(fmt(requestsPerSecond, 1)) req/s"
        out += offeredRate.map { ", offered \(fmt($0, 1)) req/s" } ?? ""
        out += run.targetRate.map { " (target \(fmt($0, 1)))" } ?? ""
        out += "\n"
        out += startSkewSeconds.map { "  Start skew: \(fmt(1000 * $0, 2)) ms (latest actual start - earliest)\n" }
            ?? "  Start skew: unknown (a process did not record its start)\n"
        let saturated = parts.filter(\.saturated).count
        if saturated > 0 { out += "  WARNING: \(saturated) process(es) saturated their own CPU; their figures measure the generator\n" }
        for problem in segmentProblems { out += "  WARNING: \(problem)\n" }
        return out
    }

    private func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
    private func epoch(_ seconds: Double) -> String {
        let date = Date(timeIntervalSince1970: seconds)
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
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
