import Glibc

/// Clocks the generator reads: monotonic wall time for latencies and per-thread CPU time
/// for the self-check. Free functions over vDSO/syscalls; safe from any thread.
enum LoadClock {
    /// CLOCK_MONOTONIC in nanoseconds.
    @inline(__always)
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// User + system CPU time of the calling thread, in microseconds (getrusage RUSAGE_THREAD).
    static func threadCPUMicros() -> Double {
        var usage = rusage()
        getrusage(1, &usage)   // RUSAGE_THREAD (Linux), not exported by the Glibc module
        return micros(usage.ru_utime) + micros(usage.ru_stime)
    }

    /// User + system CPU time of the whole process, in microseconds.
    static func processCPUMicros() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return micros(usage.ru_utime) + micros(usage.ru_stime)
    }

    /// Peak resident set size of this process, in KiB (ru_maxrss).
    static func peakRSSKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss)
    }

    private static func micros(_ tv: timeval) -> Double { Double(tv.tv_sec) * 1e6 + Double(tv.tv_usec) }
}

/// The wall clock (CLOCK_REALTIME), for starting processes on several hosts at one instant.
/// Free functions; safe from any thread.
enum WallClock {
    /// Seconds since the Unix epoch.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Sleeps until the wall clock reads `epoch` (returns at once if it already has).
    static func sleep(until epoch: Double) {
        let whole = epoch.rounded(.down)
        var ts = timespec(tv_sec: Int(whole), tv_nsec: Int(((epoch - whole) * 1e9).rounded()))
        if ts.tv_nsec >= 1_000_000_000 { ts.tv_sec += 1; ts.tv_nsec -= 1_000_000_000 }
        while clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }
}
