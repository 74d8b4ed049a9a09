public import RoverKinds
public import RoverLua

/// The one place that maps a context kind to its builder type.
///
/// Belongs to RoverStrategies (it names every builder); the kind itself lives in RoverKinds, the
/// builders (`<Name>Context`, one file each) in RoverLua.
extension ContextKind {
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
