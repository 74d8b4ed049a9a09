import Foundation
import RoverEngine
import RoverStrategies
import RoverTestSupport
import RoverKinds

/// Writes `source` to a temporary app.lua and loads it.
func makeEngine(_ source: String, context: ContextKind = .lazy, limits: EngineLimits = EngineLimits(),
                file: String = "app.lua") throws -> Engine {
    let path = try writeApp(source, file: file)
    return try Engine(appPath: path, builder: context.makeBuilder(), limits: limits)
}

func writeApp(_ source: String, file: String = "app.lua") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rover-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(file).path
    try source.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// The repository's Scenarios folder.
let scenariosRoot = Repository.scenarios

extension Response {
    var text: String { String(decoding: body, as: UTF8.self) }
}

func get(_ engine: Engine, _ target: String, headers: [(String, String)] = []) -> Response {
    engine.handle(Request(method: .get, target: target, headers: headers))
}
