/// The context builders, by name: how the engine builds each request's `ctx`.
///
/// Belongs to RoverKinds, the small target of plain kind enums every other target may name:
/// parsed once at the CLI edge, carried as a value through plans, cell keys, records and
/// summaries, and a string only inside files (its raw value, via `Codable`/CSV). RoverStrategies
/// maps a kind to its builder (`makeBuilder()`). A plain value, `Sendable`.
public enum ContextKind: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case eager, lazy, cached, shared, userdata

    /// The file and command-line spelling (so interpolation writes `eager`, not the case name).
    public var description: String { rawValue }
}
