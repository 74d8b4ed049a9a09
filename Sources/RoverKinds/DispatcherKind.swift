/// The dispatcher strategies, by name: how requests are handed to Lua VMs.
///
/// Belongs to RoverKinds (see ``ContextKind``): parsed once at the CLI edge (`--dispatcher`),
/// never passed as a string past it; a string only inside files. RoverStrategies maps a kind to
/// its type (`make(workers:group:factory:)`). A plain value, `Sendable`.
public enum DispatcherKind: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case channel
    case mutexPool = "mutex-pool"
    case lockfreePool = "lockfree-pool"
    case affine
    case coroutine

    /// One VM per event loop (`affine`, `coroutine`): `--workers` is then the loop count.
    public var hasOneVMPerLoop: Bool { self == .affine || self == .coroutine }

    /// The file and command-line spelling (`mutex-pool`, not the case name).
    public var description: String { rawValue }
}
