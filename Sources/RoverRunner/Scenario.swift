import Foundation
public import RoverEngine

/// A benchmark scenario: `Scenarios/<name>/app.lua` plus `scenario.json`, which says what one
/// request looks like and what the response must be. Read by the in-process benchmark, the
/// contract tests and the sweep (which checks the response before it measures).
///
/// Belongs to RoverRunner (the scenario catalog is what the runner runs; the engine knows only
/// apps). A plain value, `Sendable`.
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
    /// The app file, set when loaded from a folder.
    public var appPath: String = ""

    enum CodingKeys: String, CodingKey {
        case description, method, path, headers, body
        case expectStatus = "expect_status"
        case expectBody = "expect_body"
    }

    /// Loads `dir/scenario.json`; `appPath` is `dir/app.lua`.
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

    /// The request this scenario sends, headers in a stable (sorted) order.
    public func request() -> Request {
        Request(method: HTTPMethod(token: Array(method.utf8)), target: path,
                headers: headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                body: body.map { Array($0.utf8) })
    }
}

public struct ScenarioError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
