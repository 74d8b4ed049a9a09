/// A Lua failure, as Swift sees it. Lua's own errors never unwind Swift frames: they are caught
/// by `lua_pcall` and turned into this value.
public struct LuaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A chunk failed to compile; the message names the chunk and line (`app.lua:3: …`).
        case syntax
        /// A runtime error raised by Lua code or an accessor.
        case runtime
        /// An allocation was refused: the VM's memory limit, or the machine's memory.
        case memory
        /// The handler ran out of its instruction budget.
        case budget
        /// Not a failure: the request is answered with this status (a malformed JSON body: 400;
        /// a body that fails validation: 400, with `body`).
        case rejected(status: Int)
    }

    public var kind: Kind
    /// The error message, first line first (`app.lua:12: boom`).
    public var message: String
    /// `stack traceback:` lines, when Lua could produce them.
    public var traceback: String
    /// A rejection's own JSON answer, when it has one (validation errors: `{"errors":[…]}`);
    /// other rejections are answered `{"error": message}`.
    public var body: [UInt8]?

    public init(kind: Kind, message: String, traceback: String = "", body: [UInt8]? = nil) {
        self.kind = kind
        self.message = message
        self.traceback = traceback
        self.body = body
    }

    public var description: String { traceback.isEmpty ? message : message + "\n" + traceback }

    /// Splits what `rover_msgh` produced (message, newline, "stack traceback:" …).
    init(kind: Kind, combined: String) {
        let marker = Array("\nstack traceback:".utf8)
        let bytes = Array(combined.utf8)
        if let i = bytes.indices.first(where: { bytes[$0...].starts(with: marker) }) {
            self.init(kind: kind, message: String(decoding: bytes[..<i], as: UTF8.self),
                      traceback: String(decoding: bytes[(i + 1)...], as: UTF8.self))
        } else {
            self.init(kind: kind, message: combined)
        }
    }
}

/// A reference to a value kept alive in a VM's registry (`luaL_ref`).
public struct LuaRef: Sendable, Hashable {
    public let raw: Int32
}

/// The four accessors of a Rover `ctx`.
public enum LuaAccessor: Int32, Sendable, CaseIterable {
    case headers = 0, query = 1, params = 2, body = 3

    /// The field name (`ctx:headers()`), as a C string literal.
    public var name: StaticString {
        switch self {
        case .headers: "headers"
        case .query: "query"
        case .params: "params"
        case .body: "body"
        }
    }
}

/// Lua's basic types (`lua_type`).
public enum LuaType: Int32, Sendable {
    case none = -1, `nil` = 0, boolean, lightUserdata, number, string, table, function, userdata, thread
}
