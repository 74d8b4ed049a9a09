public import RoverKinds

/// The seed design document's three throughput claims, and the measured comparison that
/// answers each one in every load group.
///
/// Belongs to RoverReport (summary). Pure functions of a ``Summary``; thread-safe.
public enum SeedClaim: String, CaseIterable, Codable, Sendable {
    /// Lazy context vs eager, channel dispatcher: "+26% throughput".
    case lazyContext = "lazy-context"
    /// Best pool vs channel, eager context: "+24% throughput".
    case poolDispatch = "pool-dispatch"
    /// Lazy + best pool vs eager + channel: "+56% throughput".
    case combined

    /// The seed's context name for the proposed lazy context.
    public static let proposedContext = ContextKind.lazy
    /// Dispatchers the seed calls a pool ("direct execution with Lua pool"). `affine` goes
    /// beyond the seed and is not counted as the seed's pool.
    public static let pools: [DispatcherKind] = [.mutexPool, .lockfreePool]

    /// Claimed throughput ratio (proposed / current).
    public var claimedRatio: Double {
        switch self {
        case .lazyContext: 1.26
        case .poolDispatch: 1.24
        case .combined: 1.56
        }
    }

    public var title: String {
        switch self {
        case .lazyContext: "Lazy context"
        case .poolDispatch: "VM pool instead of channels"
        case .combined: "Both"
        }
    }
}

/// One claim checked in one load group: the chosen cell and its throughput comparison with the
/// baseline cell (`nil` when the cells needed were not run or had no ok runs).
public struct ClaimCheck: Codable, Sendable, Equatable {
    public var claim: SeedClaim
    public var group: LoadGroup
    public var cell: CellKey?
    public var comparison: Comparison?
}

extension Summary {
    /// Each claim in each load group. Where the claim names "a pool", the pool with the highest
    /// median throughput in that group is taken (a choice made on the same data, which favours
    /// the claim slightly; the chosen dispatcher is named in the output).
    /// Throughput claims are checked in closed-loop groups only (an open-loop group's req/s is
    /// its fixed rate).
    public func claimChecks() -> [ClaimCheck] {
        groups.filter { $0.rate == 0 }.flatMap { group in
            SeedClaim.allCases.map { claim in
                let cell = claimCell(claim, in: group)
                return ClaimCheck(claim: claim, group: group, cell: cell,
                                  comparison: cell.flatMap { bestComparison($0, .rps) })
            }
        }
    }

    /// The cell a claim is about in `group`, if it was run with at least one ok run.
    public func claimCell(_ claim: SeedClaim, in group: LoadGroup) -> CellKey? {
        let base = CellKey(scenario: group.scenario, context: CellKey.baselineContext,
                           dispatcher: CellKey.baselineDispatcher, workers: group.workers,
                           connections: group.connections, rate: group.rate, runtime: group.runtime)
        switch claim {
        case .lazyContext: return present(base.with(context: SeedClaim.proposedContext))
        case .poolDispatch: return bestPool(base)
        case .combined: return bestPool(base.with(context: SeedClaim.proposedContext))
        }
    }

    private func present(_ key: CellKey) -> CellKey? {
        guard let c = cell(key), c.okRuns > 0 else { return nil }
        return key
    }

    private func bestPool(_ key: CellKey) -> CellKey? {
        SeedClaim.pools.compactMap { present(key.with(dispatcher: $0)) }
            .max { (cell($0)?.median(.rps) ?? 0) < (cell($1)?.median(.rps) ?? 0) }
    }
}
