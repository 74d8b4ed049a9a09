import ArgumentParser
import Foundation
import RoverLoad

/// `rover-bench barrier --parties N --listen host:port`: releases N `load --barrier` processes
/// together, then exits. Thin over `StartBarrier.serve`.
struct BarrierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "barrier",
        abstract: "Start several `load --barrier` processes together: wait until N are ready, then release them all."
    )

    @Option(help: "Processes to wait for (the segments' N).")
    var parties: Int
    @Option(help: "Address to listen on, host:port (0.0.0.0:7700 for every interface).")
    var listen = "127.0.0.1:7700"
    @Option(help: "Give up after this long, e.g. 10m.")
    var timeout = "10m"

    func validate() throws {
        guard parties >= 1 else { throw ValidationError("--parties must be at least 1 (got \(parties))") }
        do {
            _ = try StartBarrier.Address(parsing: listen, option: "--listen")
            _ = try DurationText.seconds(timeout, option: "--timeout")
        } catch let e as LoadConfigError { throw ValidationError(e.description) }
    }

    func run() throws {
        let address = try StartBarrier.Address(parsing: listen, option: "--listen")
        FileHandle.standardOutput.write(Data("barrier listening on \(address) for \(parties) parties\n".utf8))
        var count = 0
        let segments = try StartBarrier.serve(on: address, parties: parties, timeout: DurationText.seconds(timeout, option: "--timeout")) {
            count += 1
            FileHandle.standardOutput.write(Data("ready \(count)/\(parties): segment \($0)\n".utf8))
        }
        FileHandle.standardOutput.write(Data("released \(segments.count) parties\n".utf8))
    }
}
