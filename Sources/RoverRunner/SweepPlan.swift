public import RoverReport

/// What a sweep runs: every combination of the axes, each `repeats` times, interleaved.
///
/// The order is defined here once (and pinned by a test): cells in axis order (scenario, context,
/// dispatcher, workers, connections), and repeat r runs every cell once before repeat r + 1
/// starts (A B C … A B C …), so slow drift of a shared machine spreads over all cells instead of
/// landing on whichever cell ran last. A pure value.
public struct SweepPlan: Sendable, Equatable, Codable {
    public var scenarios: [String]
    public var contexts: [String]
    public var dispatchers: [String]
    public var workers: [Int]
    public var connections: [Int]
    /// 0: closed loop; otherwise open loop at this many requests per second.
    public var rate: Int
    public var repeats: Int

    public init(scenarios: [String], contexts: [String], dispatchers: [String], workers: [Int],
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
        for s in scenarios {
            for c in contexts {
                for d in dispatchers {
                    for w in workers {
                        for n in connections {
                            let key = CellKey(scenario: s, context: c, dispatcher: d,
                                              workers: w, connections: n, rate: rate)
                            if seen.insert(key).inserted { out.append(key) }
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

    /// The run order: repeat-major, cell-minor.
    public var trials: [Trial] {
        let cells = self.cells
        return (0..<repeats).flatMap { r in cells.map { Trial(cell: $0, repeatIndex: r) } }
    }
}
