public import RoverKinds
public import RoverReport

/// What a sweep runs: every combination of the axes, each `repeats` times, interleaved.
///
/// The order is defined here once (and pinned by a test): cells in axis order (scenario, context,
/// dispatcher, workers, connections), and repeat r runs every cell once before repeat r + 1
/// starts (A B C … A B C …), so slow drift of a shared machine spreads over all cells instead of
/// landing on whichever cell ran last. A pure value.
public struct SweepPlan: Sendable, Equatable, Codable {
    public var scenarios: [String]
    public var contexts: [ContextKind]
    public var dispatchers: [DispatcherKind]
    public var workers: [Int]
    public var connections: [Int]
    /// 0: closed loop; otherwise open loop at this many requests per second.
    public var rate: Int
    public var repeats: Int
    /// When set, each round runs its cells in a new random order drawn from this seed
    /// (randomized multiple interleaved trials): a cell is not always next to the same
    /// neighbours, so a periodic disturbance cannot land on one cell every round. nil: axis order.
    public var shuffleSeed: UInt64?
    /// When set, only these (context, dispatcher) pairs of the axes are run (each in every
    /// scenario × workers × connections group): the default sweep's design. nil: every
    /// combination of the axes.
    public var strategyPairs: [StrategyPair]?
    /// The Lua runtimes (`--lua`), the outermost axis. nil: Lua 5.4 only (as every plan before
    /// the runtime axis).
    public var runtimes: [LuaRuntime]?
    /// When set, the (connections, rate) points every cell is run at, instead of every
    /// connection count at `rate`: the latency phase's open-loop points, each a fraction of the
    /// reference's measured capacity at that connection count (``LatencyPlan``).
    public var loadPoints: [LoadPoint]?

    /// One load: keep-alive connections and an open-loop rate (0: closed loop).
    public struct LoadPoint: Sendable, Equatable, Hashable, Codable {
        public var connections: Int
        public var rate: Int
        public init(connections: Int, rate: Int) {
            self.connections = connections
            self.rate = rate
        }
    }

    /// A (context, dispatcher) combination.
    public struct StrategyPair: Sendable, Equatable, Hashable, Codable {
        public var context: ContextKind
        public var dispatcher: DispatcherKind
        public init(_ context: ContextKind, _ dispatcher: DispatcherKind) {
            self.context = context
            self.dispatcher = dispatcher
        }
    }


    public init(scenarios: [String], contexts: [ContextKind], dispatchers: [DispatcherKind], workers: [Int],
                connections: [Int], rate: Int = 0, repeats: Int) {
        self.scenarios = scenarios
        self.contexts = contexts
        self.dispatchers = dispatchers
        self.workers = workers
        self.connections = connections
        self.rate = rate
        self.repeats = repeats
    }

    /// Every cell, in axis order. The channel dispatcher has one Lua VM whatever `workers` says;
    /// its cells keep the workers value anyway, so that every (scenario, workers, connections)
    /// group has its own `eager + channel` baseline measured alongside it.
    public var cells: [CellKey] {
        var out: [CellKey] = []
        var seen = Set<CellKey>()
        for rt in runtimes ?? [.lua54] {
            for s in scenarios {
                for c in contexts {
                    for d in dispatchers where strategyPairs?.contains(StrategyPair(c, d)) ?? true {
                        for w in workers {
                            for p in loadPoints ?? connections.map({ LoadPoint(connections: $0, rate: rate) }) {
                                let key = CellKey(scenario: s, context: c, dispatcher: d,
                                                  workers: w, connections: p.connections, rate: p.rate, runtime: rt)
                                if seen.insert(key).inserted { out.append(key) }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    public struct Trial: Sendable, Equatable, Hashable {
        public var cell: CellKey
        public var repeatIndex: Int
    }

    /// The run order: repeat-major, cell-minor (each round shuffled when `shuffleSeed` is set).
    public var trials: [Trial] {
        let cells = self.cells
        return (0..<repeats).flatMap { r -> [Trial] in
            var order = cells
            if let seed = shuffleSeed {
                var rng = SplitMix64(seed: seed ^ (UInt64(r) &* 0xD1B5_4A32_D192_ED03))
                rng.shuffle(&order)
            }
            return order.map { Trial(cell: $0, repeatIndex: r) }
        }
    }
}
