import Foundation
import Testing
@testable import RoverReport
import RoverKinds

/// `report --across`: runs from several environments read as one body of evidence.
@Suite struct AcrossSummaryTests {
    static let base = DuetSummaryTests.base
    static let lazy = DuetSummaryTests.lazy

    static func meta(cpu: String, kernel: String, day: String, commit: String) -> RunMeta {
        RunMeta(timestamp: "\(day)T10:00:00Z", host: "vm", cpuModel: cpu, cores: 2, kernel: "Linux \(kernel) x86_64",
                os: "Debian", swiftVersion: "6.3.1", luaVersion: "5.4.4", buildConfiguration: "release",
                gitCommit: commit + "0000000000", gitDirty: false, commandLine: [])
    }

    /// One run: an A/A control and `lazy` at `truth`.
    static func run(_ name: String, _ meta: RunMeta, truth: Double, seed: UInt64) -> AcrossSummary.Input {
        let records = DuetSummaryTests.windows(base, control: true, truth: 1, starts: 20, windows: 2, seed: seed)
            + DuetSummaryTests.windows(lazy, truth: truth, starts: 20, windows: 2, seed: seed + 1)
        return AcrossSummary.Input(name: name, meta: meta, duet: DuetSummary(records: records))
    }

    @Test(arguments: [
        // (per-environment verdicts, prediction interval, expected)
        ([Verdict.faster, .faster, .faster], (0.80, 0.95), AcrossVerdict.holds),
        ([.faster, .faster], (0.80, 1.02), .hostDependent),          // agree, but a new machine could read slower
        ([.faster, .faster], (0.80, 0.997), .hostDependent),         // does not clear the minimum effect
        ([.faster, .slower], (0.9, 1.1), .hostDependent),
        ([.faster, .noDifference], (0.97, 1.003), .hostDependent),
        ([.noDifference, .noDifference], (0.99, 1.01), .noDifference),
        ([.faster, .inconclusive], (0.90, 0.99), .inconclusive),
        ([.slower, .slower], (1.02, 1.3), .holds),
    ] as [([Verdict], (Double, Double), AcrossVerdict)])
    func verdictRules(readings: [Verdict], prediction: (Double, Double), expected: AcrossVerdict) {
        let v = AcrossVerdict.judge(readings: readings, environments: readings.count,
                                    prediction: Interval(lower: prediction.0, upper: prediction.1),
                                    polarity: .lowerIsBetter, minEffect: 0.005)
        #expect(v == expected)
        #expect(AcrossVerdict.judge(readings: [.faster], environments: 1, prediction: nil, polarity: .lowerIsBetter,
                                    minEffect: 0.005) == .oneEnvironment)
        // req/s: "faster" is a higher ratio.
        #expect(AcrossVerdict.judge(readings: [.faster, .faster], environments: 2, prediction: Interval(lower: 1.05, upper: 1.2),
                                    polarity: .higherIsBetter, minEffect: 0.005) == .holds)
    }

    /// Three environments that disagree in size (−10%, −14%, −20%) and one whose two runs agree:
    /// runs of one environment pool first; the pooled estimate lies between; the prediction
    /// interval is wider than the pooled one; differences are attributed to what changed.
    @Test func poolsEnvironmentsNotRuns() throws {
        let intelA = Self.meta(cpu: "Intel Xeon", kernel: "6.18-v657", day: "2026-12-02", commit: "aaaaaaa")
        let intelB = Self.meta(cpu: "Intel Xeon", kernel: "6.18-v657", day: "2026-12-02", commit: "bbbbbbb")
        let amd1 = Self.meta(cpu: "AMD EPYC", kernel: "6.18-v669", day: "2026-12-01", commit: "aaaaaaa")
        let amd4 = Self.meta(cpu: "AMD EPYC", kernel: "6.18-v1252", day: "2026-12-04", commit: "bbbbbbb")
        let s = AcrossSummary([
            Self.run("r1", intelA, truth: 0.90, seed: 10), Self.run("r2", intelB, truth: 0.90, seed: 20),
            Self.run("r3", amd1, truth: 0.86, seed: 30), Self.run("r4", amd4, truth: 0.80, seed: 40),
        ])
        #expect(s.environments.count == 3 && s.runs.count == 4)
        #expect(s.environments.map(\.day) == ["2026-12-01", "2026-12-02", "2026-12-04"])
        let row = try #require(s.rows.first)
        #expect(row.readings.count == 4 && row.environments.count == 3)
        #expect(row.environments.first { $0.runs == 2 }?.environment == 1)
        let pooled = try #require(row.pooled)
        #expect(pooled.k == 3 && pooled.estimate.value > 0.80 && pooled.estimate.value < 0.90)
        #expect(pooled.prediction.lower < pooled.estimate.interval.lower && pooled.prediction.upper > pooled.estimate.interval.upper)
        #expect(pooled.tau > 0.03 && pooled.iSquared > 0.9)
        // All faster, but three machines spread from −10% to −20%: t(2) makes the prediction wide.
        #expect(row.environments.allSatisfy { $0.verdict == .faster })
        #expect(row.verdict == (pooled.prediction.upper < 0.995 ? .holds : .hostDependent))
        // r1 vs r2: same environment, same effect (no difference beyond intervals). r3 vs r1:
        // same commit, other environment; r4 vs r1: both changed; r4 vs r2: same commit, other environment.
        #expect(row.differences.environment >= 2 && row.differences.both >= 1 && row.differences.code == 0)
        let md = AcrossMarkdown.render(s)
        #expect(md.contains("| E2 | Intel Xeon, 6.18-v657, 2 cores, 2026-12-02 | r1 (aaaaaaa), r2 (bbbbbbb) |"))
        #expect(md.contains("(2 runs)") && md.contains("new machine (95% PI)"))
        // --by-commit keeps the commits apart: two rows.
        let apart = AcrossSummary([Self.run("r1", intelA, truth: 0.90, seed: 10), Self.run("r4", amd4, truth: 0.80, seed: 40)],
                                  byCommit: true)
        #expect(apart.rows.count == 2 && apart.rows.allSatisfy { $0.verdict == .oneEnvironment })
    }

    @Test func oneEnvironmentSaysSo() throws {
        let m = Self.meta(cpu: "AMD EPYC", kernel: "6.18-v1252", day: "2026-12-04", commit: "ccccccc")
        let s = AcrossSummary([Self.run("a", m, truth: 0.9, seed: 1), Self.run("b", m, truth: 0.9, seed: 3)])
        let row = try #require(s.rows.first)
        #expect(row.verdict == .oneEnvironment && row.pooled == nil && row.environments.first?.runs == 2)
        #expect(AcrossMarkdown.render(s).contains("one environment only"))
    }

    /// A run whose A/A control was too noisy contributes its estimate, but its readings are
    /// marked unsettled and the run is flagged.
    @Test func aTooNoisyRunIsFlagged() throws {
        let m = Self.meta(cpu: "AMD EPYC", kernel: "6.18-v1252", day: "2026-12-04", commit: "ccccccc")
        var control = DuetSummaryTests.windows(Self.base, control: true, truth: 1, starts: 20, windows: 2, seed: 5)
        for i in control.indices { control[i].cellCPUNanos *= 0.988 }
        let d = DuetSummary(records: control + DuetSummaryTests.windows(Self.lazy, truth: 0.9, starts: 20, windows: 2, seed: 6))
        let s = AcrossSummary([AcrossSummary.Input(name: "noisy", meta: m, duet: d)])
        #expect(s.runs[0].tooNoisy && s.rows[0].readings[0].settled == false)
        #expect(AcrossMarkdown.render(s).contains("**too noisy**"))
    }

    @Test func runFoldersExpandAndRefuseNonRuns() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("across-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["b-run", "a-run"] {
            let dir = root.appendingPathComponent("set/\(name)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(PairLog.encode(DuetSummaryTests.windows(Self.lazy, truth: 0.9, starts: 3, windows: 1)).utf8)
                .write(to: dir.appendingPathComponent(PairLog.fileName))
        }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let runs = try RunDirectory.runFolders([root.appendingPathComponent("set").path, root.appendingPathComponent("set/a-run").path])
        #expect(runs.map(\.url.lastPathComponent) == ["a-run", "b-run"])
        #expect(throws: AcrossInputError.noRuns(root.appendingPathComponent("empty").path)) {
            try RunDirectory.runFolders([root.appendingPathComponent("empty").path])
        }
        let input = try runs[0].acrossInput()
        #expect(input.meta == nil && input.duet.rows.count == 1)
    }
}
