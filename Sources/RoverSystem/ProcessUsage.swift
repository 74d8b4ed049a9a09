#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This process's resource usage (`getrusage(RUSAGE_SELF)`): CPU, context switches, peak RSS.
///
/// Lives in RoverSystem (process-level OS facilities): the engine's counters endpoint reports it
/// and the runner reads it back. A plain value, read from any thread.
public struct ProcessUsage: Sendable, Equatable, Codable {
    public var userCPUMicros: UInt64
    public var systemCPUMicros: UInt64
    /// user + system.
    public var cpuMicros: UInt64
    public var voluntaryContextSwitches: UInt64
    public var involuntaryContextSwitches: UInt64
    /// Peak resident set size in KiB (Linux reports `ru_maxrss` in KiB).
    public var maxRSSKiB: UInt64
    /// CPU time of every thread in ns (`CLOCK_PROCESS_CPUTIME_ID`): read in the same instant as
    /// the request counters, so a duet window's CPU and requests match exactly. Optional so
    /// readers of older counters still decode.
    public var cpuNanos: UInt64?

    public static func current() -> ProcessUsage {
        var u = rusage()
        #if canImport(Glibc)
        _ = getrusage(RUSAGE_SELF.rawValue, &u)
        #else
        _ = getrusage(RUSAGE_SELF, &u)
        #endif
        let user = UInt64(u.ru_utime.tv_sec) * 1_000_000 + UInt64(u.ru_utime.tv_usec)
        let sys = UInt64(u.ru_stime.tv_sec) * 1_000_000 + UInt64(u.ru_stime.tv_usec)
        #if canImport(Darwin)
        let rssKiB = UInt64(u.ru_maxrss) / 1024  // bytes on Darwin
        #else
        let rssKiB = UInt64(u.ru_maxrss)
        #endif
        var clock = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &clock)
        return ProcessUsage(userCPUMicros: user, systemCPUMicros: sys, cpuMicros: user + sys,
                            voluntaryContextSwitches: UInt64(u.ru_nvcsw),
                            involuntaryContextSwitches: UInt64(u.ru_nivcsw), maxRSSKiB: rssKiB,
                            cpuNanos: UInt64(clock.tv_sec) * 1_000_000_000 + UInt64(clock.tv_nsec))
    }
}
