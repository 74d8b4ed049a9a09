public import Foundation

/// meta.json: the environment a run was measured in, so results never travel without it.
///
/// Belongs to RoverReport (run directory). A value type; ``collect(commandLine:buildConfiguration:luaVersion:repository:now:)``
/// runs a few short subprocesses and reads /proc, so call it once per sweep, off hot paths.
public struct RunMeta: Codable, Sendable, Equatable {
    /// ISO 8601 UTC time the run started.
    public var timestamp: String
    public var host: String
    /// `model name` from /proc/cpuinfo (empty if unreadable).
    public var cpuModel: String
    /// Logical CPUs online (`processor` entries in /proc/cpuinfo, else the process's count).
    public var cores: Int
    /// `uname -srm`.
    public var kernel: String
    /// PRETTY_NAME from /etc/os-release.
    public var os: String
    /// First line of `swift --version`.
    public var swiftVersion: String
    /// Lua release linked into the server (caller-provided, else `pkg-config --modversion lua5.4`).
    public var luaVersion: String
    /// `debug` or `release`: the build configuration of the measuring binary.
    public var buildConfiguration: String
    /// `git rev-parse HEAD` of the repository, or empty outside git.
    public var gitCommit: String
    /// Uncommitted changes were present (`git status --porcelain` non-empty).
    public var gitDirty: Bool
    public var commandLine: [String]

    public init(timestamp: String, host: String, cpuModel: String, cores: Int, kernel: String, os: String,
                swiftVersion: String, luaVersion: String, buildConfiguration: String, gitCommit: String,
                gitDirty: Bool, commandLine: [String]) {
        self.timestamp = timestamp
        self.host = host
        self.cpuModel = cpuModel
        self.cores = cores
        self.kernel = kernel
        self.os = os
        self.swiftVersion = swiftVersion
        self.luaVersion = luaVersion
        self.buildConfiguration = buildConfiguration
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.commandLine = commandLine
    }

    enum CodingKeys: String, CodingKey {
        case timestamp, host, cpuModel = "cpu_model", cores, kernel, os, swiftVersion = "swift_version"
        case luaVersion = "lua_version", buildConfiguration = "build_configuration"
        case gitCommit = "git_commit", gitDirty = "git_dirty", commandLine = "command_line"
    }

    /// Collects the environment of this machine now.
    /// - Parameters:
    ///   - buildConfiguration: the caller's `#if DEBUG` answer (`debug` / `release`).
    ///   - luaVersion: e.g. RoverLua's `LUA_RELEASE`; `nil` asks pkg-config.
    ///   - repository: directory for the git queries (default: current directory).
    public static func collect(commandLine: [String] = CommandLine.arguments, buildConfiguration: String,
                               luaVersion: String? = nil, repository: URL? = nil, now: Date = Date()) -> RunMeta {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let cpu = parseCPUInfo(cpuinfo)
        let osRelease = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let repo = repository?.path ?? FileManager.default.currentDirectoryPath
        let commit = Subprocess.output(["git", "-C", repo, "rev-parse", "HEAD"]) ?? ""
        let status = Subprocess.output(["git", "-C", repo, "status", "--porcelain", "--untracked-files=no"]) ?? ""
        return RunMeta(
            timestamp: ISO8601DateFormatter().string(from: now),
            host: ProcessInfo.processInfo.hostName,
            cpuModel: cpu.model,
            cores: cpu.count > 0 ? cpu.count : ProcessInfo.processInfo.activeProcessorCount,
            kernel: Subprocess.output(["uname", "-srm"]) ?? "",
            os: parseOSRelease(osRelease),
            swiftVersion: Subprocess.output(["swift", "--version"])?.split(separator: "\n").first.map(String.init) ?? "",
            luaVersion: luaVersion ?? Subprocess.output(["pkg-config", "--modversion", "lua5.4"]) ?? "",
            buildConfiguration: buildConfiguration,
            gitCommit: commit,
            gitDirty: !commit.isEmpty && !status.isEmpty,
            commandLine: commandLine)
    }

    /// Model name of the first CPU and the number of `processor` entries.
    public static func parseCPUInfo(_ text: String) -> (model: String, count: Int) {
        var model = ""
        var count = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingWhitespace, value = String(parts[1].trimmingWhitespace)
            if key == "processor" { count += 1 }
            if key == "model name" && model.isEmpty { model = value }
        }
        return (model, count)
    }

    static func parseOSRelease(_ text: String) -> String {
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            return String(line.dropFirst("PRETTY_NAME=".count).filter { $0 != "\"" })
        }
        return ""
    }
}

/// Runs a short command and captures its standard output.
enum Subprocess {
    /// Trimmed stdout of `argv` (looked up on PATH), or `nil` if it cannot run or exits non-zero.
    static func output(_ argv: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
