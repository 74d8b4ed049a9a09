import Foundation
import RoverKinds
import RoverLua

/// Loads a Rover app into a VM: the prelude, then the app file, then the routes it declared.
/// Runs once per VM, before any request; every failure names the app file.
enum AppLoader {
    struct Loaded {
        var router: Router
        var handlers: [LuaRef]
        var responseMetatable: LuaRef
        /// `rover.server{ body_size_limit = n }`: larger bodies are answered 413 before routing.
        var bodySizeLimit: Int?
        /// The Rover-defaults profile, configured by the app's keys; nil under the seed profile.
        var defaults: RoverDefaults?
    }

    /// The app's name inside Lua (error messages, tracebacks): relative to the working directory
    /// when the app lies under it. The name lives in the Lua heap, and Lua's garbage collector
    /// paces itself by heap size: an absolute path would make allocation and instruction counts
    /// depend on where the repository was cloned (seen: 15.16 vs 15.02 Lua allocations per
    /// request for the same build from two folders). Relative, they repeat in every clone.
    static func chunkPath(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    static func load(_ path: String, into vm: LuaVM, profile: ResponseProfile = .seed) throws(EngineError) -> Loaded {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError(.unreadable, "\(path): cannot read the app file")
        }
        do {
            try vm.run(source: Array(RoverPrelude.source.utf8), name: RoverPrelude.chunkName, results: 0)
        } catch {
            fatalError("the Rover prelude failed to load: \(error)")  // a bug here, not in the app
        }
        // One token scan: refusals, and whether the app names a key the engine reads or
        // `on_error` (then the prelude's engine chunk runs; an app that does not is loaded exactly
        // as before it existed).
        var usesEngineKeys = false
        if let refusal = AppScanner.firstRefusal(in: Array(data), names: RoverPrelude.engineTriggers, found: &usesEngineKeys) {
            throw EngineError(.unsupported, "\(path):\(refusal.line): \(refusal.message)")
        }
        if usesEngineKeys {
            do {
                try vm.run(source: Array(RoverPrelude.engine.utf8), name: RoverPrelude.engineChunkName, results: 0)
            } catch {
                fatalError("the Rover prelude's engine chunk failed to load: \(error)")
            }
        }
        if LuaRuntime.loaded == .luajit, let refusal = AppScanner.firstLuaJITRefusal(in: Array(data)) {
            throw EngineError(.unsupported, "\(path):\(refusal.line): \(refusal.message)")
        }
        let result: LuaRef
        do {
            result = try vm.evaluate(source: Array(data), name: "@" + chunkPath(path))
        } catch {
            throw EngineError(error.kind == .syntax ? .syntax : .loadFailed, untruncated(error.message, chunkPath(path)))
        }
        let (responseMetatable, declare) = vm.withGlobal("rover") { rover, _ in
            (vm.refToRawField("__response_mt", of: rover), vm.refToRawField("__routes", of: rover))
        }
        // `rover.__routes(app)` lists the routes the app declared, or says `nil, message` of a
        // feature rover-bench does not implement.
        let declared: Result<[Declared], EngineError>
        do {
            declared = try vm.call(declare, argument: result, results: 2) { list in routes(vm, list, path) }
        } catch {
            throw EngineError(.badRoutes, "\(path): cannot read the route table: \(error.message)")
        }
        var table = RouteTable()
        var handlers: [LuaRef] = []
        for route in try declared.get() {
            let display = (route.path.isEmpty ? "/" : route.path)
            guard table.add(path: route.path, method: route.method) else {
                throw EngineError(.badRoutes, "\(path): route \(route.method.token) \(display) is declared twice")
            }
            handlers.append(route.handler)
        }
        let limit = vm.withGlobal("rover") { rover, _ in
            vm.withRawField("__config", of: rover) { config, _ in vm.rawInteger("body_size_limit", of: config) }
        }.map { Int($0) }
        // The keys the engine reads itself (`CONFIG_ENGINE` in the prelude), from `api.config`.
        // Without the engine chunk the prelude has refused every key the engine reads.
        let defaults = !usesEngineKeys ? RoverDefaults() : try vm.withRef(result) { (api, type) throws(EngineError) -> RoverDefaults in
            guard type == .table else { return RoverDefaults() }
            return try vm.withRawField("config", of: api) { (config, ctype) throws(EngineError) -> RoverDefaults in
                guard ctype == .table else { return RoverDefaults() }
                return try RoverDefaults.read(vm, config: config, profile: profile, path: path, source: Array(data))
            }
        }
        return Loaded(router: Router(table), handlers: handlers, responseMetatable: responseMetatable,
                      bodySizeLimit: limit, defaults: profile == .roverDefaults ? defaults : nil)
    }

    private struct Declared {
        var path: String
        var method: HTTPMethod
        var handler: LuaRef
    }

    /// The results of `rover.__routes`: at `list` the route list, after it the refusal (if any).
    private static func routes(_ vm: LuaVM, _ list: Int32, _ path: String) -> Result<[Declared], EngineError> {
        if let refusal = vm.string(at: list + 1) {  // `nil, message`: a feature rover-bench does not implement
            return .failure(EngineError(.unsupported, untruncated(refusal, path)))
        }
        var out: [Declared] = []
        if vm.type(at: list) == .table {
            vm.forEachElement(of: list) { _, route, _ in
                out.append(Declared(path: vm.rawString("path", of: route) ?? "",
                                    method: HTTPMethod(routeKey: vm.rawString("method", of: route) ?? ""),
                                    handler: vm.refToRawField("fn", of: route)))
            }
        }
        guard !out.isEmpty else {
            return .failure(EngineError(.noRoutes, "\(path): the app declares no routes (expected `local api = rover.server {}` with handlers such as `function api.users.p_id.get(ctx)`, and `return api`)"))
        }
        return .success(out)
    }

    /// Lua shortens long chunk names to `...tail`; put the whole path back so the message names
    /// the file a user can open.
    static func untruncated(_ message: String, _ path: String) -> String {
        guard message.hasPrefix("..."), let colon = message.firstIndex(of: ":") else { return message }
        let tail = message[message.index(message.startIndex, offsetBy: 3)..<colon]
        return path.hasSuffix(tail) ? path + message[colon...] : message
    }
}
