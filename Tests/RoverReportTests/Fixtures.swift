@testable import RoverReport
import RoverKinds

/// Fabricated runs with known values, shared by the summary, exporter and gate tests.
enum Fixtures {
    static let group = LoadGroup(scenario: "params-only", workers: 2, connections: 64)

    static func key(_ context: ContextKind, _ dispatcher: DispatcherKind) -> CellKey {
        CellKey(scenario: "params-only", context: context, dispatcher: dispatcher, workers: 2, connections: 64)
    }

    /// The load part of a cell id (`params-only.lazy.mutex-pool.w2.c64` → `params-only.w2.c64`).
    static func group(of id: String) -> String {
        let parts = id.split(separator: ".")
        return ([parts[0]] + parts.dropFirst(3)).joined(separator: ".")
    }

    /// One run: throughput `rps`, server CPU `cpu` µs/req, latencies derived from them,
    /// deterministic counters given.
    static func run(_ key: CellKey, repeat index: Int, rps: Double, cpu: Double,
                    closures: Double, allocs: Double, handoffs: Double) -> RunRecord {
        var r = RunRecord(runID: "\(key.id)#\(index)", key: key, repeatIndex: index)
        r[.duration] = 5
        r[.requests] = Double(Int(rps * 5))
        r[.rps] = rps
        r[.latMean] = 64_000_000 / rps   // 64 connections, closed loop: mean = conn / rps
        r[.latP50] = r[.latMean] * 0.9
        r[.latP90] = r[.latMean] * 1.3
        r[.latP99] = r[.latMean] * 2
        r[.latP999] = r[.latMean] * 3
        r[.latMax] = r[.latMean] * 5
        r[.serverCPU] = cpu
        r[.clientCPU] = 20
        r[.closures] = closures
        r[.luaAllocs] = allocs
        r[.luaBytes] = allocs * 64
        r[.handoffs] = handoffs
        r[.ctxSwitches] = handoffs
        r[.peakRSS] = 20_000
        return r
    }

    /// Four cells, five repeats each, small deterministic jitter (−2, −1, 0, 1, 2 %):
    /// eager+channel 20k rps, lazy+channel 25k, eager+mutex-pool 24k, lazy+mutex-pool 30k.
    static func runs(extraClosure: Bool = false) -> [RunRecord] {
        let jitter: [Double] = [0.98, 0.99, 1.0, 1.01, 1.02]
        let cells: [(ContextKind, DispatcherKind, Double, Double, Double, Double, Double)] = [
            (.eager, .channel, 20_000, 50, 4, 11, 2),
            (.lazy, .channel, 25_000, 40, 1, 8, 2),
            (.eager, .mutexPool, 24_000, 42, 4, 11, 0),
            (.lazy, .mutexPool, 30_000, 33, 1, 8, 0),
        ]
        var out: [RunRecord] = []
        for i in 0..<5 {  // interleaved, as the sweep runs them
            for (ctx, disp, rps, cpu, closures, allocs, handoffs) in cells {
                let c = extraClosure && ctx == .lazy ? closures + 1 : closures
                out.append(run(key(ctx, disp), repeat: i, rps: rps * jitter[i], cpu: cpu / jitter[i],
                               closures: c, allocs: allocs, handoffs: handoffs))
            }
        }
        return out
    }
}

extension Fixtures {
    /// Ten identical runs per cell (enough pairs for a verdict): every interval is a single point,
    /// so exporter output can be checked digit for digit against hand-computed values.
    static func constantRuns() -> [RunRecord] {
        let cells: [(ContextKind, DispatcherKind, Double, Double, Double, Double, Double)] = [
            (.eager, .channel, 20_000, 50, 4, 11, 2),
            (.lazy, .channel, 25_000, 40, 1, 8, 2),
            (.eager, .mutexPool, 24_000, 42, 4, 11, 0),
            (.lazy, .mutexPool, 30_000, 33, 1, 8, 0),
        ]
        return (0..<10).flatMap { i in
            cells.map { ctx, disp, rps, cpu, closures, allocs, handoffs in
                run(key(ctx, disp), repeat: i, rps: rps, cpu: cpu, closures: closures, allocs: allocs, handoffs: handoffs)
            }
        }
    }
}
