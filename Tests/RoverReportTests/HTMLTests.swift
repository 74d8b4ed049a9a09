import Foundation
import Testing
@testable import RoverReport
import RoverKinds

@Suite struct HTMLTests {
    static let hgrm = """
           Value     Percentile TotalCount 1/(1-Percentile)

         120.000 0.000000000000          1           1.00
         250.000 0.500000000000        500           2.00
         400.000 0.900000000000        900          10.00
         900.000 0.990000000000        990         100.00
        1500.000 0.999000000000        999        1000.00
        2100.000 1.000000000000       1000
    #[Mean    =      280.000, StdDeviation   =       90.000]
    #[Max     =     2100.000, Total count    =         1000]
    #[Buckets =           20, SubBuckets     =         2048]

    """

    @Test func parsesPlainAndCSVHgrm() throws {
        let plain = try PercentileCurve.parse(Self.hgrm)
        #expect(plain.points.count == 6)
        #expect(plain.points[1] == .init(value: 250, percentile: 0.5, totalCount: 500))
        #expect(plain.points.last == .init(value: 2100, percentile: 1, totalCount: 1000))
        let csv = """
        "Value","Percentile","TotalCount","1/(1-Percentile)"
        250.000,0.500000000000,500,2.00
        2100.000,1.000000000000,1000,Infinity

        """
        #expect(try PercentileCurve.parse(csv).points.map(\.value) == [250, 2100])
        // rover-bench's files are in ms: the run folder reads them ×1000 into µs.
        #expect(try PercentileCurve.parse(csv, valueScale: 1000).points.map(\.value) == [250_000, 2_100_000])
        #expect(throws: HgrmError.noData) { try PercentileCurve.parse("#[Mean = 1]\n") }
        #expect(throws: HgrmError.badRow(line: 1)) { try PercentileCurve.parse("10 1.5 3\n") }
    }

    @Test func pageIsSelfContainedWithStableChartHooks() throws {
        let summary = Summary(records: Fixtures.constantRuns())
        let curves = ["params-only.lazy.mutex-pool.w2.c64": try PercentileCurve.parse(Self.hgrm)]
        let html = HTMLExporter.render(summary, curves: curves)
        for id in HTMLExporter.chartIDs { #expect(html.contains("<section class=\"chart\" id=\"\(id)\">")) }
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("https://"))
        #expect(html.contains("<script type=\"application/json\" id=\"report-data\">"))
        #expect(html.contains("<td><code>params-only.lazy.channel.w2.c64</code></td><td>10/0</td><td>25000 [25000, 25000]</td>"))
        #expect(html.contains("<tr><td>Both</td><td>params-only, 2 workers, 64 conn</td><td>lazy + mutex-pool</td>"
            + "<td>+56.0%</td><td>+50.0% [+50.0%, +50.0%]</td><td>faster</td><td>smaller than claimed</td></tr>"))
    }

    @Test func chartDataCarriesIntervalsAndCurves() throws {
        let summary = Summary(records: Fixtures.runs())
        let curves = ["params-only.lazy.mutex-pool.w2.c64": try PercentileCurve.parse(Self.hgrm)]
        let data = HTMLExporter.chartData(summary, curves)
        #expect(data.cells.map(\.id) == summary.cells.map(\.key.id))
        let lazyPool = try #require(data.cells.last)
        #expect(lazyPool.rps?.v == 30_000 && lazyPool.cpu?.v == 33)
        #expect(lazyPool.rps?.lo == summary.cells.last?.rps?.interval.lower)
        #expect(data.cells.first?.baseline == true && lazyPool.baseline == false)
        #expect(data.curves.count == 4)
        let hgrmCurve = try #require(data.curves.first { $0.source == "hgrm" })
        #expect(hgrmCurve.cell == "params-only.lazy.mutex-pool.w2.c64")
        #expect(hgrmCurve.points.first == [0, 120] && hgrmCurve.points.last == [0.999, 2100])
        let fallback = try #require(data.curves.first)
        #expect(fallback.source == "medians" && fallback.points.map { $0[0] } == [0.5, 0.9, 0.99, 0.999])
    }

    /// Latency curves are small multiples: one panel per load group, at most 8 lines each.
    @Test func latencyPanelsHoldOneLoadAndAtMostEightLines() {
        var runs: [RunRecord] = []
        for c in ContextKind.allCases {
            for d in [DispatcherKind.channel, .mutexPool, .affine] {
                runs.append(Fixtures.run(Fixtures.key(c, d), repeat: 0, rps: 1000, cpu: 10, closures: 1, allocs: 1, handoffs: 0))
            }
        }
        var other = Fixtures.key(.eager, .channel)
        other.connections = 8
        runs.append(Fixtures.run(other, repeat: 0, rps: 1000, cpu: 10, closures: 1, allocs: 1, handoffs: 0))
        let data = HTMLExporter.chartData(Summary(records: runs), [:])
        let panels = Dictionary(grouping: data.curves, by: \.panel)
        #expect(data.curves.count == 16)
        #expect(panels.count == 3)
        #expect(panels.values.allSatisfy { $0.count <= HTMLChartData.linesPerPanel })
        #expect(panels.values.allSatisfy { Set($0.map { Fixtures.group(of: $0.cell) }).count == 1 })
        #expect(panels.keys.sorted() == ["params-only, 2 workers, 64 conn (1/2)", "params-only, 2 workers, 64 conn (2/2)",
                                         "params-only, 2 workers, 8 conn"])
        #expect(data.curves.first?.label == "eager + channel")
    }

    @Test func embeddedJSONCannotCloseTheScript() {
        var r = Fixtures.constantRuns()
        for i in r.indices where r[i].key.context == .lazy { r[i].key.scenario = "</script><!--x" }
        let html = HTMLExporter.render(Summary(records: r))
        let start = html.range(of: "id=\"report-data\">")!.upperBound
        let end = html.range(of: "</script>", range: start..<html.endIndex)!.lowerBound
        let json = String(html[start..<end])
        #expect(json.contains("<\\/script>") && !json.contains("<!--"))
    }
}
