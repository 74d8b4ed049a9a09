import Foundation
public import RoverKinds
public import RoverReport

/// The latency phase: the seed's latency claims (table 2: mean and P99, channel against a VM
/// pool, at 1000 connections) asked where latency carries evidence of its own.
///
/// Closed-loop latency at saturation is connections ÷ throughput (Little's law) and repeats the
/// throughput comparison. So this phase drives each cell in an **open loop at a fixed rate**
/// (coordinated-omission corrected, as `--rate` is), at fixed **fractions of the reference's
/// measured capacity** (`eager` + `channel` alone, closed loop, at the same connection count:
/// ``Capacity``), where queueing differs between strategies. Every cell of a family gets the same
/// absolute rate, so a pool with more capacity runs at a lower utilisation, which is the seed's
/// claim. Trials are short, interleaved in rounds in a fresh random order each round (RMIT), and
/// compared paired by round (Student-t over rounds, Benjamini–Hochberg across the run) on mean,
/// p50, p99 and p99.9 by the sequential summary (each (connections, rate) point is its own
/// load group with its own baseline).
///
/// Belongs to RoverRunner. A value, saved as latency.json in the run folder (so `--resume` keeps
/// the measured capacities and rates); ``plans(base:)`` is pure and pinned by a test.
public struct LatencyPlan: Sendable, Equatable, Codable {
    /// Fractions of the reference's capacity (default 0.5 and 0.8).
    public var fractions: [Double]
    /// Connection counts (default 64, the sweep's, and 1000, the seed's).
    public var connections: [Int]
    public var rounds: Int
    public var duration: Double
    public var warmup: Double
    /// The strategies measured (the reference first).
    public var pairs: [SweepPlan.StrategyPair]
    public var seed: UInt64
    /// What was measured to choose the rates.
    public var capacities: [Capacity]
    /// How the phase measures: nil (plans written before the duet) is ``Method/sequential``.
    public var method: Method?

    /// Sequential trials (each cell alone, interleaved rounds, runs.csv; capacity: the reference
    /// alone) or a duet (the cell and the reference at once at the same rate, latency-duet.csv;
    /// capacity: per side at half a core).
    public enum Method: String, Sendable, Codable, CaseIterable {
        case sequential, duet
    }

    public var resolvedMethod: Method { method ?? .sequential }

    /// The latency duet's stages: after the first `rounds`, each point whose mean or P99 verdict
    /// is not settled gets `rounds` more pairs, up to this many stages; nil (plans written before
    /// it existed): 1.
    public var stages: Int?

    /// Stages the latency duet may take (at least 1).
    public var stageCount: Int { max(stages ?? 1, 1) }

    /// One family of cells that share a reference: runtime, scenario, workers.
    public struct Family: Sendable, Equatable, Hashable, Codable {
        public var runtime: LuaRuntime
        public var scenario: String
        public var workers: Int
        public init(runtime: LuaRuntime, scenario: String, workers: Int) {
            self.runtime = runtime
            self.scenario = scenario
            self.workers = workers
        }
    }

    /// The reference's closed-loop throughput alone at one connection count: each calibration
    /// trial's req/s and their median, the capacity the rates are fractions of.
    public struct Capacity: Sendable, Equatable, Codable {
        public var family: Family
        public var connections: Int
        public var trials: [Double]
        public var rps: Double
        public init(family: Family, connections: Int, trials: [Double], rps: Double) {
            self.family = family
            self.connections = connections
            self.trials = trials
            self.rps = rps
        }
    }

    public init(fractions: [Double], connections: [Int], rounds: Int, duration: Double, warmup: Double,
                pairs: [SweepPlan.StrategyPair], seed: UInt64, capacities: [Capacity] = []) {
        self.fractions = fractions
        self.connections = connections
        self.rounds = rounds
        self.duration = duration
        self.warmup = warmup
        self.pairs = pairs
        self.seed = seed
        self.capacities = capacities
    }

    /// The seed's table 2 asks channel against a pool with the `eager` context: those cells of
    /// `base`, the reference first; empty when `base` has no `eager` + `channel` or no pool.
    public static func tableTwoPairs(of base: SweepPlan) -> [SweepPlan.StrategyPair] {
        let cells = Set(base.cells.map { SweepPlan.StrategyPair($0.context, $0.dispatcher) })
        let reference = SweepPlan.StrategyPair(CellKey.baselineContext, CellKey.baselineDispatcher)
        let pools = [DispatcherKind.mutexPool, .lockfreePool].map { SweepPlan.StrategyPair(CellKey.baselineContext, $0) }
            .filter(cells.contains)
        return cells.contains(reference) && !pools.isEmpty ? [reference] + pools : []
    }

    /// The families of `base` (its runtimes × scenarios × workers), in its axis order.
    public static func families(of base: SweepPlan) -> [Family] {
        var out: [Family] = []
        for cell in base.cells {
            let f = Family(runtime: cell.runtime, scenario: cell.scenario, workers: cell.workers)
            if !out.contains(f) { out.append(f) }
        }
        return out
    }

    /// The open-loop rate for `fraction` of `capacity` req/s (at least 1).
    public static func rate(capacity: Double, fraction: Double) -> Int {
        max(1, Int((capacity * fraction).rounded()))
    }

    /// The median of a capacity's calibration trials (nil when none succeeded).
    public static func capacity(_ trials: [Double]) -> Double? {
        Stats.median(trials.filter { $0 > 0 && $0.isFinite })
    }

    /// One sweep plan per family: its table-2 cells at every (connections, fraction × capacity)
    /// point, `rounds` rounds in a fresh order each (from `seed`). A family whose capacity at a
    /// connection count was not measured gets no point there.
    public func plans(base: SweepPlan) -> [SweepPlan] {
        Self.families(of: base).enumerated().compactMap { index, family in
            let points = connections.flatMap { n -> [SweepPlan.LoadPoint] in
                guard let c = capacities.first(where: { $0.family == family && $0.connections == n }) else { return [] }
                return fractions.map { SweepPlan.LoadPoint(connections: n, rate: Self.rate(capacity: c.rps, fraction: $0)) }
            }
            guard !points.isEmpty, !pairs.isEmpty else { return nil }
            var plan = SweepPlan(scenarios: [family.scenario], contexts: pairs.map(\.context), dispatchers: pairs.map(\.dispatcher),
                                 workers: [family.workers], connections: connections, repeats: rounds)
            plan.strategyPairs = pairs
            plan.runtimes = [family.runtime]
            plan.loadPoints = points
            plan.shuffleSeed = seed ^ (UInt64(index) &* 0x94D0_49BB_1331_11EB)
            return plan
        }
    }

    /// The reference cell of `family` at `connections`, closed loop (what calibration measures).
    public func reference(_ family: Family, connections: Int) -> CellKey {
        CellKey(scenario: family.scenario, context: CellKey.baselineContext, dispatcher: CellKey.baselineDispatcher,
                workers: family.workers, connections: connections, rate: 0, runtime: family.runtime)
    }

    /// "eager + channel vs eager + mutex-pool at once, open loop at 50%, 70% of capacity × 64, 1000
    /// connections × 10 process pairs", for progress lines (sequential: "…, open loop at … × 10 rounds").
    public var shape: String {
        let duet = resolvedMethod == .duet
        return pairs.map { "\($0.context) + \($0.dispatcher)" }.joined(separator: " vs ") + (duet ? " at once" : "")
            + ", open loop at \(fractions.map { "\(Int($0 * 100))%" }.joined(separator: ", ")) of capacity × "
            + "\(connections.map(String.init).joined(separator: ", ")) connections × \(rounds) " + (duet ? "process pairs" : "rounds")
    }

    /// Trials the phase runs (calibration not included).
    public var trialCount: Int { fractions.count * connections.count * pairs.count * rounds }

    /// Seconds of load before a latency duet's window (and its calibration's) at `connections`:
    /// `warmup` (at least 0.3 s) plus 1 s per 1000 connections.
    ///
    /// Why it grows with connections: opening 1000 connections at once, while the open loop's
    /// schedule already runs, leaves a backlog that a server near its half core drains slowly.
    /// Measured (E4, Dec 5, `Scripts/latency-steady.sh` → `Results/latency-steady-20261205`): two
    /// servers at 21k req/s each over 1000 connections answered 0.3% to 4.4% more than their
    /// schedule in the window after 0.3 s of warm-up, with P99 5.9 to 54.4 ms, and within 0.6%
    /// after 1 or 2 s, with P99 0.4 to 1.1 ms; over five default sweeps' 1000-connection pair
    /// sides (0.3 s), none of the 111 within 1% of the offered rate had a P99 above 20 ms, and 96
    /// of the 97 at 2% or more above it did.
    public static func warmup(_ warmup: Double, connections: Int) -> Double {
        max(warmup, 0.3) + Double(connections) / 1000
    }

    /// How far a side's answers in the window may stray from its schedule's sends due in it
    /// before the pair is not at steady state: 1%.
    public static let steadyTolerance = 0.01

    /// Why a side that answered `answered` requests in a window whose schedule had `intended`
    /// sends is not at steady state, or nil when it is (within ``steadyTolerance``, or closed
    /// loop: `intended` nil). More than offered: it was still draining a backlog from before the
    /// window, so its tail is the warm-up's; fewer: it did not keep up (over capacity).
    public static func steadyStateProblem(side: String, answered: Int, intended: Int?) -> String? {
        guard let intended, intended > 0 else { return nil }
        let excess = Double(answered) / Double(intended) - 1
        let slack = steadyTolerance + 1e-9  // exactly 1% is in
        if excess > slack {
            return LatencyDuetSummary.notSteadyPrefix + String(format: "%@ answered %.1f%% more than the schedule sent in the window (a backlog from before it)", side, excess * 100)
        }
        if excess < -slack {
            return LatencyDuetSummary.notSteadyPrefix + String(format: "%@ answered %.1f%% fewer than the schedule sent in the window (over capacity)", side, -excess * 100)
        }
        return nil
    }
}
