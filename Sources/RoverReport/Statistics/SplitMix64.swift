/// SplitMix64: a tiny, fast, seedable PRNG (Steele, Lea & Flood, 2014), so bootstrap
/// intervals are reproducible bit for bit from a seed.
///
/// Belongs to RoverReport (statistics). A value type: each user owns its own state.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in `0..<count` (Lemire's multiply-shift; the bias is below 2^-40 for
    /// the sample sizes used here, and it is deterministic, which is what matters).
    mutating func index(below count: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// Shuffles `items` in place (Fisher–Yates, `next() % (i + 1)`): the one shuffle of the sweep
    /// and duet plans, so a recorded seed replays their orders exactly.
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(i, Int(next() % UInt64(i + 1))) }
    }
}
