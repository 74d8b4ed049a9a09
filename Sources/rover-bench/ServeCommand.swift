public import ArgumentParser
import Foundation
import RoverEngine
import RoverStrategies
import RoverRunner
import RoverLua
public import RoverKinds
import RoverSystem

extension DispatcherKind: ExpressibleByArgument {}

/// `rover-bench serve APP.lua …`: serve one Rover app over HTTP/1.1 until SIGINT/SIGTERM.
///
/// Prints `listening on http://HOST:PORT` (flushed) once the socket is bound so a parent process
/// can wait for it; exits 1 with the engine's message when the app fails to load; on a signal it
/// finishes in-flight requests and exits 0.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve a Rover app over HTTP/1.1 (loopback by default).")

    @Argument(help: "The Rover app (a Lua file returning the api table).")
    var appPath: String

    @Option(help: "Context builder: \(ContextKind.allCases.map(\.rawValue).joined(separator: "|")).")
    var context: ContextKind = .eager

    @Option(help: "Dispatcher: \(DispatcherKind.allCases.map(\.rawValue).joined(separator: "|")).")
    var dispatcher: DispatcherKind = .channel

    @Option(name: .customLong("workers"), help: "Lua VMs for the pools (1...64). channel has one; affine and coroutine one per event loop. Default: the CPUs this process may run on (its affinity, e.g. under taskset).")
    var workersOption: Int?

    /// `--workers`, or the CPUs this process may use: a default never oversubscribes the machine
    /// (a fixed 4 on 2 cores cost a new user about a quarter of the throughput).
    var workers: Int { workersOption ?? min(AllowedCPUs.count, LockFreePoolDispatcher.maxWorkers) }

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one (the listening line says which).")
    var port: Int = 0

    @Option(help: "Event-loop threads. Default: --workers for affine and coroutine, else the CPUs this process may run on.")
    var threads: Int?

    @OptionGroup var lua: LuaOptions

    @Flag(help: "Reference: answer every request with {\"user_id\":\"123\"} without Lua (the HTTP layer's floor).")
    var bare = false

    @Option(name: .customLong("max-body"), help: "Largest request body in bytes (larger → 413).")
    var maxBody: Int = 1 << 20

    /// `sweep` checks each app with this before it measures (`AppCheck`), so an app that ends,
    /// crashes or hangs the process while loading does so in a child.
    @Flag(help: ArgumentHelp("Load the app once and exit: 0 and `\(AppCheck.marker)loaded` on stdout, or 1 and `\(AppCheck.marker)error|refused: MESSAGE`.",
                             visibility: .hidden))
    var check = false

    func validate() throws {
        guard (1...LockFreePoolDispatcher.maxWorkers).contains(workers) else {
            throw ValidationError("--workers must be in 1...\(LockFreePoolDispatcher.maxWorkers), got \(workers)")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535, got \(port)") }
        if let threads {
            guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1...256, got \(threads)") }
            if dispatcher.hasOneVMPerLoop, threads != workers {
                throw ValidationError("--threads (\(threads)) must equal --workers (\(workers)) for \(dispatcher.rawValue): one VM per loop")
            }
        }
        guard maxBody >= 0 else { throw ValidationError("--max-body must be >= 0, got \(maxBody)") }
    }

    func run() throws {
        if check { return try checkLoad() }
        let fdLimit = FileDescriptorLimit.raiseToHardLimit()
        if let warning = FileDescriptorLimit.warning(limit: fdLimit) { printErr(warning) }
        guard FileManager.default.isReadableFile(atPath: appPath) else {
            printErr("error: cannot read app file \(appPath)")
            throw ExitCode(1)
        }
        let loops = threads ?? (dispatcher.hasOneVMPerLoop ? workers : AllowedCPUs.count)
        if !bare { try lua.load() }
        let factory = makeHandlerFactory(appPath: appPath, context: context, limits: lua.limits)
        var limits = HTTPLimits()
        limits.maxBodyBytes = maxBody
        let server: RoverServer
        let (kind, workers, host, port, httpLimits, bare) = (dispatcher, workers, host, port, limits, bare)
        do {
            server = try blocking {
                try await RoverServer.start(host: host, port: port, limits: httpLimits, eventLoopThreads: loops) {
                    bare ? BareResponder() : try kind.make(workers: workers, group: $0, factory: factory)
                }
            }
        } catch {
            printErr("error: \(error)")
            throw ExitCode(1)
        }
        // Written straight to fd 1 (no stdio buffer), so a parent reading a pipe sees it now.
        FileHandle.standardOutput.write(Data("listening on http://\(host):\(server.port)\n".utf8))
        try blocking {
            _ = await SignalWaiter.waitForTermination()
            await server.stop()
        }
    }

    /// `--check`: one VM with the app loaded, then exit without closing it (a finalizer the app
    /// set cannot run after the answer). Every answer is one line on stdout (`AppCheck`).
    private func checkLoad() throws {
        func answer(_ line: String) {  // on a line of its own, even after an app's unterminated output
            let text = line.replacingOccurrences(of: "\n", with: " | ")
            FileHandle.standardOutput.write(Data(("\n" + AppCheck.marker + text + "\n").utf8))
        }
        do { try lua.runtime.load() } catch {
            answer("error: \(appPath): cannot load --lua \(lua.runtime.rawValue): \(error)")
            throw ExitCode(1)
        }
        let engine: Engine
        do { engine = try Engine(appPath: appPath, builder: context.makeBuilder(), limits: lua.limits) } catch {
            printErr("error: \(error.message)")
            answer((error.kind == .unsupported ? "refused: " : "error: ") + error.message)
            throw ExitCode(1)
        }
        withExtendedLifetime(engine) {
            answer("loaded")
            Foundation.exit(0)
        }
    }
}
