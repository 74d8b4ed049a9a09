import RoverSystem
import ArgumentParser
import Foundation
import RoverLoad

/// `rover-bench load URL`: a thin CLI over `RoverLoad.runLoad`, with wrk-like options.
/// Closed loop by default; `--rate` switches to a constant-throughput open loop.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load an HTTP/1.1 server (closed loop like wrk, or open loop with --rate like wrk2)."
    )

    @Argument(help: "Target URL, e.g. http://127.0.0.1:8080/users/123")
    var url: String

    @Option(name: .shortAndLong, help: "Connections to keep open.")
    var connections = 10
    @Option(name: .shortAndLong, help: "Generator threads.")
    var threads = 1
    @Option(name: .shortAndLong, help: "Measured duration, e.g. 10s, 500ms, 2m (with --requests: a time cap).")
    var duration = "10s"
    @Option(help: "Warm-up before measuring (not recorded), e.g. 2s.")
    var warmup = "0s"
    @Option(name: [.customShort("H"), .customLong("header")], help: "Extra request header 'Name: value' (repeatable).")
    var headers: [String] = []
    @Option(help: "Request method.")
    var method = "GET"
    @Option(help: "Request body: text, or @file to read it from a file.")
    var body: String?
    @Option(help: "Requests pipelined per connection (closed loop).")
    var pipeline = 1
    @Option(help: "Per-request timeout, e.g. 2s.")
    var timeout = "2s"
    @Option(name: [.customShort("R"), .long], help: "Open loop: target requests per second (needs --duration).")
    var rate: Double?
    @Option(name: [.customShort("n"), .long], help: "Stop after exactly this many requests (closed loop).")
    var requests: Int?
    @Option(name: .customLong("expect-body"), help: "Count every 2xx response whose body is not exactly this text (checked under load).")
    var expectBody: String?
    @Flag(help: "Allow a target that is not a loopback address.")
    var allowRemote = false
    @Option(help: "Run segment i of N (0-based, e.g. 0/3, or k6-style 1/3:2/3) of this load: its share of the connections and of --rate or --requests, which stay the totals. N processes with 0/N … N-1/N together offer what one process would.")
    var segment: String?
    @Option(name: .customLong("start-at"), help: "Start at this wall-clock instant: Unix seconds (e.g. 1767225600.5) or RFC 3339 (e.g. 2026-01-01T00:00:00Z). Segments on several hosts start together; the JSON records the actual start.")
    var startAt: String?
    @Option(help: "Start when the `rover-bench barrier` at host:port releases all its parties (hosts' clocks need not agree). Not with --start-at.")
    var barrier: String?
    @Option(name: .customLong("barrier-timeout"), help: "Give up waiting at the barrier after this long, e.g. 10m.")
    var barrierTimeout = "10m"
    @Option(help: "Write the result as JSON (schema rover-bench/load v1) to this file.")
    var json: String?
    @Option(help: "Write the latency distribution (.hgrm text) to this file; open loop writes the corrected one.")
    var hgrm: String?

    func validate() throws {
        do { _ = try makeConfig() } catch let e as LoadConfigError { throw ValidationError(e.description) }
    }

    func run() throws {
        // Its load generators hold a socket per connection (the latency duet: two loads of 1000).
        _ = FileDescriptorLimit.raiseToHardLimit()
        let result = try runLoad(makeConfig())
        print(result.summaryText(), terminator: "")
        if let json { try result.jsonEncoded().write(to: URL(fileURLWithPath: json)) }
        if let hgrm {
            try LoadResult.hgrm(result.correctedLatency ?? result.latency).write(toFile: hgrm, atomically: true, encoding: .utf8)
        }
    }

    func makeConfig() throws -> LoadConfig {
        var config = LoadConfig(url: try TargetURL(url))
        config.connections = connections
        config.threads = threads
        config.duration = try DurationText.seconds(duration, option: "--duration")
        config.warmup = try DurationText.seconds(warmup, option: "--warmup")
        config.timeout = try DurationText.seconds(timeout, option: "--timeout")
        config.headers = try headers.map(LoadConfig.parseHeader)
        config.method = method
        if let body {
            if body.hasPrefix("@") {
                let path = String(body.dropFirst())
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw LoadConfigError.invalid("--body", "cannot read file '\(path)'")
                }
                config.body = [UInt8](data)
            } else {
                config.body = Array(body.utf8)
            }
        }
        config.pipeline = pipeline
        config.mode = try LoadMode(rate: rate, requests: requests)
        config.expectBody = expectBody.map { Array($0.utf8) }
        config.allowRemote = allowRemote
        config.segment = try segment.map { try LoadSegment(parsing: $0) }
        config.startAt = try startAt.map(StartInstant.epochSeconds)
        config.barrier = try barrier.map { try StartBarrier.Address(parsing: $0) }
        config.barrierTimeout = try DurationText.seconds(barrierTimeout, option: "--barrier-timeout")
        try config.validate()
        return config
    }
}

/// Parses wrk-style durations: "10s", "500ms", "2m", "1h", or plain seconds ("1.5").
enum DurationText {
    static func seconds(_ text: String, option: String) throws -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let v = Double(text.dropLast(suffix.count)), v >= 0, v.isFinite { return v * scale }
            break
        }
        if let v = Double(text), v >= 0, v.isFinite { return v }
        throw LoadConfigError.invalid(option, "must be a duration such as 10s, 500ms or 2m (got '\(text)')")
    }
}

/// Parses `--start-at`: Unix epoch seconds (fraction allowed) or an RFC 3339 instant.
enum StartInstant {
    static func epochSeconds(_ text: String) throws -> Double {
        if let v = Double(text), v > 0, v.isFinite { return v }
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            let f = ISO8601DateFormatter()
            f.formatOptions = options
            if let date = f.date(from: text) { return date.timeIntervalSince1970 }
        }
        throw LoadConfigError.invalid("--start-at", "must be Unix seconds or an RFC 3339 instant such as 2026-01-01T00:00:00Z (got '\(text)')")
    }
}
