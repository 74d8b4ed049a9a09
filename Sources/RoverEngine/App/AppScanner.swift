/// Finds, before an app runs, the Rover features it uses that rover-bench does not implement, so
/// that `serve` and `sweep` refuse the app at load naming the feature and its line, even when the
/// feature is used only inside a handler (which would otherwise fail, or be ignored, per request).
///
/// Runs once per app file at load (AppLoader). It reads tokens, not a parse tree: it matches name
/// chains (`rover.db`, `api.stream`, `ctx:cookies`, `api.html(…) [[…]]`). The prelude refuses the
/// same features at run time as a second net, and refuses route-table shapes itself (WebSocket
/// routes, static mounts, non-method handlers, `rover.server{}` keys).
enum AppScanner {
    struct Refusal: Equatable {
        var line: Int
        var message: String
    }

    /// `rover.<name>` that an app may use.
    static let roverAllowed: Set<String> = ["server", "guard"]
    /// `api.<name>` response helpers Rover has and rover-bench does not.
    static let apiUnsupported: [String: String] = [
        "stream": "streaming responses (api.stream)",
        "stream_with_headers": "streaming responses (api.stream_with_headers)",
        "sse": "server-sent events (api.sse)",
        "idempotent": "idempotency keys (api.idempotent)",
        "raw": "raw responses (api.raw)",
    ]
    /// `rover.guard.<name>` that an app may use: Rover's validator builders (`rover.guard:string()`
    /// …, `extend`, `validate`) and the seed's `__body_value` hook. `rover.guard` itself, and
    /// calling it (`rover.guard(data, schema)`), are allowed too.
    static let guardAllowed: Set<String> = ["string", "number", "integer", "boolean", "array", "object",
                                            "extend", "validate", "__body_value"]
    /// ctx methods rover-bench implements.
    static let ctxMethods: Set<String> = ["headers", "query", "params", "body", "set", "get", "request_id"]
    /// ctx fields Rover fills and rover-bench does not (reading them would silently give nil).
    static let ctxFieldsUnsupported: Set<String> = ["ip", "client_ip", "proto", "client_proto"]

    /// The first unsupported use in `source`, in source order.
    static func firstRefusal(in source: [UInt8]) -> Refusal? {
        var ignored = false
        return firstRefusal(in: source, names: [], found: &ignored)
    }

    /// `firstRefusal(in:)`, and (from the same tokens) whether `source` has a name in `names`.
    static func firstRefusal(in source: [UInt8], names wanted: Set<String>, found: inout Bool) -> Refusal? {
        let t = LuaTokens.tokenize(source)
        if !wanted.isEmpty { found = t.contains { $0.kind == .name && wanted.contains($0.text) } }
        var apiNames: Set<String> = ["api"]
        for k in t.indices where k + 4 < t.count && t[k].kind == .name && t[k + 1].text == "=" {
            if t[k + 2].text == "rover" && t[k + 3].text == "." && t[k + 4].text == "server" { apiNames.insert(t[k].text) }
        }
        func isName(_ k: Int, _ name: String? = nil) -> Bool {
            k < t.count && t[k].kind == .name && (name == nil || t[k].text == name)
        }
        func sep(_ k: Int) -> Bool { k < t.count && (t[k].text == "." || t[k].text == ":") }
        var guardNames: Set<String> = []  // `local g = rover.guard`: g.x / g:x are rover.guard's
        for k in t.indices where k + 4 < t.count && t[k].kind == .name && t[k + 1].text == "=" {
            if t[k + 2].text == "rover" && t[k + 3].text == "." && t[k + 4].text == "guard" && !sep(k + 5) { guardNames.insert(t[k].text) }
        }
        func guardRefusal(_ k: Int, _ line: Int) -> Refusal? {  // k: the member after `rover.guard` or an alias
            guard isName(k), !guardAllowed.contains(t[k].text) else { return nil }
            return Refusal(line: line, message: "rover.guard.\(t[k].text) is not supported by rover-bench (it has rover.guard's string, number, integer, boolean, array, object, extend, validate and rover.guard(data, schema))")
        }
        for k in t.indices where t[k].kind == .name {
            if k > 0 && sep(k - 1) { continue }  // only chains that start here
            let name = t[k].text
            guard sep(k + 1), isName(k + 2) else { continue }
            let member = t[k + 2].text
            let line = t[k].line
            if name == "rover" {
                if !roverAllowed.contains(member) {
                    return Refusal(line: line, message: "rover.\(member) is not supported by rover-bench")
                }
                if member == "guard" && sep(k + 3), let refusal = guardRefusal(k + 4, line) { return refusal }
            } else if guardNames.contains(name) {
                if let refusal = guardRefusal(k + 2, line) { return refusal }
            } else if apiNames.contains(name) {
                if let what = apiUnsupported[member] {
                    if t.count > k + 4 && t[k + 3].text == "." && isName(k + 4) {  // a route under a reserved name
                        return Refusal(line: line, message: "\(name).\(member).\(t[k + 4].text): `\(member)` is Rover's \(what), not a path segment (Rover skips routes under it); rover-bench does not support it")
                    }
                    return Refusal(line: line, message: "\(what) is not supported by rover-bench")
                }
                if member == "html", let end = skipArguments(t, from: k + 3), end < t.count, t[end].kind == .string {
                    return Refusal(line: line, message: "HTML templates (\(name).html(data) [[template]]) are not supported by rover-bench")
                }
            } else if name == "ctx" {
                if t[k + 1].text == ":" && !ctxMethods.contains(member) && k + 3 < t.count
                    && (t[k + 3].text == "(" || t[k + 3].text == "{" || t[k + 3].kind == .string) {
                    return Refusal(line: line, message: "ctx:\(member)() is not supported by rover-bench")
                }
                if t[k + 1].text == "." && ctxFieldsUnsupported.contains(member) {
                    return Refusal(line: line, message: "ctx.\(member) is not supported by rover-bench")
                }
            }
        }
        return nil
    }

    /// The index after one call's arguments starting at `k`: `( … )`, `{ … }` or a string.
    private static func skipArguments(_ t: [LuaToken], from k: Int) -> Int? {
        guard k < t.count else { return nil }
        if t[k].kind == .string { return k + 1 }
        let open = t[k].text
        guard open == "(" || open == "{" else { return nil }
        let close = open == "(" ? ")" : "}"
        var depth = 0
        var j = k
        while j < t.count {
            if t[j].kind == .punct && t[j].text == open { depth += 1 }
            if t[j].kind == .punct && t[j].text == close { depth -= 1; if depth == 0 { return j + 1 } }
            j += 1
        }
        return nil
    }
}

extension AppScanner {

    /// The line of the first `key =` in `source` (a `rover.server{}` key), else 1.
    static func line(ofKey key: String, in source: [UInt8]) -> Int {
        let t = LuaTokens.tokenize(source)
        for k in t.indices where k + 1 < t.count && t[k].kind == .name && t[k].text == key && t[k + 1].text == "=" {
            return t[k].line
        }
        return 1
    }
}
