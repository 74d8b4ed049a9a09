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

    static func load(_ path: String, into vm: LuaVM) throws(EngineError) -> Loaded {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError(.unreadable, "\(path): cannot read the app file")
        }
        do {
            try vm.run(source: Array(RoverPrelude.source.utf8), name: RoverPrelude.chunkName, results: 0)
        } catch {
            fatalError("the Rover prelude failed to load: \(error)")  // a bug here, not in the app
        }
        if let refusal = AppScanner.firstRefusal(in: Array(data)) {
            throw EngineError(.unsupported, "\(path):\(refusal.line): \(refusal.message)")
        }
        if LuaRuntime.loaded == .luajit, let refusal = AppScanner.firstLuaJITRefusal(in: Array(data)) {
            throw EngineError(.unsupported, "\(path):\(refusal.line): \(refusal.message)")
        }
        let base = vm.top
        defer { vm.setTop(base) }
        do {
            try vm.run(source: Array(data), name: "@" + chunkPath(path), results: 1)
        } catch {
            throw EngineError(error.kind == .syntax ? .syntax : .loadFailed, untruncated(error.message, chunkPath(path)))
        }
        let result = vm.top
        vm.pushGlobal("rover")
        vm.rawField("__response_mt", of: -1)
        let responseMetatable = vm.ref()
        let handler = vm.top + 1
        vm.pushMessageHandler()
        vm.rawField("__routes", of: -2)
        if vm.type(at: result) == .table { vm.pushValue(at: result) } else { vm.pushNil() }
        do {
            try vm.pcall(arguments: 1, results: 2, messageHandler: handler)
        } catch {
            throw EngineError(.badRoutes, "\(path): cannot read the route table: \(error.message)")
        }
        if let refusal = vm.string(at: -1) {  // `nil, message`: a feature rover-bench does not implement
            throw EngineError(.unsupported, untruncated(refusal, path))
        }
        vm.pop()
        let list = vm.top
        guard vm.type(at: list) == .table, vm.rawLength(of: list) > 0 else {
            throw EngineError(.noRoutes, "\(path): the app declares no routes (expected `local api = rover.server {}` with handlers such as `function api.users.p_id.get(ctx)`, and `return api`)")
        }
        var table = RouteTable()
        var handlers: [LuaRef] = []
        for i in 1...vm.rawLength(of: list) {
            vm.rawIndex(i, of: list)
            vm.rawField("path", of: -1)
            let routePath = vm.string(at: -1) ?? ""
            vm.rawField("method", of: -2)
            let method = HTTPMethod(routeKey: vm.string(at: -1) ?? "")
            vm.pop(2)
            let display = (routePath.isEmpty ? "/" : routePath)
            guard table.add(path: routePath, method: method) else {
                throw EngineError(.badRoutes, "\(path): route \(method.token) \(display) is declared twice")
            }
            vm.rawField("fn", of: -1)
            handlers.append(vm.ref())
            vm.pop()
        }
        vm.pushGlobal("rover")
        vm.rawField("__config", of: -1)
        vm.rawField("body_size_limit", of: -1)
        let limit = vm.type(at: -1) == .number ? Int(vm.integer(at: -1)) : nil
        return Loaded(router: Router(table), handlers: handlers, responseMetatable: responseMetatable,
                      bodySizeLimit: limit)
    }

    /// Lua shortens long chunk names to `...tail`; put the whole path back so the message names
    /// the file a user can open.
    static func untruncated(_ message: String, _ path: String) -> String {
        guard message.hasPrefix("..."), let colon = message.firstIndex(of: ":") else { return message }
        let tail = message[message.index(message.startIndex, offsetBy: 3)..<colon]
        return path.hasSuffix(tail) ? path + message[colon...] : message
    }
}
