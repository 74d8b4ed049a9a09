import Foundation
import Testing
@testable import RoverReport
import RoverTestSupport

/// The README's findings come from committed runs: its pooled block is exactly what
/// `report --across` gives over `Results/findings.runs`, its one-run block is what `report`
/// gives for the run it names, and every percentage the "In brief" prose quotes is in the
/// pooled block.
@Suite struct ReadmeFindingsTests {
    static let root = Repository.root

    static func readme() throws -> String {
        try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    }

    static func block(_ text: String, _ markers: (begin: String, end: String)) throws -> String {
        let b = try #require(text.range(of: markers.begin), "README.md lacks \(markers.begin)")
        let e = try #require(text.range(of: markers.end), "README.md lacks \(markers.end)")
        return String(text[b.upperBound..<e.lowerBound]).trimmingCharacters(in: .newlines)
    }

    static func pooled() throws -> AcrossSummary {
        let list = try String(contentsOf: root.appendingPathComponent("Results/findings.runs"), encoding: .utf8)
        let paths = list.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(paths.count >= 2, "the findings need runs from at least two environments")
        let runs = try RunDirectory.runFolders(paths.map { root.appendingPathComponent($0).path })
        let summary = AcrossSummary(try runs.map { try $0.acrossInput() })
        #expect(summary.environments.count >= 2)
        return summary
    }

    @Test func thePooledBlockIsWhatTheCommittedRunsGive() throws {
        let expected = AcrossMarkdown.render(try Self.pooled()).trimmingCharacters(in: .newlines)
        let actual = try Self.block(try Self.readme(), MarkerBlock.across)
        #expect(actual == expected, "README.md's pooled block is stale: run Scripts/findings.sh")
    }

    @Test func theOneRunBlockIsWhatItsRunGives() throws {
        let text = try Self.readme()
        let actual = try Self.block(text, (MarkerBlock.begin, MarkerBlock.end))
        // The run the README names for its tables: "rover-bench report Results/<run> --update README.md".
        let pattern = try #require(text.firstMatch(of: /rover-bench report\s+(Results\/[0-9TZ]+-[A-Za-z0-9.-]+)\s+--update README\.md/))
        let dir = RunDirectory(url: Self.root.appendingPathComponent(String(pattern.1)))
        let pairs = try PairLog.read(dir.url.appendingPathComponent(PairLog.fileName))
        let summary = Summary(records: try RunLog.read(dir.runsCSV).records, pairs: pairs)
        #expect(actual == MarkdownExporter.render(summary).trimmingCharacters(in: .newlines),
                "README.md's tables are stale: run rover-bench report \(pattern.1) --update README.md")
    }

    /// Every signed percentage in "In brief" (−2.9%, +11.3%, …) appears in the pooled block.
    @Test func inBriefQuotesOnlyThePooledBlock() throws {
        let text = try Self.readme()
        let start = try #require(text.range(of: "**In brief**"))
        let end = try #require(text.range(of: "Reading the block:", range: start.upperBound..<text.endIndex))
        let prose = text[start.upperBound..<end.lowerBound].replacingOccurrences(of: "−", with: "-")
        let block = try Self.block(text, MarkerBlock.across)
        let figures = prose.matches(of: /[+-][0-9]+\.[0-9]%/).map { String($0.output) }
        #expect(figures.count >= 20)
        for figure in figures {
            #expect(block.contains(figure), "README 'In brief' quotes \(figure), which the pooled block does not show")
        }
        // A figure quoted with its interval is quoted whole.
        let withIntervals = prose.matches(of: /[+-][0-9]+\.[0-9]% \[[+-][0-9]+\.[0-9]%, [+-][0-9]+\.[0-9]%\]/).map { String($0.output) }
        #expect(withIntervals.count >= 4)
        for figure in withIntervals {
            #expect(block.contains(figure), "README 'In brief' quotes \(figure), which the pooled block does not show")
        }
    }
}
