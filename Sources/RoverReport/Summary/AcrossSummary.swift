import Foundation

/// Runs of the same duet comparisons taken on several machines and days, read as one body of
/// evidence (`rover-bench report --across RUN…`): per run, the estimate with its interval and
/// its environment; per environment, its runs pooled; across environments, a random-effects
/// estimate (``RandomEffects``: REML τ², Hartung–Knapp interval), the spread between
/// environments (τ, I²), a prediction interval for a machine not yet measured, and a
/// cross-environment verdict (``AcrossVerdict``).
///
/// An **environment** is a CPU model, a kernel, a core count and a day (UTC): these machines are
/// handed out fresh from a shared fleet, so two days on "the same" CPU model are two machines.
/// Runs from one environment are pooled first (random effects again, REML τ² between the runs;
/// the environment's estimate carries the model's variance 1/Σw into the pooling across
/// environments, and shows a normal 95% interval), so ten sweeps on one machine count as one
/// environment, not ten.
///
/// **Code.** Runs of different commits are pooled by default: a strategy's cost changes only
/// when its code does, which the runs' commits show, and every row says where a difference
/// between runs coincides with a change of commit (``Row/differences``). `byCommit` keeps each
/// commit's runs apart instead.
///
/// Belongs to RoverReport (summary). Built once from the runs' duet summaries, a pure function;
/// exporters only format it. An immutable value; thread-safe.
public struct AcrossSummary: Codable, Sendable, Equatable {
    /// Where a run was measured.
    public struct Environment: Codable, Sendable, Hashable, Comparable {
        public var cpuModel: String
        public var kernel: String
        public var cores: Int
        /// `yyyy-MM-dd` (UTC).
        public var day: String

        public init(cpuModel: String, kernel: String, cores: Int, day: String) {
            self.cpuModel = cpuModel
            self.kernel = kernel
            self.cores = cores
            self.day = day
        }

        public init(_ meta: RunMeta?) {
            self.init(cpuModel: meta?.cpuModel ?? "unknown CPU", kernel: meta?.kernel ?? "unknown kernel",
                      cores: meta?.cores ?? 0, day: String((meta?.timestamp ?? "unknown day").prefix(10)))
        }

        /// `AMD EPYC, 6.18.44-fc-v1252, 2 cores, 2026-12-04`
        public var label: String {
            let cpu = cpuModel.replacingOccurrences(of: "(R)", with: "").replacingOccurrences(of: " Processor", with: "")
            let k = kernel.split(separator: " ").dropFirst().first.map(String.init) ?? kernel
            return "\(cpu), \(k), \(cores) cores, \(day)"
        }

        public static func < (a: Self, b: Self) -> Bool {
            (a.day, a.cpuModel, a.kernel, a.cores) < (b.day, b.cpuModel, b.kernel, b.cores)
        }
    }

    /// One run given to the report.
    public struct Run: Codable, Sendable, Equatable {
        /// The run folder's name.
        public var name: String
        public var environment: Int
        public var commit: String
        public var dirty: Bool
        public var timestamp: String
        /// Its A/A controls said the machine was too noisy: its verdicts are unsettled.
        public var tooNoisy: Bool
    }

    /// One comparison in one run.
    public struct Reading: Codable, Sendable, Equatable {
        public var run: Int
        public var estimate: Estimate
        /// Clusters − 1 (process pairs − 1).
        public var df: Int
        public var verdict: Verdict
        public var settled: Bool
        /// Median CPU µs per request of the cell and of its reference in that run's duet.
        public var cellMicros: Double?
        public var refMicros: Double?
        /// Mechanism counters per request of each side (``DuetSummary/Row``), nil where the run
        /// did not record them.
        public var mechanisms: Mechanisms
    }

    /// Per request, each side: context switches of the server process, wake-ups of its Lua thread.
    public struct Mechanisms: Codable, Sendable, Equatable {
        public var cellSwitches: Double?
        public var refSwitches: Double?
        public var cellWakes: Double?
        public var refWakes: Double?

        /// Medians over several readings.
        static func median(_ ms: [Mechanisms]) -> Mechanisms {
            Mechanisms(cellSwitches: Stats.median(ms.compactMap(\.cellSwitches)), refSwitches: Stats.median(ms.compactMap(\.refSwitches)),
                       cellWakes: Stats.median(ms.compactMap(\.cellWakes)), refWakes: Stats.median(ms.compactMap(\.refWakes)))
        }

        public var isEmpty: Bool { cellSwitches == nil && refSwitches == nil }
    }

    /// One comparison in one environment: its runs pooled (a single run is its own).
    public struct EnvironmentReading: Codable, Sendable, Equatable {
        public var environment: Int
        public var estimate: Estimate
        public var runs: Int
        public var mechanisms: Mechanisms
        /// Median µs per request of the reference at half a core.
        public var refMicros: Double?
        /// A single run's own verdict; several runs' pooled estimate judged by the same rule
        /// (floor, minimum effect; no multiplicity adjustment).
        public var verdict: Verdict
    }

    /// Pairs of runs whose intervals do not overlap, by what changed between them.
    public struct Differences: Codable, Sendable, Equatable {
        /// Same commit, different environment: the environment.
        public var environment = 0
        /// Same environment, different commit: the code.
        public var code = 0
        /// Both changed: cannot be told apart from these runs.
        public var both = 0
        /// Same environment, same commit: run to run.
        public var runToRun = 0

        public var isEmpty: Bool { environment + code + both + runToRun == 0 }
    }

    public struct Row: Codable, Sendable, Equatable {
        /// The comparison's id (``DuetComparison``'s), with `@commit` when kept apart by commit.
        public var id: String
        public var cell: CellKey
        public var reference: CellKey
        public var readings: [Reading]
        public var environments: [EnvironmentReading]
        /// Across environments (nil with one).
        public var pooled: RandomEffects?
        public var verdict: AcrossVerdict
        public var differences: Differences
    }

    public var metric: Metric
    public var environments: [Environment]
    public var runs: [Run]
    public var rows: [Row]
    public var minEffect: Double
    public var floor: Double
    public var byCommit: Bool

    /// One run as the report reads it: its folder name, meta.json and duet summary.
    public struct Input: Sendable {
        public var name: String
        public var meta: RunMeta?
        public var duet: DuetSummary

        public init(name: String, meta: RunMeta?, duet: DuetSummary) {
            self.name = name
            self.meta = meta
            self.duet = duet
        }
    }

    public init(_ inputs: [Input], metric: Metric = .serverCPU, byCommit: Bool = false,
                floor: Double = Verdict.defaultPairedFloor, minEffect: Double = Verdict.defaultPairedMinEffect) {
        self.metric = metric
        self.byCommit = byCommit
        self.floor = floor
        self.minEffect = minEffect
        environments = Array(Set(inputs.map { Environment($0.meta) })).sorted()
        let envIndex = Dictionary(uniqueKeysWithValues: environments.enumerated().map { ($1, $0) })
        runs = inputs.map { input in
            Run(name: input.name, environment: envIndex[Environment(input.meta)]!,
                commit: String((input.meta?.gitCommit ?? "").prefix(7)), dirty: input.meta?.gitDirty ?? false,
                timestamp: input.meta?.timestamp ?? "", tooNoisy: input.duet.machineTooNoisy)
        }
        var byKey: [String: (cell: CellKey, reference: CellKey, readings: [Reading])] = [:]
        var order: [String] = []
        for (i, input) in inputs.enumerated() {
            for row in input.duet.rows where !row.isControl {
                guard let t = metric == .rps ? row.rps : row.cpu else { continue }
                let key = byCommit ? "\(row.id) @ \(runs[i].commit)" : row.id
                if byKey[key] == nil { order.append(key); byKey[key] = (row.cell, row.reference, []) }
                byKey[key]!.readings.append(Reading(
                    run: i, estimate: t.test.estimate, df: t.test.clusters - 1, verdict: t.verdict,
                    settled: (t.settled ?? false) && !input.duet.machineTooNoisy, cellMicros: row.cellCPUMicros,
                    refMicros: row.refCPUMicros,
                    mechanisms: Mechanisms(cellSwitches: row.cellSwitches, refSwitches: row.refSwitches,
                                           cellWakes: row.cellWakes, refWakes: row.refWakes)))
            }
        }
        let polarity = metric.polarity
        let (floor, minEffect) = (floor, minEffect)
        let runs = self.runs
        rows = order.sorted().map { key in
            let (cell, reference, readings) = byKey[key]!
            let perEnv = Dictionary(grouping: readings) { runs[$0.run].environment }.sorted { $0.key < $1.key }
            let envReadings: [(EnvironmentReading, Double, Double)] = perEnv.compactMap { env, rs in
                let studies = rs.compactMap { RandomEffects.study($0.estimate, df: $0.df) }
                guard !studies.isEmpty else { return nil }
                let mechanisms = Mechanisms.median(rs.map(\.mechanisms))
                let refMicros = Stats.median(rs.compactMap(\.refMicros))
                if studies.count == 1, let r = rs.first {
                    return (EnvironmentReading(environment: env, estimate: r.estimate, runs: 1, mechanisms: mechanisms,
                                               refMicros: refMicros, verdict: r.verdict),
                            studies[0].y, studies[0].v)
                }
                guard let pooled = RandomEffects(logRatios: studies.map(\.y), variances: studies.map(\.v)) else { return nil }
                let half = 1.959964 * pooled.modelVariance.squareRoot()
                let estimate = Estimate(value: exp(pooled.mean),
                                        interval: Interval(lower: exp(pooled.mean - half), upper: exp(pooled.mean + half)),
                                        count: rs.reduce(0) { $0 + $1.estimate.count })
                let verdict = Verdict.judge(estimate, polarity: polarity, floor: floor, minEffect: minEffect)
                return (EnvironmentReading(environment: env, estimate: estimate, runs: rs.count, mechanisms: mechanisms,
                                           refMicros: refMicros, verdict: verdict),
                        pooled.mean, pooled.modelVariance)
            }
            let pooled = envReadings.count >= 2
                ? RandomEffects(logRatios: envReadings.map(\.1), variances: envReadings.map(\.2)) : nil
            let verdict = AcrossVerdict.judge(readings: envReadings.map(\.0.verdict), environments: envReadings.count,
                                              prediction: pooled?.prediction, polarity: polarity, minEffect: minEffect)
            return Row(id: key, cell: cell, reference: reference, readings: readings, environments: envReadings.map(\.0),
                       pooled: pooled, verdict: verdict, differences: Self.differences(readings, runs))
        }
    }

    /// Pairs of readings whose intervals do not overlap, by what changed between their runs.
    static func differences(_ readings: [Reading], _ runs: [Run]) -> Differences {
        var d = Differences()
        for (i, a) in readings.enumerated() {
            for b in readings[(i + 1)...] {
                let apart = a.estimate.interval.upper < b.estimate.interval.lower || b.estimate.interval.upper < a.estimate.interval.lower
                guard apart else { continue }
                let (ra, rb) = (runs[a.run], runs[b.run])
                switch (ra.environment == rb.environment, ra.commit == rb.commit) {
                case (true, true): d.runToRun += 1
                case (true, false): d.code += 1
                case (false, true): d.environment += 1
                case (false, false): d.both += 1
                }
            }
        }
        return d
    }
}

/// What a comparison says across the environments it was measured in.
///
/// Belongs to RoverReport (summary). A pure rule: ``judge(readings:environments:prediction:polarity:minEffect:)``.
public enum AcrossVerdict: String, Codable, Sendable, CaseIterable {
    /// Every run reads the same direction, and the prediction interval for a new machine lies
    /// wholly beyond the minimum effect on that side.
    case holds = "holds on every machine measured"
    /// Runs disagree (faster on one machine, slower or no difference on another), or they
    /// agree but the prediction interval for a new machine reaches the other side of 1.
    case hostDependent = "host-dependent"
    /// Every run reads "no difference".
    case noDifference = "no difference anywhere"
    /// No run disagrees with another, but some run could not tell (inconclusive, too few).
    case inconclusive = "inconclusive somewhere"
    /// Every run is from one environment: nothing is known about other machines.
    case oneEnvironment = "one environment only"

    public static func judge(readings: [Verdict], environments: Int, prediction: Interval?,
                             polarity: Metric.Polarity, minEffect: Double) -> AcrossVerdict {
        guard environments >= 2, let prediction else { return .oneEnvironment }
        let kinds = Set(readings)
        if kinds == [.noDifference] { return .noDifference }
        let directions = kinds.intersection([.faster, .slower])
        if directions.count == 2 { return .hostDependent }
        if kinds.count == 1, let d = directions.first {
            // "faster" is a lower ratio for CPU per request, a higher one for req/s.
            let lowerIsTheDirection = (d == .faster) == (polarity == .lowerIsBetter)
            let clears = lowerIsTheDirection ? prediction.upper < 1 - minEffect : prediction.lower > 1 + minEffect
            return clears ? .holds : .hostDependent
        }
        if !directions.isEmpty && kinds.contains(.noDifference) { return .hostDependent }
        if prediction.lower < 1 && prediction.upper > 1 && !directions.isEmpty { return .hostDependent }
        return .inconclusive
    }
}
