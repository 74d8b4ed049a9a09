import Foundation
import Histogram
import Testing
@testable import RoverLoad

/// The JSON schema round-trips exactly and merging adds counts and histograms exactly.
@Suite struct ResultJSONTests {
    static func result(seed: UInt64, requests: Int, open: Bool = false) -> LoadResult {
        var stats = WorkerStats()
        var x = seed
        for _ in 0..<requests {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let ns = (x >> 33) % 50_000_000
            stats.success.recordNanos(ns)
            if open { stats.corrected.recordNanos(ns * 2) }
        }
        stats.failed.recordNanos(2_000_000_000, count: 3)
        stats.requests = requests
        stats.non2xx = 1
        stats.errors.timeout = 2
        stats.cpuMicros = Double(requests) * 3
        stats.windowNanos = 2_000_000_000
        var config = LoadConfig(url: try! TargetURL("http://127.0.0.1:1/"))
        config.mode = open ? .openLoop(rate: 500) : .closedLoop
        return LoadResult(config: config, stats: [stats])
    }

    @Test func roundTripsThroughJSON() throws {
        for open in [false, true] {
            let r = Self.result(seed: 7, requests: 5000, open: open)
            let back = try LoadResult.decode(json: try r.jsonEncoded())
            #expect(back.latency == r.latency)
            #expect(back.failedLatency == r.failedLatency)
            #expect(back.correctedLatency == r.correctedLatency)
            #expect(back.requests == r.requests && back.errors == r.errors && back.non2xx == r.non2xx)
            #expect(back.generatorCPUMicrosPerRequest == r.generatorCPUMicrosPerRequest)
            let object = try JSONSerialization.jsonObject(with: r.jsonEncoded()) as! [String: Any]
            #expect(object["schema"] as? String == "rover-bench/load")
            #expect(object["version"] as? Int == 1)
        }
    }

    @Test func rejectsOtherSchemas() throws {
        var object = try JSONSerialization.jsonObject(with: Self.result(seed: 1, requests: 10).jsonEncoded()) as! [String: Any]
        object["version"] = 99
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: LoadResultDecodingError.self) { try LoadResult.decode(json: data) }
    }

    @Test func mergeIsExact() throws {
        let a = Self.result(seed: 1, requests: 3000, open: true), b = Self.result(seed: 2, requests: 7000, open: true)
        let merged = try #require(LoadResult.merged([a, b]))
        var expected = a.latency
        expected.add(b.latency)
        #expect(merged.latency == expected)
        #expect(merged.latency.totalCount == 10_000)
        #expect(merged.correctedLatency?.totalCount == 10_000)
        #expect(merged.failedLatency.totalCount == 6)
        #expect(merged.requests == 10_000 && merged.processes == 2 && merged.errors.timeout == 4)
        #expect(merged.run.targetRate == 1000)
        #expect(merged.latency.valueAtPercentile(99) == expected.valueAtPercentile(99))
        #expect(merged.latencySummary.p99 == expected.valueAtPercentile(99))
        #expect(merged.latencySummary.count == 10_000 && merged.correctedLatencySummary?.count == 10_000)
    }

    @Test func hgrmIsHdrHistogramText() {
        let text = LoadResult.hgrm(Self.result(seed: 3, requests: 1000).latency)
        #expect(text.hasPrefix("       Value     Percentile TotalCount 1/(1-Percentile)"))
        #expect(text.contains("#[Mean    ="))
        #expect(text.contains("Total count    =         1000]"))
    }
}

extension ResultJSONTests {
    @Test func flagsASaturatedGenerator() {
        var r = Self.result(seed: 5, requests: 1000)
        #expect(!r.generatorSaturated)
        r.generatorCPUMicros = 0.95 * r.duration * 1e6          // one thread busy 95% of the window
        #expect(r.generatorSaturated)
        #expect(r.saturationReasons.first?.contains("generator CPU 95%") == true)
        var open = Self.result(seed: 5, requests: 1000, open: true)
        open.lateWakes = 10
        open.lateWakeMicrosSum = 10 * 3000                        // sends 3 ms late on average
        #expect(open.generatorSaturated)
        #expect(open.requestsPerSecond == 500 && !open.behindSchedule)
        open.requestsPerSecond = 400
        #expect(open.behindSchedule)
    }
}

extension ResultJSONTests {
    @Test func saturationThresholdIsInclusive() {
        var r = Self.result(seed: 9, requests: 100)
        r.generatorCPUMicros = (LoadResult.saturationUtilization - 0.01) * r.duration * 1e6
        #expect(!r.generatorSaturated)
        r.generatorCPUMicros = LoadResult.saturationUtilization * r.duration * 1e6
        #expect(r.generatorSaturated)
    }
}
