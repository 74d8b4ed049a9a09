import RoverCoding
import RoverScenarios
import Foundation
import RoverLoad
import RoverSystem

/// What a trial and a duet both do with a scenario against a running server: check its exact
/// answer, read the server's counters, and describe the load that drives it.
///
/// Belongs to RoverRunner. Stateless; each call opens its own connection.
enum ScenarioProbe {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends the scenario's request once; throws unless the status and body are exactly the
    /// expected ones (a fast wrong answer is a bug, not a result).
    static func checkAnswer(_ scenario: Scenario, port: Int) throws {
        let reply = try BlockingHTTPClient.request(port: port, method: scenario.method, target: scenario.path,
                                            headers: scenario.headers, body: scenario.body.map { Array($0.utf8) })
        let body = scenario.decodedBody(reply.body) ?? "(not \(scenario.expectEncoding?.rawValue ?? "") data) " + String(decoding: reply.body, as: UTF8.self)
        guard reply.status == scenario.expectStatus, bodyMatches(body, scenario),
              scenario.expectBodyMatch != nil || reply.body == scenario.expectedWireBody else {
            throw Failure(description: "wrong response: \(reply.status) \(body.prefix(200))")
        }
    }

    /// The body is the expected one: equal to `expectBody`, or wholly matching `expectBodyMatch`.
    static func bodyMatches(_ body: String, _ scenario: Scenario) -> Bool {
        guard let pattern = scenario.expectBodyMatch else { return body == scenario.expectBody }
        return body.range(of: "^(?:\(pattern))$", options: .regularExpression) != nil
    }

    static func counters(port: Int) throws -> CountersEndpoint.Body {
        let reply = try BlockingHTTPClient.request(port: port, method: "GET", target: "/__rover/counters")
        return try CountersEndpoint.decode(reply.body)
    }

    /// The closed-loop (or open-loop at `rate`) load for `scenario` on `port`, every 2xx body
    /// checked against the expected answer.
    static func loadConfig(_ scenario: Scenario, port: Int, connections: Int, threads: Int, timeout: Double,
                           mode: LoadMode = .closedLoop) throws -> LoadConfig {
        var config = LoadConfig(url: try TargetURL("http://127.0.0.1:\(port)\(scenario.path)"))
        config.connections = connections
        config.threads = threads
        config.method = scenario.method
        config.headers = scenario.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        config.body = scenario.body.map { Array($0.utf8) } ?? []
        config.timeout = timeout
        config.expectBody = scenario.method == "HEAD" || scenario.expectBodyMatch != nil ? nil : scenario.expectedWireBody
        config.mode = mode
        return config
    }

    /// Why a load result disqualifies its run: non-2xx answers, wrong bodies, or socket errors on
    /// more than 0.1% of requests. nil when it is clean.
    static func problems(_ load: LoadResult) -> String? {
        if load.bodyMismatches > 0 {
            return "\(load.bodyMismatches) of \(load.requests) responses under load had a wrong body"
        }
        if load.non2xx > 0 || Double(load.errors.total) > 0.001 * Double(max(load.requests, 1)) {
            return "\(load.non2xx) non-2xx responses and \(load.errors.total) socket errors in \(load.requests) requests"
        }
        return nil
    }
}
