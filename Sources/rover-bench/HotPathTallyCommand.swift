import ArgumentParser
import Foundation
import RoverReport

/// `rover-bench hotpath-tally --target T --marks FILE --strace FILE --n1 N --n2 N [--header]`:
/// Scripts/hotpath.sh's arithmetic (``HotPathCounts/rows(target:allocationMarks:strace:n1:n2:)``),
/// printing the target's `hotpath.csv` rows. Hidden: a helper of the script, not a tool.
struct HotPathTallyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotpath-tally", abstract: "Per-request rows from hotpath.sh's marks (helper).",
        shouldDisplay: false)

    @Option var target: String
    @Option(help: "The interposer's marks: one running allocation total per line.") var marks: String
    @Option(help: "The strace -f -o log with the SIGUSR2 marks.") var strace: String
    @Option var n1: Int
    @Option var n2: Int
    @Flag(help: "Print the CSV header first.") var header = false

    func run() throws {
        guard let marksText = try? String(contentsOfFile: marks, encoding: .utf8),
              let log = FileManager.default.contents(atPath: strace) else {
            printErr("error: hotpath-tally: cannot read \(marks) or \(strace)")
            throw ExitCode(GateOutcome.usageExitCode)
        }
        let totals = marksText.split(separator: "\n").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        do {
            let rows = try HotPathCounts.rows(target: target, allocationMarks: totals,
                                              strace: Substring(String(decoding: log, as: UTF8.self)), n1: n1, n2: n2)
            print(HotPathCounts.csv(rows, requests: n2 - n1, header: header), terminator: "")
        } catch {
            printErr("error: \(error)")
            throw ExitCode(1)
        }
    }
}
