/// A binary min-heap of (due time, connection index): the open-loop send schedule and
/// reconnect back-offs of one worker thread. Owned by that thread; not shared.
///
/// Entries are never removed early: a connection remembers the time it last armed, and the
/// worker drops popped entries that no longer match (lazy deletion).
struct TimerHeap {
    private var times: [UInt64] = []
    private var owners: [Int32] = []

    init(capacity: Int) {
        times.reserveCapacity(capacity)
        owners.reserveCapacity(capacity)
    }

    var isEmpty: Bool { times.isEmpty }
    var count: Int { times.count }
    /// The earliest due time, if any.
    var nextDue: UInt64? { times.first }

    mutating func push(_ time: UInt64, _ owner: Int) {
        times.append(time)
        owners.append(Int32(owner))
        var child = times.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard times[child] < times[parent] else { break }
            times.swapAt(child, parent)
            owners.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at or before `now`.
    mutating func popDue(_ now: UInt64) -> (time: UInt64, owner: Int)? {
        guard let first = times.first, first <= now else { return nil }
        let owner = Int(owners[0])
        let lastTime = times.removeLast()
        let lastOwner = owners.removeLast()
        if !times.isEmpty {
            times[0] = lastTime
            owners[0] = lastOwner
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < times.count && times[left] < times[smallest] { smallest = left }
                if right < times.count && times[right] < times[smallest] { smallest = right }
                if smallest == parent { break }
                times.swapAt(parent, smallest)
                owners.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return (first, owner)
    }
}
