import RoverLua

/// Turns a handler's return value into a `Response`, as Rover does:
/// a plain table → JSON 200; a string → text 200; a number or boolean → its text, 200; nil → 204;
/// a builder's response object (`api.json`, `api.text`, `api.html`, `api.redirect`, `api.error`,
/// `api.no_content`) → its status, type and body (api.json: a string is the JSON text, and a
/// `headers` table in the data becomes response headers, as in Rover). Reads with raw accesses
/// only: no Lua runs.
enum ResponseConverter {
    /// Past this capacity a JSON body's storage is not kept for the next response.
    static let reusableBodyCapacity = 16 * 1024

    /// `spare` is the caller's last JSON body: its storage is refilled for this one when nothing
    /// else holds it any more (the last response has been written), copied on write when
    /// something does, so a plain-table answer allocates no body once the VM is warm.
    static func convert(_ vm: LuaVM, at index: Int32, responseMetatable: LuaRef, spare: inout [UInt8]) -> Response {
        switch vm.type(at: index) {
        case .nil, .none:
            return Response(status: 204, contentType: nil)
        case .string, .number, .boolean:
            return Response(status: 200, contentType: .text, body: vm.scalarText(at: index) ?? [])
        case .table:
            if vm.hasMetatable(responseMetatable, at: index) { return builderResponse(vm, index) }
            return json(vm, index, status: 200, spare: &spare)
        case let other:
            return Response.error(500, "handler returned a \(other) value; return a table, string, number, boolean or nil")
        }
    }

    private static func json(_ vm: LuaVM, _ index: Int32, status: Int, spare: inout [UInt8]) -> Response {
        var body = spare
        spare = []  // `body` is now the only holder unless the last response is still alive
        body.removeAll(keepingCapacity: true)
        if body.capacity < 64 { body.reserveCapacity(64) }
        do {
            try vm.appendJSON(at: index, to: &body)
        } catch {
            return Response.error(500, error.message)
        }
        if body.capacity <= reusableBodyCapacity { spare = body }
        return Response(status: status, contentType: .json, body: body)
    }

    /// As Rover: a `headers` table in api.json's data is sent as response headers (and, being
    /// part of the data, in the JSON too). `[]` when there is none; nil when it is malformed.
    private static func headers(_ vm: LuaVM, _ data: Int32) -> [HTTPField]? {
        vm.withRawField("headers", of: data) { t, type in
            switch type {
            case .nil: return []
            case .table:
                guard let pairs = vm.stringPairs(of: t) else { return nil }
                let bad: (String) -> Bool = { $0.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 } }
                guard !pairs.contains(where: { $0.0.isEmpty || bad($0.0) || $0.0.contains(":") || bad($0.1) }) else { return nil }
                return pairs.map { HTTPField($0.0, $0.1) }
            default: return nil
            }
        }
    }

    private static func builderResponse(_ vm: LuaVM, _ t: Int32) -> Response {
        let status = Int(vm.rawInteger("status", of: t) ?? 0)
        let kind = vm.rawString("kind", of: t) ?? ""
        return vm.withRawField("body", of: t) { body, _ in builderResponse(vm, t, kind: kind, status: status, body: body) }
    }

    private static func builderResponse(_ vm: LuaVM, _ t: Int32, kind: String, status: Int, body: Int32) -> Response {
        switch kind {
        case "json":
            var fresh: [UInt8] = []  // api.json's bodies are not kept (the plain-table path's are)
            switch vm.type(at: body) {
            case .string:  // as Rover: api.json("…") sends the string as the JSON text
                return Response(status: status, contentType: .json, body: vm.bytes(at: body) ?? [])
            case .table:
                var r = json(vm, body, status: status, spare: &fresh)
                if r.status == status, let fields = headers(vm, body) { r.headers = fields }
                else if r.status == status { return Response.error(500, "api.json: `headers` must be a table of string names and values, without CR, LF or NUL") }
                return r
            default:
                return json(vm, body, status: status, spare: &fresh)
            }
        case "text", "html":
            let type: ContentType = kind == "text" ? .text : .html
            switch vm.type(at: body) {
            case .nil: return Response(status: status, contentType: type)
            case .string, .number, .boolean:
                return Response(status: status, contentType: type, body: vm.scalarText(at: body) ?? [])
            case let other:
                return Response.error(500, "api.\(kind) expects a string, got a \(other) value")
            }
        case "redirect":
            guard let location = vm.rawString("location", of: t) else {
                return Response.error(500, "api.redirect expects a URL string")
            }
            return Response(status: status, contentType: .text, headers: [HTTPField("Location", location)])
        case "error":
            let message = vm.scalarText(at: body).map { String(decoding: $0, as: UTF8.self) } ?? "error"
            return Response.error(status, message)
        default:  // "empty"
            return Response(status: status, contentType: nil)
        }
    }
}

extension Response {
    /// The answer to a rejection raised in Lua (`rover_reject.h`): its own JSON body when it has
    /// one (validation errors, `{"errors":[…]}`, as Rover's uncaught ValidationErrors), else
    /// `{"error": message}`.
    static func rejection(_ status: Int, _ error: LuaError) -> Response {
        guard let body = error.body else { return .error(status, error.message) }
        return Response(status: status, contentType: .json, body: body)
    }
}
