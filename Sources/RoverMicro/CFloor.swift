import CLua
public import RoverKinds
import RoverLua

/// The plain-C floor of the params-only request path (see `rover_floor.h`): what the loaded Lua
/// runtime (Lua 5.4 unless `--lua`/`ROVER_LUA` chose LuaJIT) costs for building ctx and running `return { user_id = ctx:params().id }` with no Swift around it.
///
/// Belongs to RoverMicro: a benchmark (the micro command reports it beside the engine), not
/// part of the Lua wrapper. Runs on the calling thread in a Lua state of its own.
public enum CFloor {
    public enum Mode: Int32, CaseIterable, Sendable {
        case eager = 0, lazy = 1, cached = 2
    }

    public struct Result: Sendable {
        public var nsPerRequest: Double
        public var cpuNsPerRequest: Double
        public var allocsPerRequest: Double
        public var bytesPerRequest: Double
        public var closuresPerRequest: Double
        /// Every handler result read back as expected (the floor did the work it claims).
        public var verified: Bool
    }

    /// Runs `requests` requests in a fresh Lua state on the calling thread.
    public static func run(_ mode: Mode, requests: Int) -> Result {
        LuaRuntime.ensureLoaded()  // the C makes its own state: the runtime must be loaded first
        let r = rover_floor_run(mode.rawValue, Int32(requests))
        let n = Double(requests)
        return Result(nsPerRequest: r.ns_per_request, cpuNsPerRequest: r.cpu_ns_per_request,
                      allocsPerRequest: Double(r.allocs) / n, bytesPerRequest: Double(r.bytes) / n,
                      closuresPerRequest: Double(r.closures) / n, verified: r.ok != 0)
    }
}

extension CFloor.Mode {
    /// The engine's context builder this C floor mode mirrors (its row is the ratio's numerator).
    public var context: ContextKind {
        switch self {
        case .eager: .eager
        case .lazy: .lazy
        case .cached: .cached
        }
    }
}
