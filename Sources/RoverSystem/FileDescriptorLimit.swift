#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Raises this process's open-file limit (`RLIMIT_NOFILE`) to its hard limit.
///
/// Lives in RoverSystem (process-level OS facilities); process-wide, call once at startup before
/// serving (the serve command) or opening many sockets (tests).
public enum FileDescriptorLimit {
    /// The soft limit after trying to raise it to the hard limit.
    @discardableResult
    public static func raiseToHardLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur >= UInt64(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    /// A warning to print when `limit` is below what `connections` sockets (plus ~64 descriptors
    /// for the process itself) need; nil when it is enough.
    public static func warning(limit: Int, connections: Int = 1000) -> String? {
        let needed = connections + 64
        guard limit < needed else { return nil }
        return "warning: open-file limit is \(limit) (RLIMIT_NOFILE, hard limit reached); "
            + "\(connections) connections need about \(needed): raise it with `ulimit -n \(needed)`"
    }
}
