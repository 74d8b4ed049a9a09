import ArgumentParser
import RoverReport
import RoverRunner

/// The duet's settings, shared by `sweep` (its cost-comparison phase) and `duet`.
struct DuetOptions: ParsableArguments {
    @Option(name: .customLong("duet-starts"), help: "Duet: fresh process pairs per comparison (slots swapped on every other; default 20, 10 with --quick).")
    var starts: Int?

    @Option(name: .customLong("duet-control-starts"), help: "Duet: process pairs of each A/A control (default: twice --duet-starts; its bound sets its group's margin).")
    var controlStarts: Int?

    @Option(name: .customLong("duet-stages"), help: "Duet: at most this many stages; after the first, each comparison whose verdict is not settled (it would change if its estimate moved by its own interval's half-width) gets as many process pairs again (1: no extra stages).")
    var stages = 4

    @Option(name: .customLong("duet-windows"), help: "Duet: measured windows per process pair.")
    var windows = 2

    @Option(name: .customLong("duet-window"), help: "Duet: seconds per window.")
    var window = 0.4

    @Option(name: .customLong("duet-warmup"), help: "Duet: seconds of load before a pair's first window.")
    var warmup = 0.3

    @Option(name: .customLong("alone-starts"), help: "Duet: the first N process pairs of each comparison end with alone windows (each server loaded alone, one after the other) for the check against running alone (default: 10 in a sweep, 0 in --quick and in `duet`).")
    var aloneStarts: Int?

    @Option(name: .customLong("alone-windows"), help: "Duet: rounds of alone windows (one per server) at the end of such a process pair.")
    var aloneWindows = 1

    @Option(help: "Replay a run's randomization: the seed its duet.json and plan.json record (default: a fresh one per run, printed and recorded).")
    var seed: UInt64?

    @Option(name: .customLong("paired-floor"), help: "Duet: margin of \"no difference\": the whole interval must lie within it (the A/A control can raise it). Saved in duet.json.")
    var pairedFloor = Verdict.defaultPairedFloor

    @Option(name: .customLong("min-effect"), help: "Duet: smallest effect reported as faster/slower (fraction); the whole interval must lie beyond it. Saved in duet.json.")
    var minEffect = Verdict.defaultPairedMinEffect

    func validate() throws {
        if let starts, !(2...100).contains(starts) { throw ValidationError("--duet-starts must be in 2...100 (got \(starts))") }
        if let controlStarts, !(2...200).contains(controlStarts) {
            throw ValidationError("--duet-control-starts must be in 2...200 (got \(controlStarts))")
        }
        guard (1...10).contains(stages) else { throw ValidationError("--duet-stages must be in 1...10 (got \(stages))") }
        guard (1...1000).contains(windows) else { throw ValidationError("--duet-windows must be in 1...1000 (got \(windows))") }
        guard window >= 0.05, window <= 60 else { throw ValidationError("--duet-window must be in [0.05, 60] seconds (got \(window))") }
        guard warmup >= 0, warmup <= 60 else { throw ValidationError("--duet-warmup must be in [0, 60] seconds (got \(warmup))") }
        if let aloneStarts, !(0...100).contains(aloneStarts) { throw ValidationError("--alone-starts must be in 0...100 (got \(aloneStarts))") }
        guard (1...20).contains(aloneWindows) else { throw ValidationError("--alone-windows must be in 1...20 (got \(aloneWindows))") }
        guard pairedFloor >= 0, pairedFloor < 1 else { throw ValidationError("--paired-floor must be in [0, 1) (got \(pairedFloor))") }
        guard minEffect >= 0, minEffect < 1 else { throw ValidationError("--min-effect must be in [0, 1) (got \(minEffect))") }
    }

    /// This run's seed: `--seed`, else a fresh one (``DuetPlan/freshSeed()``), drawn once per run.
    func resolvedSeed() -> UInt64 { seed ?? DuetPlan.freshSeed() }

    /// The plan; `quick` lowers the default starts (an explicit `--duet-starts` wins).
    func plan(_ comparisons: [DuetComparison], quick: Bool = false, seed: UInt64, aloneByDefault: Int = 0) -> DuetPlan {
        let n = starts ?? (quick ? 10 : 20)
        var plan = DuetPlan(comparisons: comparisons, starts: n, controlStarts: controlStarts ?? 2 * n, stages: stages,
                            windows: windows, window: window, warmup: warmup, seed: seed)
        plan.rules = JudgingRules(pairedFloor: pairedFloor, minEffect: minEffect)
        let alone = aloneStarts ?? (quick ? 0 : aloneByDefault)
        if alone > 0 {
            plan.aloneStarts = alone
            plan.aloneWindows = aloneWindows
        }
        return plan
    }
}
