import RoverScenarios
import ArgumentParser
import Foundation
import RoverLoad
import RoverRunner

/// `duet --cmd A --cmd B`: any two HTTP/1.1 servers, each started by a shell command, with the
/// request to send and the answer to expect given here (or by a scenario.json with `--request`).
struct CommandDuetOptions: ParsableArguments {
    @Option(name: .customLong("cmd"), help: ArgumentHelp(
        "A shell command that starts one side's server: give two, A (the reference) then B. It must listen on {port} (also $PORT); {dir} is a fresh folder of its own.",
        valueName: "command"))
    var commands: [String] = []

    @Option(name: .customLong("name"), help: "Names of the two sides, in --cmd order (default A and B).")
    var names: [String] = []

    @Option(name: .customLong("request"), help: "A scenario.json: method, path, headers, body, expect_status, expect_body or expect_body_match.")
    var requestFile: String?

    @Option(help: "Request path (with --cmd).")
    var path: String?

    @Option(help: "Request method (with --cmd).")
    var method = "GET"

    @Option(name: .customLong("header"), help: "A request header 'Name: value' (repeatable; with --cmd).")
    var headers: [String] = []

    @Option(help: "Request body (with --cmd).")
    var body: String?

    @Option(name: .customLong("expect-status"), help: "Expected status (with --cmd).")
    var expectStatus = 200

    @Option(name: .customLong("expect-body"), help: "Expected body, exactly; checked on every response under load too.")
    var expectBody: String?

    @Option(name: .customLong("expect-body-file"), help: "Expected body, exactly, from a file.")
    var expectBodyFile: String?

    @Option(name: .customLong("expect-body-match"), help: "A regular expression the whole body must match (for a varying field such as a date); checked at start, under load and at the end of each pair.")
    var expectBodyMatch: String?

    @Option(name: .customLong("ready-timeout"), help: "Seconds a --cmd side may take to accept connections.")
    var readyTimeout = 20.0

    var isActive: Bool { !commands.isEmpty }

    func validate() throws {
        guard isActive else {
            let stray = [path.map { _ in "--path" }, requestFile.map { _ in "--request" }, expectBody.map { _ in "--expect-body" },
                         expectBodyFile.map { _ in "--expect-body-file" }, expectBodyMatch.map { _ in "--expect-body-match" },
                         names.isEmpty ? nil : "--name", headers.isEmpty ? nil : "--header", body.map { _ in "--body" }].compactMap { $0 }
            if let first = stray.first { throw ValidationError("\(first) needs --cmd (it describes a command duet's request)") }
            return
        }
        guard readyTimeout > 0, readyTimeout <= 600 else { throw ValidationError("--ready-timeout must be in (0, 600] seconds (got \(readyTimeout))") }
        guard commands.count == 2 else {
            throw ValidationError("--cmd: give two commands, A (the reference) then B (got \(commands.count))")
        }
        for (i, c) in commands.enumerated() where !c.contains("{port}") && !c.contains("$PORT") && !c.contains("${PORT}") {
            throw ValidationError("--cmd \(i == 0 ? "A" : "B"): the command must listen on {port} (or $PORT): every instance gets "
                + "its own port, since the A/A control runs two copies of side A at once")
        }
        guard names.isEmpty || (names.count == 2 && names[0] != names[1]) else {
            throw ValidationError("--name: give two different names, in --cmd order")
        }
        for n in names where n.isEmpty || n.contains(where: { !($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            throw ValidationError("--name \(n): use letters, digits, '-', '_' or '.'")
        }
        let expectations = [expectBody, expectBodyFile, expectBodyMatch].compactMap { $0 }.count
        if requestFile == nil {
            guard let path, path.hasPrefix("/") else { throw ValidationError("--path: give the request's path, starting with / (or --request FILE)") }
            guard expectations == 1 else {
                throw ValidationError("--expect-body, --expect-body-file or --expect-body-match: give exactly one (the answer every pair checks)")
            }
        } else if path != nil || expectations > 0 || body != nil || !headers.isEmpty {
            throw ValidationError("--request: the request and its answer come from the file; drop --path, --body, --header and --expect-*")
        }
        if let expectBodyMatch, (try? NSRegularExpression(pattern: expectBodyMatch)) == nil {
            throw ValidationError("--expect-body-match \(expectBodyMatch): not a regular expression")
        }
        for h in headers {
            do { _ = try LoadConfig.parseHeader(h) } catch { throw ValidationError("--header \(h): \(error)") }
        }
    }

    /// The two sides, A then B.
    var sides: [(name: String, command: String)] {
        let n = names.isEmpty ? ["A", "B"] : names
        return [(n[0], commands[0]), (n[1], commands[1])]
    }

    /// The request and the answer both sides must give.
    func scenario() throws -> Scenario {
        if let requestFile {
            do {
                var s = try JSONDecoder().decode(Scenario.self, from: Data(contentsOf: URL(fileURLWithPath: requestFile)))
                s.name = Scenario.commandRequest
                return s
            } catch {
                throw ValidationError("--request \(requestFile): \(error)")
            }
        }
        var expected = expectBody ?? ""
        if let expectBodyFile {
            guard let text = try? String(contentsOfFile: expectBodyFile, encoding: .utf8) else {
                throw ValidationError("--expect-body-file \(expectBodyFile): cannot read it")
            }
            expected = text
        }
        var fields: [String: String] = [:]
        for h in headers {
            let (name, value) = try LoadConfig.parseHeader(h)  // checked in validate()
            fields[name] = value
        }
        return Scenario(name: Scenario.commandRequest, method: method, path: path ?? "/", headers: fields, body: body,
                        expectStatus: expectStatus, expectBody: expected, expectBodyMatch: expectBodyMatch)
    }
}
