import Foundation
import RoverEngine
import RoverStrategies
import RoverTestSupport
import RoverKinds
import RoverLua

/// `json` as the loaded runtime writes it: LuaJIT has no integer subtype, so an integral float
/// (`3.0`, `-2000.0`) encodes as an integer there (README: two Lua runtimes).
func onThisRuntime(_ json: String) -> String {
    LuaRuntime.loaded == .luajit ? json.replacing(/(\d)\.0(?!\d)/) { "\($0.1)" } : json
}

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
