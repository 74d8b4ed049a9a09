import Foundation

/// A benchmark scenario: `Scenarios/<name>/app.lua` plus `scenario.json`, which says what one
/// request looks like and what the response must be. Read by the in-process benchmark, the
/// contract tests and the sweep (which checks the response before it measures).
///
/// Belongs to RoverScenarios, a leaf target (the runner, the in-process benchmark and the tests
/// read the catalog; the engine knows only apps). A plain value, `Sendable`.
public struct Scenario: Sendable, Codable, Equatable {
    public var name: String = ""
    public var description: String
    public var method: String
    /// Path and query, as sent.
    public var path: String
    public var headers: [String: String]
    public var body: String?
    public var expectStatus: Int
    public var expectBody: String
    /// A regular expression the whole body must match instead of `expectBody` (for answers with
    /// a varying field, e.g. a date); bodies under load are then checked by pattern at the probes
    /// (start, under load, end), not on every response.
    public var expectBodyMatch: String?
    /// The app file, set when loaded from a folder.
    public var appPath: String = ""

    enum CodingKeys: String, CodingKey {
        case description, method, path, headers, body
        case expectStatus = "expect_status"
        case expectBody = "expect_body"
        case expectBodyMatch = "expect_body_match"
    }

    /// Loads `dir/scenario.json`; `appPath` is `dir/app.lua`.
    /// The name of a command duet's one request (`duet --cmd`; its sides are named otherwise).
    public static let commandRequest = "request"

    /// A request and its expected answer given directly (`duet --path …`): no app.
    public init(name: String, description: String = "", method: String = "GET", path: String,
                headers: [String: String] = [:], body: String? = nil, expectStatus: Int = 200, expectBody: String = "",
                expectBodyMatch: String? = nil) {
        self.name = name
        self.description = description
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.expectStatus = expectStatus
        self.expectBody = expectBody
        self.expectBodyMatch = expectBodyMatch
    }

    public static func load(directory dir: String) throws -> Scenario {
        let url = URL(fileURLWithPath: dir)
        let data = try Data(contentsOf: url.appendingPathComponent("scenario.json"))
        var s = try JSONDecoder().decode(Scenario.self, from: data)
        s.name = url.lastPathComponent
        s.appPath = url.appendingPathComponent("app.lua").path
        return s
    }

    /// Every scenario folder under `root`, sorted by name.
    public static func catalog(root: String) throws -> [Scenario] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root).sorted() else {
            throw ScenarioError(message: "\(root): no such scenarios folder (run from the repository root, or pass --scenarios-dir)")
        }
        return try names.filter { FileManager.default.fileExists(atPath: "\(root)/\($0)/scenario.json") }
            .map { try load(directory: "\(root)/\($0)") }
    }

}

public struct ScenarioError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
