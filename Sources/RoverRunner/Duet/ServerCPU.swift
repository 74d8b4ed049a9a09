import Foundation
import Glibc

/// The CPU time one server process uses, all its threads together, in nanoseconds.
///
/// Preferred source: a cgroup v1 of its own under the `cpu` and `cpuacct` controllers, with the
/// default share (1024), so two servers sharing a core get equal halves whatever their thread
/// counts (CFS otherwise shares per thread: the channel dispatcher's two threads took about 2/3
/// of the core), and `cpuacct.usage` counts every thread's time in ns. Fallback (no writable
/// cgroup v1, e.g. not root): the sum of `/proc/PID/task/*/schedstat` run times, also ns, but
/// without the equal shares, which the run's pairs record says (`accounting`).
///
/// Belongs to RoverRunner (duet). Used from the runner's thread only.
final class ServerCPU {
    enum Source: Equatable {
        case cgroup(name: String)
        case schedstat
    }

    let pid: pid_t
    let source: Source
    static let cgroupRoot = "/sys/fs/cgroup"

    private init(pid: pid_t, source: Source) {
        self.pid = pid
        self.source = source
    }

    /// Moves `pid` (every thread: `cgroup.procs`) into a new equal-share cgroup `name`, or falls
    /// back to schedstat when that cannot be done.
    static func attach(pid: pid_t, name: String) -> ServerCPU {
        let dirs = ["cpu", "cpuacct"].map { "\(cgroupRoot)/\($0)/\(name)" }
        var made: [String] = []
        for dir in dirs {
            guard mkdir(dir, 0o755) == 0 || errno == EEXIST else { break }
            made.append(dir)
            guard write("\(pid)\n", to: dir + "/cgroup.procs") else { break }
        }
        if made.count == dirs.count, write("1024\n", to: dirs[0] + "/cpu.shares"),
           read(dirs[1] + "/cpuacct.usage") != nil {
            return ServerCPU(pid: pid, source: .cgroup(name: name))
        }
        for dir in made { rmdir(dir) }
        return ServerCPU(pid: pid, source: .schedstat)
    }

    var accounting: String {
        if case .cgroup = source { return "cgroup" }
        return "schedstat"
    }

    /// CPU ns used so far (nil when it cannot be read, e.g. the process is gone).
    func nanos() -> Double? {
        switch source {
        case .cgroup(let name):
            return Self.read("\(Self.cgroupRoot)/cpuacct/\(name)/cpuacct.usage").flatMap { Double($0) }
        case .schedstat:
            guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return nil }
            var total = 0.0
            for t in tasks {
                guard let line = Self.read("/proc/\(pid)/task/\(t)/schedstat"),
                      let first = line.split(separator: " ").first, let ns = Double(first) else { continue }
                total += ns
            }
            return total
        }
    }

    /// Removes the cgroup (after the process has exited; a live one is moved out first).
    func release() {
        guard case .cgroup(let name) = source else { return }
        for controller in ["cpu", "cpuacct"] {
            let dir = "\(Self.cgroupRoot)/\(controller)/\(name)"
            if kill(pid, 0) == 0 { _ = Self.write("\(pid)\n", to: "\(Self.cgroupRoot)/\(controller)/cgroup.procs") }
            rmdir(dir)
        }
    }

    static func read(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func write(_ text: String, to path: String) -> Bool {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return text.withCString { Glibc.write(fd, $0, strlen($0)) } == text.utf8.count
    }
}
