/// A phase boundary that valgrind's callgrind can see: `--dump-before='*roverBenchPhaseMark*'`
/// writes one profile part per call, so the instructions between two calls are exact and free of
/// start-up, warm-up and checking (the micro benchmark calls it around each measured batch).
///
/// Belongs to RoverMicro (in-process benchmarks). Outside valgrind it is an ordinary, almost free call.
/// Only the benchmark's thread calls it.
public enum CallgrindMark {
    /// Passes one boundary: a real call to `roverBenchPhaseMark`.
    public static func hit() { roverBenchPhaseMark() }
}

nonisolated(unsafe) private var phaseMarks = 0

/// Never inlined or optimised away, and named uniquely (`$s10RoverMicro19roverBenchPhaseMarkyyF`), so the symbol is in the
/// binary and every boundary is a call callgrind can dump before.
@inline(never) @_optimize(none)
func roverBenchPhaseMark() { phaseMarks += 1 }
