import RoverSystem
import ArgumentParser
import Foundation
import RoverRunner

/// Where servers and the load generator run, shared by `sweep` and `duet`. Pinned by default
/// on 2+ CPUs (servers on CPU 0, generator on CPU 1): letting the two fight over every core made
/// req/s vary 5–17% between repeats; pinned, 3–6%.
struct PinOptions: ParsableArguments {
    @Option(name: .customLong("server-cpus"), help: "Pin the server to these CPUs (taskset list). Default on 2+ CPUs: 0.")
    var serverCPUs: String?

    @Option(name: .customLong("load-cpus"), help: "Pin the load generator to these CPUs. Default on 2+ CPUs: 1.")
    var loadCPUs: String?

    @Flag(help: "Do not pin: server and load generator share every CPU (noisier; see the README).")
    var noPin = false

    private var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        if noPin && (serverCPUs != nil || loadCPUs != nil) {
            throw ValidationError("--no-pin cannot be combined with --server-cpus or --load-cpus")
        }
        if let s = serverCPUs, CPUList.parse(s, cores: cores) == nil {
            throw ValidationError("--server-cpus \(s): not a CPU list of this \(cores)-CPU machine (e.g. 0 or 0-1)")
        }
        if let s = loadCPUs, CPUList.parse(s, cores: cores) == nil {
            throw ValidationError("--load-cpus \(s): not a CPU list of this \(cores)-CPU machine (e.g. 1)")
        }
    }

    /// The servers' `taskset` list and the generator's CPUs (nil: unpinned).
    func resolve() -> (server: String?, load: [Int]?) {
        let pin = !noPin && cores >= 2
        let server = serverCPUs ?? (pin ? "0" : nil)
        let load = (loadCPUs ?? (pin ? "1" : nil)).flatMap { CPUList.parse($0, cores: cores) }
        return (server, load)
    }

    /// How many CPUs the servers may use (nil: unpinned).
    var serverCPUCount: Int? { resolve().server.flatMap { CPUList.parse($0, cores: cores)?.count } }
}
