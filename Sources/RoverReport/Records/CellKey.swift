public import RoverKinds

/// Identifies one cell of a sweep: scenario × context × dispatcher × workers × connections
/// (and the offered rate for open-loop runs; 0 = closed loop), on one Lua runtime (Lua 5.4, the
/// default and the runtime of every run made before the runtime axis existed, or LuaJIT).
///
/// Belongs to RoverReport (records). A value type, `Sendable`.
/// The strategies and the runtime are carried as kinds (RoverKinds), never as strings; files hold
/// their raw values (`eager`, `mutex-pool`, `luajit`, …). The axes as file columns are ``Axis``
/// (CellKey+Axis.swift): a new axis is a property here and a case there.
public struct CellKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var scenario: String
    public var context: ContextKind
    public var dispatcher: DispatcherKind
    public var workers: Int
    public var connections: Int
    public var rate: Int
    /// The Lua runtime (`--lua`): part of the load group, so each runtime has its own baseline.
    public var runtime: LuaRuntime
    /// A server given as a command (`duet --cmd`), not a `rover-bench serve` cell: `scenario` is
    /// then the side's name, and context, dispatcher, workers and runtime mean nothing.
    public var external: Bool {
        get { externalFlag ?? false }
        set { externalFlag = newValue ? true : nil }
    }
    /// Stored as nil for serve cells, so their files keep their shape (`external` only when set).
    private var externalFlag: Bool?

    /// The context of the seed's current code, which every cell is compared against.
    public static let baselineContext = ContextKind.eager
    /// The dispatcher of the seed's current code, which every cell is compared against.
    public static let baselineDispatcher = DispatcherKind.channel

    public init(scenario: String, context: ContextKind, dispatcher: DispatcherKind,
                workers: Int, connections: Int, rate: Int = 0, runtime: LuaRuntime = .lua54) {
        self.scenario = scenario
        self.context = context
        self.dispatcher = dispatcher
        self.workers = workers
        self.connections = connections
        self.rate = rate
        self.runtime = runtime
    }

    /// Stable id, safe as a file name: `scenario.context.dispatcher.w<workers>.c<connections>`,
    /// plus `.r<rate>` for open-loop cells and `.<runtime>` off Lua 5.4 (Lua 5.4 cells keep the
    /// ids they had before the runtime axis). Example: `params-only.lazy.mutex-pool.w2.c64`,
    /// `params-only.userdata.coroutine.w2.c64.luajit`.
    /// Used in the `cell` column of runs.csv and as `hgrm/<id>.hgrm`.
    public var id: String {
        if external { return "\(scenario).cmd.c\(connections)" }
        let base = "\(scenario).\(context).\(dispatcher).w\(workers).c\(connections)"
        let open = rate == 0 ? base : base + ".r\(rate)"
        return runtime == .lua54 ? open : open + ".\(runtime)"
    }

    enum CodingKeys: String, CodingKey {
        case scenario, context, dispatcher, workers, connections, rate, runtime
        case externalFlag = "external"
    }

    /// Reads keys written before the runtime axis (no `runtime`: Lua 5.4) or before external
    /// servers (no `external`: a serve cell).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(scenario: try c.decode(String.self, forKey: .scenario),
                  context: try c.decode(ContextKind.self, forKey: .context),
                  dispatcher: try c.decode(DispatcherKind.self, forKey: .dispatcher),
                  workers: try c.decode(Int.self, forKey: .workers),
                  connections: try c.decode(Int.self, forKey: .connections), rate: try c.decode(Int.self, forKey: .rate),
                  runtime: try c.decodeIfPresent(LuaRuntime.self, forKey: .runtime) ?? .lua54)
        external = try c.decodeIfPresent(Bool.self, forKey: .externalFlag) ?? false
    }

    /// A duet side given as a command (``external``), named `name`, loaded over `connections`.
    public static func command(_ name: String, connections: Int) -> CellKey {
        var key = CellKey(scenario: name, context: baselineContext, dispatcher: baselineDispatcher, workers: 0,
                          connections: connections)
        key.external = true
        return key
    }

    public var description: String { id }

    /// The cell running the seed's current code (`eager` + `channel`) with the same scenario,
    /// workers, connections, rate and runtime.
    public var baseline: CellKey {
        with(context: Self.baselineContext, dispatcher: Self.baselineDispatcher)
    }

    public var isBaseline: Bool { self == baseline }

    /// The same load (scenario, workers, connections, rate, runtime) with other strategies.
    public func with(context: ContextKind? = nil, dispatcher: DispatcherKind? = nil) -> CellKey {
        var key = CellKey(scenario: scenario, context: context ?? self.context,
                          dispatcher: dispatcher ?? self.dispatcher,
                          workers: workers, connections: connections, rate: rate, runtime: runtime)
        key.external = external
        return key
    }

    /// The load part of the key (everything but the two strategies): cells in one group
    /// are comparable with each other.
    public var group: LoadGroup {
        var g = LoadGroup(scenario: scenario, workers: workers, connections: connections, rate: rate, runtime: runtime)
        g.external = external
        return g
    }

    /// Orders by runtime, scenario, workers, connections, rate, then context and dispatcher with
    /// the seed's current code first, so tables list the baseline before its alternatives (the
    /// others by name).
    public static func < (lhs: CellKey, rhs: CellKey) -> Bool {
        if lhs.group != rhs.group { return lhs.group < rhs.group }
        let l = (lhs.context != baselineContext, lhs.context.rawValue, lhs.dispatcher != baselineDispatcher, lhs.dispatcher.rawValue)
        let r = (rhs.context != baselineContext, rhs.context.rawValue, rhs.dispatcher != baselineDispatcher, rhs.dispatcher.rawValue)
        if l.0 != r.0 { return !l.0 }
        if l.1 != r.1 { return l.1 < r.1 }
        if l.2 != r.2 { return !l.2 }
        return l.3 < r.3
    }
}

/// The load a cell is run under: cells sharing a group differ only in context and dispatcher.
public struct LoadGroup: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var scenario: String
    public var workers: Int
    public var connections: Int
    public var rate: Int
    /// The Lua runtime (``CellKey/runtime``).
    public var runtime: LuaRuntime
    /// A command's side (``CellKey/external``).
    public var external: Bool {
        get { externalFlag ?? false }
        set { externalFlag = newValue ? true : nil }
    }
    private var externalFlag: Bool?

    public init(scenario: String, workers: Int, connections: Int, rate: Int = 0, runtime: LuaRuntime = .lua54) {
        self.scenario = scenario
        self.workers = workers
        self.connections = connections
        self.rate = rate
        self.runtime = runtime
    }

    /// Human label, e.g. `params-only, 2 workers, 64 conn` (+ `, 5000 req/s` when open loop,
    /// + `, luajit` off Lua 5.4: a run on one runtime reads as before).
    public var description: String {
        if external { return "\(connections) conn" }
        let base = "\(scenario), \(workers) workers, \(connections) conn"
        let open = rate == 0 ? base : base + ", \(rate) req/s"
        return runtime == .lua54 ? open : open + ", \(runtime)"
    }

    enum CodingKeys: String, CodingKey {
        case scenario, workers, connections, rate, runtime
        case externalFlag = "external"
    }

    /// Reads groups written before the runtime axis (no `runtime`: Lua 5.4) or external servers.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(scenario: try c.decode(String.self, forKey: .scenario), workers: try c.decode(Int.self, forKey: .workers),
                  connections: try c.decode(Int.self, forKey: .connections), rate: try c.decode(Int.self, forKey: .rate),
                  runtime: try c.decodeIfPresent(LuaRuntime.self, forKey: .runtime) ?? .lua54)
        external = try c.decodeIfPresent(Bool.self, forKey: .externalFlag) ?? false
    }

    /// Lua 5.4 first, then by scenario, workers, connections and rate.
    public static func < (lhs: LoadGroup, rhs: LoadGroup) -> Bool {
        if lhs.runtime != rhs.runtime { return lhs.runtime < rhs.runtime }
        return (lhs.scenario, lhs.workers, lhs.connections, lhs.rate)
            < (rhs.scenario, rhs.workers, rhs.connections, rhs.rate)
    }
}
