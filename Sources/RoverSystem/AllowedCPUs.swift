import Glibc

/// How many CPUs this process may run on: its affinity mask (`taskset`, a cgroup cpuset), not
/// the machine's core count, so defaults sized from it never oversubscribe a pinned process.
public enum AllowedCPUs {
    /// CPUs in the calling thread's affinity mask (at least 1; the online count if it cannot be read).
    public static var count: Int {
        var mask = [UInt8](repeating: 0, count: 128)  // glibc's cpu_set_t: 1024 bits
        let rc = mask.withUnsafeMutableBytes { rover_sched_getaffinity(0, $0.count, $0.baseAddress!) }
        guard rc == 0 else { return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
        return max(1, mask.reduce(0) { $0 + $1.nonzeroBitCount })
    }
}

/// glibc's `sched_getaffinity` (declared only under _GNU_SOURCE, so not imported by Glibc).
@_silgen_name("sched_getaffinity")
private func rover_sched_getaffinity(_ pid: pid_t, _ size: Int, _ mask: UnsafeMutableRawPointer) -> Int32
