import Foundation
public import ArgumentParser
import RoverStrategies
public import RoverKinds
public import RoverRunner

extension ContextKind: ExpressibleByArgument {}

/// Where the scenario catalog lives (`Scenarios/` next to the package by default).
struct ScenarioOptions: ParsableArguments {
    @Option(name: .long, help: "Folder holding one sub-folder per scenario (app.lua + scenario.json).")
    var scenariosDir = "Scenarios"

    @Option(name: .customLong("scenario"), parsing: .upToNextOption,
            help: "Scenarios to run (default: all in the catalog for micro; see each command).")
    var scenarios: [String] = []
}

/// True in a debug build, where timings mean nothing.
var isDebugBuild: Bool {
    #if DEBUG
    true
    #else
    false
    #endif
}

func warnIfDebug() {
    if isDebugBuild {
        printErr("warning: this is a debug build; timings are meaningless. Build with `swift build -c release`.")
    }
}

func printErr(_ s: String, terminator: String = "\n") {
    var e = StandardError()
    print(s, terminator: terminator, to: &e)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
extension LatencyPlan.Method: ExpressibleByArgument {}
