import Foundation
import Glibc

/// The CPU time one server uses, every process and thread of it together, in nanoseconds.
///
/// Preferred source: a cgroup of its own, with the default (equal) share, so two servers sharing
/// a core get equal halves whatever their thread or process counts (CFS otherwise shares per
/// thread: the channel dispatcher's two threads took about 2/3 of the core), and the kernel
/// counts every member's time in ns, children forked later included (an nginx master and its
/// workers count whole). Two hierarchies are supported, detected in this order:
/// - **cgroup v1**: a group under both the `cpu` and `cpuacct` controllers; `cpu.shares` 1024,
///   time from `cpuacct.usage` (ns);
/// - **cgroup v2**: a group under the unified root; `cpu.weight` 100 where the `cpu` controller
///   is enabled, time from `cpu.stat`'s `usage_usec` (µs; core accounting, present without the
///   controller too).
///
/// Fallback (no writable cgroup, e.g. not root): the sum of `/proc/PID/task/*/schedstat` run
/// times of one process, also ns, but without the equal shares and without children, which the
/// run's pairs record says (`accounting`). ``CommandServer`` needs a cgroup and says so.
///
/// Belongs to RoverRunner (duet). Used from the runner's thread only.
final class ServerCPU {
    /// Where groups are made: which hierarchy, and its directories.
    enum Hierarchy: Equatable {
        /// cgroup v1: the `cpu` and `cpuacct` controllers' mount points (may be one directory).
        case v1(cpu: String, cpuacct: String)
        /// cgroup v2: the unified root; `weights` when the `cpu` controller is enabled for its children.
        case v2(root: String, weights: Bool)

        /// The hierarchy under `root` (default `/sys/fs/cgroup`): v1 when the `cpu` and `cpuacct`
        /// controllers are mounted there (also on a hybrid machine, where v1 holds them), else v2
        /// when `root` is a unified hierarchy (`cgroup.controllers`), else the hybrid's unified
        /// mount (`root/unified`: time only, no weights).
        static func detect(root: String = ServerCPU.cgroupRoot) -> Hierarchy? {
            let fm = FileManager.default
            for (cpu, acct) in [("cpu", "cpuacct"), ("cpu,cpuacct", "cpu,cpuacct")] {
                if fm.fileExists(atPath: "\(root)/\(cpu)/cpu.shares"), fm.fileExists(atPath: "\(root)/\(acct)/cpuacct.usage") {
                    return .v1(cpu: "\(root)/\(cpu)", cpuacct: "\(root)/\(acct)")
                }
            }
            for dir in [root, root + "/unified"] where fm.fileExists(atPath: dir + "/cgroup.controllers") {
                let enabled = ServerCPU.read(dir + "/cgroup.subtree_control")?.split(separator: " ").contains("cpu") ?? false
                return .v2(root: dir, weights: enabled)
            }
            return nil
        }
    }

    enum Source: Equatable {
        /// The group's directories: the one CPU time is read from first.
        case cgroup(Hierarchy, dirs: [String])
        case schedstat
    }

    let pid: pid_t
    let source: Source
    static let cgroupRoot = "/sys/fs/cgroup"

    private init(pid: pid_t, source: Source) {
        self.pid = pid
        self.source = source
    }

    /// Makes an equal-share group `name` in `hierarchy`, with nobody in it yet (nil when it
    /// cannot be made or read, e.g. not root). A process joins with ``join(_:)``, or a command
    /// joins itself before it execs by writing its pid to ``procsFiles``.
    static func create(name: String, in hierarchy: Hierarchy) -> ServerCPU? {
        let dirs: [String]
        switch hierarchy {
        case .v1(let cpu, let acct): dirs = cpu == acct ? ["\(acct)/\(name)"] : ["\(acct)/\(name)", "\(cpu)/\(name)"]
        case .v2(let root, _): dirs = ["\(root)/\(name)"]
        }
        var made: [String] = []
        for dir in dirs {
            guard mkdir(dir, 0o755) == 0 || errno == EEXIST else { break }
            made.append(dir)
        }
        let group = ServerCPU(pid: 0, source: .cgroup(hierarchy, dirs: dirs))
        var ok = made.count == dirs.count
        switch hierarchy {
        case .v1: ok = ok && write("1024\n", to: dirs.last! + "/cpu.shares")
        case .v2(_, let weights): if ok && weights { ok = write("100\n", to: dirs[0] + "/cpu.weight") }
        }
        guard ok, group.nanos() != nil else {
            for dir in made { rmdir(dir) }
            return nil
        }
        return group
    }

    /// Moves `pid` (every thread: `cgroup.procs`) into a new equal-share group `name`, or falls
    /// back to schedstat when that cannot be done.
    static func attach(pid: pid_t, name: String, root: String = cgroupRoot) -> ServerCPU {
        if let hierarchy = Hierarchy.detect(root: root), let group = create(name: name, in: hierarchy) {
            if group.join(pid) { return ServerCPU(pid: pid, source: group.source) }
            group.release()
        }
        return ServerCPU(pid: pid, source: .schedstat)
    }

    /// The `cgroup.procs` files a process writes its pid to, to join (every controller's).
    var procsFiles: [String] {
        guard case .cgroup(_, let dirs) = source else { return [] }
        return dirs.map { $0 + "/cgroup.procs" }
    }

    /// Moves `pid` into the group (false when any controller refused).
    func join(_ pid: pid_t) -> Bool {
        !procsFiles.isEmpty && procsFiles.allSatisfy { Self.write("\(pid)\n", to: $0) }
    }

    var accounting: String {
        switch source {
        case .cgroup(.v1, _): return "cgroup"
        case .cgroup(.v2, _): return "cgroup2"
        case .schedstat: return "schedstat"
        }
    }

    /// CPU ns used so far (nil when it cannot be read, e.g. the process is gone).
    func nanos() -> Double? {
        switch source {
        case .cgroup(.v1, let dirs):
            return Self.read(dirs[0] + "/cpuacct.usage").flatMap { Double($0) }
        case .cgroup(.v2, let dirs):
            return Self.read(dirs[0] + "/cpu.stat").flatMap(Self.usageMicros).map { $0 * 1000 }
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

    /// `usage_usec` of a v2 `cpu.stat` text.
    static func usageMicros(_ text: String) -> Double? {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == "usage_usec" { return Double(parts[1]) }
        }
        return nil
    }

    /// The processes in the group now (empty for schedstat).
    func members() -> [pid_t] {
        guard let file = procsFiles.first, let text = Self.read(file) else { return [] }
        return text.split(separator: "\n").compactMap { pid_t($0) }
    }

    /// Sends `signal` to every process in the group; returns how many there were.
    @discardableResult
    func signalAll(_ signal: Int32) -> Int {
        let pids = members()
        for p in pids { kill(p, signal) }
        return pids.count
    }

    /// Removes the group (after its processes have exited; any live one is moved out first).
    func release() {
        guard case .cgroup(_, let dirs) = source else { return }
        for dir in dirs {
            let parent = (dir as NSString).deletingLastPathComponent
            for p in (Self.read(dir + "/cgroup.procs") ?? "").split(separator: "\n") {
                _ = Self.write("\(p)\n", to: parent + "/cgroup.procs")
            }
            if rmdir(dir) != 0, errno == ENOTEMPTY, !dir.hasPrefix(Self.cgroupRoot + "/") {
                // A fake tree (tests) holds plain files, which a real cgroup's rmdir ignores.
                try? FileManager.default.removeItem(atPath: dir)
            }
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
