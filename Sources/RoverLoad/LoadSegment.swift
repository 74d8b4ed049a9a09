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

    /// Parses `i/N` (0-based index, e.g. `0/3`, `2/3`), or a k6-style execution segment
    /// `from:to` of fractions (`0:1/3`, `1/3:2/3`, `2/3:1`) as long as it is one of N equal parts.
    public init(parsing text: String) throws(LoadConfigError) {
        if text.contains(":") { self = try Self.fromFractions(text); return }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw .invalid("--segment", "must be i/N with a 0-based index, e.g. 0/3, or from:to such as 1/3:2/3 (got '\(text)')")
        }
        try self.init(index: i, count: n)
    }

    /// `from:to`, each `p/q` or a whole number, with to − from = 1/N and from = i/N.
    private static func fromFractions(_ text: String) throws(LoadConfigError) -> LoadSegment {
        func fraction(_ s: Substring) -> (Int, Int)? {
            let pq = s.split(separator: "/", omittingEmptySubsequences: false)
            if pq.count == 1, let p = Int(pq[0]) { return (p, 1) }
            guard pq.count == 2, let p = Int(pq[0]), let q = Int(pq[1]), q > 0, p >= 0, p <= q, q <= 1_000_000 else { return nil }
            return (p, q)
        }
        let ends = text.split(separator: ":", omittingEmptySubsequences: false)
        guard ends.count == 2, let (p1, q1) = fraction(ends[0]), let (p2, q2) = fraction(ends[1]) else {
            throw .invalid("--segment", "must be from:to with fractions, e.g. 1/3:2/3 (got '\(text)')")
        }
        let widthNumerator = p2 * q1 - p1 * q2, widthDenominator = q1 * q2
        guard widthNumerator > 0, widthDenominator % widthNumerator == 0 else {
            throw .invalid("--segment", "from:to must be one of N equal parts of 0:1, e.g. 1/3:2/3 (got '\(text)')")
        }
        let n = widthDenominator / widthNumerator
        guard (p1 * n) % q1 == 0 else {
            throw .invalid("--segment", "from:to must start at a multiple of its width, e.g. 1/3:2/3 (got '\(text)')")
        }
        return try LoadSegment(index: p1 * n / q1, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// This segment's share of `total` items dealt round-robin: floor or ceil of total / count.
    public func share(of total: Int) -> Int { total / count + (index < total % count ? 1 : 0) }

    /// The global index of this segment's `local`-th connection.
    func global(_ local: Int) -> Int { index + local * count }
}
