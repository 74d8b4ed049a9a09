public import RoverScenarios
import Glibc
public import RoverEngine
import RoverLua
import RoverReport
public import RoverKinds
import RoverStrategies
import RoverSystem

/// The in-process benchmark: `Engine.handle` with no sockets, for each scenario × context
/// builder, interleaved (every cell once per round, `rounds` rounds), after a warm-up.
///
/// Each round times a batch sized to take ~`roundMillis` on this machine and checks the response
/// against the scenario's expectation, so a cell cannot win by skipping work. Reports the median
/// over rounds of wall and thread-CPU time per request, and the exact per-request counters.
/// Runs on the calling thread.
public struct MicroBench {
    public struct Config: Sendable {
        public var scenarios: [Scenario]
        public var contexts: [ContextKind]
        public var rounds = 7
        public var roundMillis = 40.0
        public var warmupRequests = 2_000
        /// A fixed batch per round instead of one sized by `roundMillis` (for instruction counts:
        /// run twice with different batches under callgrind and divide the difference).
        public var fixedBatch: Int?
        /// Call ``CallgrindMark/hit()`` right before and right after each measured batch, so
        /// `valgrind --tool=callgrind --dump-before='*callgrindMarkHit*'` dumps each batch's exact
        /// instructions as its own part (see `Scripts/instructions.sh`).
        public var callgrindMarks = false
        public var limits = EngineLimits()
        public init(scenarios: [Scenario], contexts: [ContextKind]) {
            self.scenarios = scenarios
            self.contexts = contexts
        }
    }

    public struct Row: Sendable {
        public var scenario: String
        public var context: ContextKind
        public var nsPerRequest: Double
        public var cpuNsPerRequest: Double
        /// Smallest and largest round, wall clock: the spread a reader should see.
        public var minNs: Double
        public var maxNs: Double
        public var closuresPerRequest: Double
        public var allocsPerRequest: Double
        public var bytesPerRequest: Double
    }

    public enum Failure: Error, CustomStringConvertible {
        case wrongResponse(scenario: String, context: ContextKind, status: Int, body: String)
        public var description: String {
            switch self {
            case let .wrongResponse(s, c, status, body):
                "\(s) under \(c) answered \(status) \(body), not what its scenario.json expects"
            }
        }
    }

    final class Cell {
        let scenario: Scenario
        let context: ContextKind
        let engine: Engine
        let request: Request
        var batch = 0
        var wall: [Double] = []
        var cpu: [Double] = []
        var closures = 0.0, allocs = 0.0, bytes = 0.0
        init(_ s: Scenario, _ c: ContextKind, _ limits: EngineLimits) throws {
            scenario = s
            context = c
            engine = try Engine(appPath: s.appPath, builder: c.makeBuilder(), limits: limits, profile: s.profile)
            request = s.request()
        }
    }

    public let config: Config
    public init(_ config: Config) { self.config = config }

    public func run(progress: (String) -> Void = { _ in }) throws -> [Row] {
        var cells: [Cell] = []
        for s in config.scenarios {
            for c in config.contexts { cells.append(try Cell(s, c, config.limits)) }
        }
        for cell in cells {
            try check(cell)
            let t0 = now(CLOCK_MONOTONIC)
            for _ in 0..<config.warmupRequests { _ = cell.engine.handle(cell.request) }
            let per = Double(now(CLOCK_MONOTONIC) - t0) / Double(config.warmupRequests)
            cell.batch = config.fixedBatch ?? max(50, Int(config.roundMillis * 1e6 / max(per, 1)))
        }
        for round in 1...config.rounds {
            progress("round \(round)/\(config.rounds)")
            for cell in cells { try measure(cell) }
        }
        return cells.map { c in
            Row(scenario: c.scenario.name, context: c.context, nsPerRequest: Stats.median(c.wall) ?? 0,
                cpuNsPerRequest: Stats.median(c.cpu) ?? 0, minNs: c.wall.min() ?? 0, maxNs: c.wall.max() ?? 0,
                closuresPerRequest: c.closures, allocsPerRequest: c.allocs, bytesPerRequest: c.bytes)
        }
    }

    private func measure(_ cell: Cell) throws {
        let before = cell.engine.counters.snapshot()
        if config.callgrindMarks { CallgrindMark.hit() }
        let w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID)
        for _ in 0..<cell.batch { _ = cell.engine.handle(cell.request) }
        let w1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_THREAD_CPUTIME_ID)
        if config.callgrindMarks { CallgrindMark.hit() }
        let after = cell.engine.counters.snapshot()
        let n = Double(cell.batch)
        cell.wall.append(Double(w1 - w0) / n)
        cell.cpu.append(Double(c1 - c0) / n)
        cell.closures = Double(after.closures - before.closures) / n
        cell.allocs = Double(after.luaAllocs - before.luaAllocs) / n
        cell.bytes = Double(after.luaBytes - before.luaBytes) / n
        try check(cell)
    }

    private func check(_ cell: Cell) throws {
        let r = cell.engine.handle(cell.request)
        let body = cell.scenario.decodedBody(r.body) ?? String(decoding: r.body, as: UTF8.self)
        guard r.status == cell.scenario.expectStatus, body == cell.scenario.expectBody else {
            throw Failure.wrongResponse(scenario: cell.scenario.name, context: cell.context,
                                        status: r.status, body: body)
        }
    }
}

func now(_ clock: clockid_t) -> Int64 {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}
