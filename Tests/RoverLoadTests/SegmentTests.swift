import Foundation
import Histogram
import Testing
@testable import RoverLoad

/// `--segment i/N`: the shares of connections, rate and request budget add up exactly; the
/// segments' open-loop schedules are slices of one process's schedule; results of segments merge
/// into per-process parts with start skew and coverage problems named. Live parts use loopback.
@Suite(.serialized) struct SegmentTests {
    @Test(arguments: [1, 2, 3, 4, 7])
    func sharesAddUpAndConnectionsArePartitioned(n: Int) throws {
        for total in n...40 {
            let segments = try (0..<n).map { try LoadSegment(index: $0, count: n) }
            let shares = segments.map { $0.share(of: total) }
            #expect(shares.reduce(0, +) == total)
            #expect(shares.max()! - shares.min()! <= 1)
            let globals = segments.flatMap { s in (0..<s.share(of: total)).map { s.global($0) } }
            #expect(globals.sorted() == Array(0..<total), "C \(total) N \(n)")
        }
    }

    @Test func openLoopSchedulesAreSlicesOfTheOneProcessSchedule() throws {
        let (connections, rate) = (10, 1500.0)
        let interval = LoadMode.openLoop(rate: rate).behaviour(connections: connections, threads: 1).interval!
        let start: UInt64 = 1_000_000_000, end = start + 2_000_000_000
        func sends(_ globals: [Int]) -> [UInt64] {
            globals.flatMap { g -> [UInt64] in
                let first = Schedule.first(global: g, interval: interval, total: connections, start: start)
                return Array(stride(from: first, to: end, by: Int(interval)))
            }.sorted()
        }
        let whole = sends(Array(0..<connections))
        var union: [UInt64] = []
        var rates = 0.0
        for i in 0..<3 {
            let s = try LoadSegment(index: i, count: 3)
            let mine = (0..<s.share(of: connections)).map { s.global($0) }
            let times = sends(mine)
            #expect(Schedule.count(first: 0, interval: 1, from: 0, to: 0) == 0)
            let counted = mine.reduce(0) { $0 + Schedule.count(
                first: Schedule.first(global: $1, interval: interval, total: connections, start: start),
                interval: interval, from: start, to: end) }
            #expect(counted == times.count)
            union += times
            rates += rate * Double(s.share(of: connections)) / Double(connections)
            // The plan a worker gets maps its local connections to the same global indices.
            let plan = WorkerPlan(address: try TargetURL("http://127.0.0.1:1/").connectableAddress(), request: [], depth: 1,
                                  isHead: false, firstConnection: 0, connections: mine.count, budget: nil, start: start,
                                  measureStart: start, end: end, interval: interval, totalConnections: connections,
                                  timeout: 1, segmentOffset: i, segmentStride: 3)
            #expect((0..<mine.count).map(plan.global) == mine)
        }
        #expect(union.sorted() == whole)
        #expect(abs(whole.count - 3000) <= 1)   // the interval is whole ns, so a send more may fit
        #expect(abs(rates - rate) < 1e-9 * rate)
    }

    @Test func scheduleCountMatchesEnumeration() {
        for first: UInt64 in [0, 5, 17] {
            for interval: UInt64 in [1, 3, 10] {
                for from: UInt64 in 0..<30 {
                    for to: UInt64 in from..<40 {
                        let brute = stride(from: first, to: 100, by: Int(interval)).filter { $0 >= from && $0 < to }.count
                        #expect(Schedule.count(first: first, interval: interval, from: from, to: to) == brute)
                    }
                }
            }
        }
    }

    @Test func requestBudgetIsSplitExactly() throws {
        for n in [3, 10, 1001] {
            var total = 0
            for i in 0..<3 {
                let b = LoadMode.fixedCount(n).behaviour(connections: 9, threads: 2, segment: try LoadSegment(index: i, count: 3))
                total += b.budgets.reduce(0) { $0 + $1! }
            }
            #expect(total == n)
        }
    }

    @Test(arguments: [("3/3", "--segment"), ("1/0", "--segment"), ("a/3", "--segment"), ("1", "--segment"), ("-1/3", "--segment")])
    func malformedSegmentsNameTheFlag(text: String, flag: String) {
        #expect(throws: LoadConfigError.self) { try LoadSegment(parsing: text) }
        do { _ = try LoadSegment(parsing: text) } catch { #expect(error.description.hasPrefix(flag)) }
    }

    @Test func k6StyleFractionsAreEqualParts() throws {
        #expect(try LoadSegment(parsing: "0:1/3") == LoadSegment(index: 0, count: 3))
        #expect(try LoadSegment(parsing: "1/3:2/3") == LoadSegment(index: 1, count: 3))
        #expect(try LoadSegment(parsing: "2/3:1") == LoadSegment(index: 2, count: 3))
        #expect(try LoadSegment(parsing: "2/4:3/4") == LoadSegment(index: 2, count: 4))
        #expect(try LoadSegment(parsing: "0:1") == LoadSegment(index: 0, count: 1))
        for bad in ["0:1/2:1", "1/3:1", "1/4:2/3", "2/3:1/3", "0:3/2", "x:1"] {
            #expect(throws: LoadConfigError.self, "\(bad)") { try LoadSegment(parsing: bad) }
        }
    }

    @Test func configRefusesSegmentsWithoutAConnectionEach() throws {
        var c = LoadConfig(url: try TargetURL("http://127.0.0.1:1/"))
        c.connections = 2
        c.segment = try LoadSegment(index: 0, count: 3)
        #expect(throws: LoadConfigError.invalid("--segment", "needs --connections of at least N so every segment owns one (2 < 3)")) { try c.validate() }
        c.connections = 4; c.threads = 3
        #expect(throws: LoadConfigError.invalid("--threads", "must not exceed this segment's 2 connection(s)")) { try c.validate() }
        c.segment = try LoadSegment(index: 2, count: 3); c.threads = 2
        #expect(throws: LoadConfigError.self) { try c.validate() }   // segment 2/3 of 4 owns 1
        c.threads = 1; c.startAt = -5
        #expect(throws: LoadConfigError.self) { try c.validate() }
    }

    /// Three segments of a closed loop with a request budget against one server: every request
    /// is counted once, the merged histograms are the exact sums, the parts carry the segments.
    @Test func threeSegmentsMergeExactlyInProcess() throws {
        let server = try TestHTTPServer()
        defer { server.shutdown() }
        let startAt = Date().timeIntervalSince1970 + 0.3
        var parts: [LoadResult] = []
        for i in 0..<3 {
            var c = LoadConfig(url: try TargetURL(server.url))
            c.connections = 7; c.duration = 30; c.mode = .fixedCount(1000)
            c.segment = try LoadSegment(index: i, count: 3)
            c.startAt = i == 0 ? startAt : nil
            parts.append(try runLoad(c))
        }
        #expect(parts.map(\.requests) == [334, 333, 333])
        #expect(parts.map(\.run.connections) == [3, 2, 2])
        #expect(parts.map { $0.sentRequests ?? -1 } == [334, 333, 333])
        #expect(parts[0].start!.intendedEpoch == startAt && parts[0].start!.actualEpoch >= startAt)
        let m = try #require(LoadResult.merged(parts))
        #expect(m.requests == 1000 && server.counts.requests == 1000)
        var sum = LatencyHistogram.latency()
        for p in parts { sum.add(p.latency) }
        #expect(m.latency == sum && m.latency.totalCount == 1000)
        #expect(m.parts.map(\.segment) == ["0/3", "1/3", "2/3"])
        #expect(m.segmentProblems.isEmpty)
        #expect(m.startSkewSeconds! >= 0)
        let back = try LoadResult.decode(json: m.jsonEncoded())
        #expect(back.parts == m.parts && back.latency == m.latency)
        #expect(m.summaryText().contains("Start skew:"))
        #expect(LoadResult.merged([parts[0], parts[0]])!.segmentProblems == ["segment(s) merged more than once: 0/3", "segment(s) missing: 1/3, 2/3"])
    }

    /// A file written before segments existed (no segment, start, sent or parts keys) still decodes and merges.
    @Test func olderFilesStillMerge() throws {
        let r = ResultJSONTests.result(seed: 3, requests: 100)
        var object = try JSONSerialization.jsonObject(with: r.jsonEncoded()) as! [String: Any]
        for key in ["segment", "start", "sentRequests", "intendedSends", "parts", "startSkewSeconds", "segmentProblems"] {
            #expect(object.removeValue(forKey: key) != nil, "\(key)")
        }
        let old = try LoadResult.decode(json: JSONSerialization.data(withJSONObject: object))
        #expect(old.segment == nil && old.start == nil && old.sentRequests == nil && old.parts.isEmpty)
        let m = try #require(LoadResult.merged([old, old]))
        #expect(m.requests == 200 && m.parts.count == 2 && m.startSkewSeconds == nil && m.segmentProblems.isEmpty)
        #expect(m.summaryText().contains("Start skew: unknown"))
    }
}
