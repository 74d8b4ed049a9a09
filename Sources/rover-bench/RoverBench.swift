import ArgumentParser

@main
struct RoverBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rover-bench",
        abstract: "Measure how an embedded-Lua HTTP server should build ctx and dispatch to Lua VMs.",
        subcommands: [
            SweepCommand.self,
            DuetCommand.self,
            ServeCommand.self,
            LoadCommand.self,
            MergeCommand.self,
            BarrierCommand.self,
            MicroCommand.self,
            ReportCommand.self,
            GateCommand.self,
            HotPathTallyCommand.self,
        ]
    )
}
