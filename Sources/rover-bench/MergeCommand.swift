import ArgumentParser
import Foundation
import RoverLoad

/// `rover-bench merge A.json B.json …`: combines the `--json` results of generator processes
/// that ran at the same time against one server into one exact result (histograms add bucket
/// by bucket). Thin over `LoadResult.decode` and `LoadResult.merged`.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge load results (--json files) from several generator processes into one."
    )

    @Argument(help: "Result files written by `rover-bench load --json`.")
    var files: [String]
    @Option(help: "Write the merged result as JSON to this file.")
    var json: String?
    @Option(help: "Write the merged latency distribution (.hgrm) to this file; open loop writes the corrected one.")
    var hgrm: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("merge needs at least one result file") }
        for f in files where !FileManager.default.isReadableFile(atPath: f) {
            throw ValidationError("cannot read result file '\(f)'")
        }
    }

    func run() throws {
        var parts: [LoadResult] = []
        for f in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: f))
            do { parts.append(try LoadResult.decode(json: data)) } catch {
                throw ValidationError("'\(f)' is not a rover-bench load result: \(error)")
            }
        }
        guard let merged = LoadResult.merged(parts) else { return }
        print(merged.summaryText(), terminator: "")
        if let json { try merged.jsonEncoded().write(to: URL(fileURLWithPath: json)) }
        if let hgrm {
            try LoadResult.hgrm(merged.correctedLatency ?? merged.latency).write(toFile: hgrm, atomically: true, encoding: .utf8)
        }
    }
}
