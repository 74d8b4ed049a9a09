import Glibc

/// CPU lists such as `0`, `0,1` or `0-3`, for pinning the server (`taskset -c`) and the load
/// generator (the calling thread's affinity, which threads it creates inherit).
public enum CPUList {
    /// Parses a list; nil when malformed or naming a CPU this machine does not have.
    public static func parse(_ text: String, cores: Int) -> [Int]? {
        var cpus: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let lo = Int(bounds[0]), let hi = Int(bounds.last!), lo <= hi,
                  lo >= 0, hi < cores else { return nil }
            cpus += Array(lo...hi)
        }
        return cpus.isEmpty ? nil : cpus
    }

    /// Pins the calling thread to `cpus`. Returns false when the kernel refuses.
    @discardableResult
    public static func pinCurrentThread(_ cpus: [Int]) -> Bool {
        var mask = [UInt8](repeating: 0, count: 128)  // glibc's cpu_set_t: 1024 bits
        for c in cpus where c < 1024 { mask[c / 8] |= UInt8(1 << (c % 8)) }
        return mask.withUnsafeBytes { rover_sched_setaffinity(0, $0.count, $0.baseAddress!) } == 0
    }

    /// Every CPU of the machine (undoes a pin).
    public static func all() -> [Int] { Array(0..<Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// glibc's `sched_setaffinity` (declared only under _GNU_SOURCE, so not imported by Glibc).
@_silgen_name("sched_setaffinity")
private func rover_sched_setaffinity(_ pid: pid_t, _ size: Int, _ mask: UnsafeRawPointer) -> Int32
