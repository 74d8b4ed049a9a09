import Foundation
import RoverReport
import RoverKinds

/// The tables `rover-bench micro` prints: the engine in process (per scenario and context, with
/// its ratio to `eager`) and the plain-C floor (with the engine's CPU over the floor's).
///
/// Belongs to RoverMicro (in-process benchmarks). Formats measured rows; computes only medians
/// and ratios. Thread-safe.
public enum MicroMarkdown {
    public static func engine(_ rows: [MicroBench.Row]) -> String {
        var out = "| scenario | context | ns/req (median) | CPU ns/req | min–max ns | closures/req | Lua allocs/req | Lua bytes/req | vs eager |\n"
            + "|---|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for r in rows {
            let eager = rows.first { $0.scenario == r.scenario && $0.context == .eager }
            let ratio = eager.map { String(format: "%.2f×", r.cpuNsPerRequest / $0.cpuNsPerRequest) } ?? "–"
            out += String(format: "| %@ | %@ | %.0f | %.0f | %.0f–%.0f | %.2f | %.2f | %.0f | %@ |\n",
                          r.scenario, r.context.rawValue, r.nsPerRequest, r.cpuNsPerRequest, r.minNs, r.maxNs,
                          r.closuresPerRequest, r.allocsPerRequest, r.bytesPerRequest, ratio)
        }
        return out
    }

    /// The floor's table: each mode's `rounds` results (medians of wall and CPU ns per request),
    /// against the engine's params-only row of the same context.
    public static func floor(_ results: [(mode: CFloor.Mode, rounds: [CFloor.Result])], engine rows: [MicroBench.Row],
                             runtime: String) -> String {
        var out = "\nPlain-C floor (\(runtime) + C, no Swift, no router, no JSON), GET /users/123 → { user_id = ctx:params().id }:\n\n"
            + "| C ctx | ns/req (median) | CPU ns/req | closures/req | Lua allocs/req | Lua bytes/req | engine CPU ÷ floor (params-only) |\n"
            + "|---|---:|---:|---:|---:|---:|---:|\n"
        for (mode, results) in results {
            let cpu = Stats.median(results.map(\.cpuNsPerRequest)) ?? 0
            let wall = Stats.median(results.map(\.nsPerRequest)) ?? 0
            let engine = rows.first { $0.scenario == "params-only" && $0.context == mode.context }
            let ratio = engine.map { String(format: "%.2f×", $0.cpuNsPerRequest / cpu) } ?? "–"
            let r = results[0]
            out += String(format: "| %@ | %.0f | %.0f | %.2f | %.2f | %.0f | %@ |\n", "\(mode)", wall, cpu,
                          r.closuresPerRequest, r.allocsPerRequest, r.bytesPerRequest, ratio)
        }
        return out
    }
}
