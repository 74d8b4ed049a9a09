/// Why an app could not be loaded. The CLI prints the description and exits 1; nothing is served.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case unreadable, syntax, loadFailed, noRoutes, badRoutes
        /// The app uses a Rover feature rover-bench does not implement (refused, never ignored).
        case unsupported
    }
    public var kind: Kind
    /// Names the file and, where Lua knows it, the line (`app.lua:3: unexpected symbol near 'x'`).
    public var message: String
    public var description: String { message }

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
