public import RoverEngine

/// The context builders, by name. Parsed at the CLI edge; this is the one place that maps a
/// name to a type.
public enum ContextKind: String, CaseIterable, Sendable, Codable {
    case eager, lazy, cached, shared, userdata

    public func makeBuilder() -> any ContextBuilder {
        switch self {
        case .eager: EagerContext()
        case .lazy: LazyContext()
        case .cached: CachedContext()
        case .shared: SharedContext()
        case .userdata: UserdataContext()
        }
    }
}
