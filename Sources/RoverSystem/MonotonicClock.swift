import Glibc

/// Seconds on the monotonic clock (CLOCK_MONOTONIC): the one clock the runner and the CLI time
/// phases, windows and deadlines with.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
