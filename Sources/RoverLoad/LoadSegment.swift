/// One generator process's share of a load that several processes (machines, pods) offer
/// together: segment `index` of `count`, 0-based, written `i/N` on the command line.
///
/// Belongs to RoverLoad's public API (the CLI parses `--segment`; `runLoad` applies it). A plain
/// value. The split is exact: segment i owns the connections whose global index g (0..<C) has
/// g mod N == i, so the shares are floor(C/N) or ceil(C/N) and add up to C. Each connection keeps
/// the interval and phase it has in one process, so in open loop the segments' send times are
/// interleaved slices of the one-process schedule: their union is that schedule and their rates
/// (R × share / C) add up to R. A request budget (`--requests`) is split the same way.
public struct LoadSegment: Sendable, Equatable, Codable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws(LoadConfigError) {
        guard count >= 1 else { throw .invalid("--segment", "needs N of at least 1 in i/N (got \(count))") }
        guard (0..<count).contains(index) else {
            throw .invalid("--segment", "index must be in 0..<\(count) in i/N (got \(index)/\(count))")
        }
        self.index = index
        self.count = count
    }

    /// Parses `i/N` (0-based index, e.g. `0/3`, `2/3`).
    public init(parsing text: String) throws(LoadConfigError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw .invalid("--segment", "must be i/N with a 0-based index, e.g. 0/3 (got '\(text)')")
        }
        try self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// This segment's share of `total` items dealt round-robin: floor or ceil of total / count.
    public func share(of total: Int) -> Int { total / count + (index < total % count ? 1 : 0) }

    /// The global index of this segment's `local`-th connection.
    func global(_ local: Int) -> Int { index + local * count }
}
