import Glibc

/// Does the duet's answer hold when each server runs alone? For each duet comparison, the same
/// CPU-per-request ratio measured standalone (each server alone on the server CPUs, in the
/// sequential phase's interleaved rounds, paired by round) and the ratio of the two ratios with an
/// interval: co-location halves each server's share of the core and puts a second server's
/// threads, caches and interrupts beside it, which can move a comparison as well as an absolute
/// cost.
///
/// Rule, on r = duet ratio ÷ standalone ratio with its 95% interval (Welch–Satterthwaite
/// degrees of freedom from the two Student-t intervals):
/// - **co-location changes this answer**: the interval of r excludes 1 and lies wholly beyond
///   the minimum effect on one side;
/// - **standalone too noisy to check**: otherwise, when the interval of r is wider (either way)
///   than the duet's own effect, so it could not tell the duet's answer from none;
/// - **agree**: anything else (r's interval is inside the effect and does not clear the
///   minimum effect).
///
/// Belongs to RoverReport (summary). Pure; thread-safe.
public struct DuetValidity: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        case agree
        case colocationChanges = "co-location changes this answer"
        case standaloneTooNoisy = "standalone too noisy to check"
    }

    public var id: String
    public var cell: CellKey
    public var reference: CellKey
    public var duet: Estimate
    public var standalone: Estimate
    /// duet ÷ standalone.
    public var ratio: Estimate
    public var outcome: Outcome
    /// How the standalone ratio was measured, with its n (nil in summaries written before it existed).
    public var method: String?

    /// The check of one comparison; nil when either side lacks an interval.
    public static func check(id: String, cell: CellKey, reference: CellKey, duet: PairedTest, standalone: Estimate,
                             standaloneClusters: Int, minEffect: Double, confidence: Double = 0.95) -> DuetValidity? {
        guard let a = RandomEffects.study(duet.estimate, df: duet.clusters - 1, confidence: confidence),
              let b = RandomEffects.study(standalone, df: standaloneClusters - 1, confidence: confidence) else { return nil }
        let d = a.y - b.y, v = a.v + b.v
        // Welch–Satterthwaite.
        let dfA = Double(duet.clusters - 1), dfB = Double(standaloneClusters - 1)
        let df = v * v / (a.v * a.v / dfA + b.v * b.v / dfB)
        let half = StudentT.quantile(0.5 + confidence / 2, df: df.isFinite ? max(df, 1) : 1) * v.squareRoot()
        let ratio = Estimate(value: exp(d), interval: Interval(lower: exp(d - half), upper: exp(d + half)),
                             count: duet.pairs + standalone.count)
        return DuetValidity(id: id, cell: cell, reference: reference, duet: duet.estimate, standalone: standalone, ratio: ratio,
                            outcome: judge(ratio, duet: duet.estimate, minEffect: minEffect))
    }

    static func judge(_ r: Estimate, duet: Estimate, minEffect: Double) -> Outcome {
        if r.interval.lower >= 1 + minEffect || r.interval.upper <= 1 - minEffect { return .colocationChanges }
        let effect = max(abs(log(duet.value)), log(1 + minEffect))
        let half = max(log(r.interval.upper) - log(r.value), log(r.value) - log(r.interval.lower))
        return half > effect ? .standaloneTooNoisy : .agree
    }
}

extension Summary {
    /// The validity check of every duet comparison: against its alone windows (``PairRecord/Kind/alone``:
    /// the same process pairs, each server loaded alone one after the other, t over process
    /// pairs) when the run has them, else against the sequential phase's closed-loop rounds
    /// (each server alone, paired by round) when its cell and reference ran in the same rounds.
    static func validity(_ duet: DuetSummary, _ set: RunSet, pairs: [PairRecord] = []) -> [DuetValidity] {
        let alone = Dictionary(grouping: pairs.filter { $0.kind == .alone && $0.status == .ok }, by: \.comparisonID)
        return duet.rows.compactMap { row in
            guard !row.isControl, let cpu = row.cpu else { return nil }
            let standalone: PairedTest?
            if let rows = alone[row.id] {
                let clusters = Dictionary(grouping: rows, by: \.start).sorted { $0.key < $1.key }.map { $0.value.compactMap(\.cpuRatio) }
                standalone = PairedTest(clusters: clusters)
            } else if let pairs = set.pairedRatios(row.cell, row.reference, .serverCPU) {
                standalone = PairedTest(clusters: pairs.map { [$0] })
            } else {
                standalone = nil
            }
            guard let test = standalone else { return nil }
            var check = DuetValidity.check(id: row.id, cell: row.cell, reference: row.reference, duet: cpu.test,
                                           standalone: test.estimate, standaloneClusters: test.clusters,
                                           minEffect: cpu.minEffect ?? duet.minEffect ?? Verdict.defaultPairedMinEffect)
            check?.method = alone[row.id] != nil ? "alone windows, n=\(test.clusters) pairs" : "sequential, n=\(test.clusters) rounds"
            return check
        }
    }
}
