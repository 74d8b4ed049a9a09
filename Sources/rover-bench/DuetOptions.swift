import ArgumentParser
import RoverReport
import RoverRunner

/// The duet's settings, shared by `sweep` (its cost-comparison phase) and `duet`.
struct DuetOptions: ParsableArguments {
    @Option(name: .customLong("duet-starts"), help: "Duet: fresh process pairs per comparison (slots swapped on every other).")
    var starts = 20

    @Option(name: .customLong("duet-windows"), help: "Duet: measured windows per process pair.")
    var windows = 2

    @Option(name: .customLong("duet-window"), help: "Duet: seconds per window.")
    var window = 0.4

    @Option(name: .customLong("duet-warmup"), help: "Duet: seconds of load before a pair's first window.")
    var warmup = 0.3

    @Option(name: .customLong("paired-floor"), help: "Duet: margin of \"no difference\": the whole interval must lie within it (the A/A control can raise it).")
    var pairedFloor = Verdict.defaultPairedFloor

    @Option(name: .customLong("min-effect"), help: "Duet: smallest effect reported as faster/slower (the A/A control's bound can raise it).")
    var minEffect = Verdict.defaultPairedMinEffect

    func validate() throws {
        guard (2...100).contains(starts) else { throw ValidationError("--duet-starts must be in 2...100 (got \(starts))") }
        guard (1...1000).contains(windows) else { throw ValidationError("--duet-windows must be in 1...1000 (got \(windows))") }
        guard window >= 0.05, window <= 60 else { throw ValidationError("--duet-window must be in [0.05, 60] seconds (got \(window))") }
        guard warmup >= 0, warmup <= 60 else { throw ValidationError("--duet-warmup must be in [0, 60] seconds (got \(warmup))") }
        guard pairedFloor >= 0, pairedFloor < 1 else { throw ValidationError("--paired-floor must be in [0, 1) (got \(pairedFloor))") }
        guard minEffect >= 0, minEffect < 1 else { throw ValidationError("--min-effect must be in [0, 1) (got \(minEffect))") }
    }

    func plan(_ comparisons: [DuetComparison]) -> DuetPlan {
        DuetPlan(comparisons: comparisons, starts: starts, windows: windows, window: window, warmup: warmup)
    }
}
