public import Foundation

extension RunDirectory {
    /// The run folders named by `paths`: a folder holding pairs.csv is a run; any other folder
    /// stands for the run folders directly inside it (`Results/`, a folder of repeated sweeps),
    /// sorted by name. Throws ``AcrossInputError`` naming a path that is neither.
    public static func runFolders(_ paths: [String]) throws(AcrossInputError) -> [RunDirectory] {
        let fm = FileManager.default
        var out: [RunDirectory] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            if RunDirectory(url: url).hasPairs {
                out.append(RunDirectory(url: url))
                continue
            }
            guard let names = try? fm.contentsOfDirectory(atPath: url.path) else { throw .notAFolder(path) }
            let runs = names.sorted().map { url.appendingPathComponent($0) }
                .filter { RunDirectory(url: $0).hasPairs }
            guard !runs.isEmpty else { throw .noRuns(path) }
            out += runs.map { RunDirectory(url: $0) }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0.url.standardizedFileURL.path).inserted }
    }

    /// This run as `report --across` reads it: meta.json and its duet judged by its own saved
    /// rules, each overridden by `floor` / `minEffect` when given.
    public func acrossInput(floor: Double? = nil, minEffect: Double? = nil) throws -> AcrossSummary.Input {
        let records = try PairLog.read(pairsCSV)
        let rules = JudgingRules.resolve(saved: readJudgingRules(), pairedFloor: floor, minEffect: minEffect)
        return AcrossSummary.Input(name: url.lastPathComponent, meta: readMeta(),
                                   duet: DuetSummary(records: records, floor: rules.pairedFloor, minEffect: rules.minEffect))
    }
}

/// A path given to `report --across` that holds no run.
public enum AcrossInputError: Error, Equatable, Sendable, CustomStringConvertible {
    case notAFolder(String)
    case noRuns(String)

    public var description: String {
        switch self {
        case .notAFolder(let p): "'\(p)' is not a folder"
        case .noRuns(let p): "'\(p)' holds no pairs.csv, and no folder inside it does (not a run with a duet phase)"
        }
    }
}
