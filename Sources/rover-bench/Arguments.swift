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

/// True in the measuring build (`Scripts/build-release.sh`: release, exclusivity checks off).
var isMeasuringBuild: Bool {
    #if ROVER_BENCH_MEASURING_BUILD
    true
    #else
    false
    #endif
}

/// What meta.json records as the build: `debug`, `release`, or `release, exclusivity unchecked`.
var buildDescription: String {
    isDebugBuild ? "debug" : isMeasuringBuild ? "release, exclusivity unchecked" : "release"
}

func warnIfDebug() {
    if isDebugBuild {
        printErr("warning: this is a debug build; timings are meaningless. Build with Scripts/build-release.sh.")
    } else if !isMeasuringBuild {
        printErr("warning: a release build with Swift's exclusivity checks on (about 7k instructions per HTTP request): "
                 + "its figures are not comparable with the committed ones. Build with Scripts/build-release.sh.")
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
