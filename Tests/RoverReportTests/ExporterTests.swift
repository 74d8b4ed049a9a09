import Foundation
import Testing
@testable import RoverReport

/// Exporters over the constant fixture: every interval is a point, every ratio exact
/// (25000/20000 = 1.25, 24000/20000 = 1.2, 30000/20000 = 1.5, CPU 40/50 = 0.8, 42/50 = 0.84).
@Suite struct ExporterTests {
    let summary = Summary(records: Fixtures.constantRuns())

    @Test func claimedVsMeasuredTable() {
        let expected = """
        ### Claimed vs measured (throughput)

        | Claim | Load | Cell vs eager + channel | Claimed | Measured [95% CI] | Verdict | Claim vs interval |
        |---|---|---|---:|---:|---|---|
        | Lazy context | params-only, 2 workers, 64 conn | lazy + channel | +26.0% | +25.0% [+25.0%, +25.0%] | faster (sequential, n=10 rounds) | smaller than claimed |
        | VM pool instead of channels | params-only, 2 workers, 64 conn | eager + mutex-pool | +24.0% | +20.0% [+20.0%, +20.0%] | faster (sequential, n=10 rounds) | smaller than claimed |
        | Both | params-only, 2 workers, 64 conn | lazy + mutex-pool | +56.0% | +50.0% [+50.0%, +50.0%] | faster (sequential, n=10 rounds) | smaller than claimed |


        """
        #expect(MarkdownExporter.claimsTable(summary) == expected)
    }

    @Test func seedTableOneHasTheSeedRowsWithMeasuredValues() {
        let expected = """
        ### Seed table 1 — eager vs lazy context (channel dispatcher), params-only, 2 workers, 64 conn

        | Metric | Eager (current) | Lazy (proposed) | Measured change | Verdict | Seed claimed |
        |---|---:|---:|---:|---|---|
        | Closures created per request | 4 | 1 | -75.0% | — | 4 → 1 (75% reduction) |
        | Time per request (server CPU) | 50.0 [50.0, 50.0] µs | 40.0 [40.0, 40.0] µs | -20.0% [-20.0%, -20.0%] | faster (sequential, n=10 rounds) | 42μs → 28μs (33% faster) |
        | Throughput | 20000 [20000, 20000] req/s | 25000 [25000, 25000] req/s | +25.0% [+25.0%, +25.0%] | faster (sequential, n=10 rounds) | 155k → 195k req/s (+26%) |


        """
        #expect(SeedTables.lazyTable(summary, Fixtures.group) == expected)
    }

    @Test func seedTableTwoHasTheSeedRowsWithMeasuredValues() {
        let expected = """
        ### Seed table 2 — channels vs direct pool (eager context), params-only, 2 workers, 64 conn

        | Metric | Channels (current) | Direct (mutex-pool) | Measured change | Verdict | Seed claimed |
        |---|---:|---:|---:|---|---|
        | Context switches per request | 2 [2, 2] | 0 [0, 0] | -100.0% [-100.0%, -100.0%] | faster (sequential, n=10 runs, unpaired) | 2-4 → 0 |
        | Channel hand-offs per request | 2 | 0 | -100.0% | — | 2 (oneshot) → 0 |
        | Avg latency | 3200 [3200, 3200] µs | 2667 [2667, 2667] µs | -16.7% [-16.7%, -16.7%] | faster (sequential, n=10 rounds) | 6.33ms → 4.8ms (24% faster) |
        | P99 latency | 6400 [6400, 6400] µs | 5333 [5333, 5333] µs | -16.7% [-16.7%, -16.7%] | faster (sequential, n=10 rounds) | 7.17ms → 5.4ms (25% faster) |
        | Throughput @ 64 conn | 20000 [20000, 20000] req/s | 24000 [24000, 24000] req/s | +20.0% [+20.0%, +20.0%] | faster (sequential, n=10 rounds) | 157k → 195k req/s @ 1000 conn (+24%) |


        """
        #expect(SeedTables.poolTable(summary, Fixtures.group) == expected)
    }

    @Test func markdownDocumentOrderAndCellRows() {
        let md = MarkdownExporter.render(summary)
        let order = ["## rover-bench results", "### Claimed vs measured", "### Seed table 1", "### Seed table 2", "### All cells"]
        let positions = order.compactMap { md.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count && positions == positions.sorted())
        #expect(md.contains("2000 resamples, seed 0x524F56455242454E"))
        #expect(md.contains(
            "| `params-only.lazy.channel.w2.c64` | 10/0 | 25000 [25000, 25000] | +25.0% [+25.0%, +25.0%] faster "
            + "| 2304 [2304, 2304] | 5120 [5120, 5120] | 40.0 [40.0, 40.0] | -20.0% [-20.0%, -20.0%] faster "
            + "| 1 | 8 | 2 | 0.0% | 0.0% |\n"))
        #expect(md.contains("| `params-only.eager.channel.w2.c64` | 10/0 | 20000 [20000, 20000] | baseline |"))
    }

    @Test func missingCellsAreSaidNotInvented() {
        let onlyBaseline = Summary(records: Fixtures.constantRuns().filter { $0.key.isBaseline })
        let md = MarkdownExporter.claimsTable(onlyBaseline)
        #expect(md.contains("| Lazy context | params-only, 2 workers, 64 conn | not run | +26.0% | — | — | — |"))
        #expect(SeedTables.lazyTable(onlyBaseline, Fixtures.group) == "")
    }

    @Test func summaryCSVRows() throws {
        let csv = SummaryCSVExporter.render(summary)
        let rows = CSV.parse(csv).rows
        #expect(rows.count == 5)
        #expect(rows[0] == SummaryCSVExporter.columns)
        let header = rows[0]
        func field(_ row: [String], _ name: String) -> String { row[header.firstIndex(of: name)!] }
        let base = rows[1], lazy = rows[3]
        #expect(field(base, "cell") == "params-only.eager.channel.w2.c64")
        #expect(field(base, "baseline_cell") == "" && field(base, "rps_verdict") == "")
        #expect(field(lazy, "rps_median") == "25000.0")
        #expect(field(lazy, "rps_ratio") == "1.25" && field(lazy, "rps_verdict") == "faster")
        #expect(field(lazy, "server_cpu_ratio") == "0.8" && field(lazy, "server_cpu_verdict") == "faster")
        #expect(field(lazy, "closures_per_req_median") == "1.0")
        #expect(field(lazy, "baseline_cell") == "params-only.eager.channel.w2.c64")
        #expect(field(lazy, "rps_cv") == "0.0")
    }

    @Test func jsonRoundTrips() throws {
        let text = JSONExporter.render(summary)
        let doc = try JSONExporter.decode(Data(text.utf8))
        #expect(doc.schema == 1)
        #expect(doc.summary == summary)
        #expect(doc.claims == summary.claimChecks())
        #expect(text.contains("\"closures_per_req\" : 1"))
    }
}
