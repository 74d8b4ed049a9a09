import ArgumentParser

@main
struct RoverBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rover-bench",
        abstract: "Measure how an embedded-Lua HTTP server should build ctx and dispatch to Lua VMs.",
        subcommands: [
            MicroCommand.self,
            LoadCommand.self,
            MergeCommand.self,
            ReportCommand.self,
            GateCommand.self,
        ]
    )
}
