/// The per-connection ordered queue of responses: requests are appended in arrival order with a
/// sequence number, replies fill their slot in any order, and `popReady` releases responses only
/// from the front, so pipelined requests are answered in request order.
///
/// Lives in RoverEngine/HTTP; a value type owned by one `HTTPConnectionHandler` (one event loop).
struct ResponseQueue {
    enum Kind {
        case app, counters, parseError
    }

    struct Slot {
        var isHead: Bool
        var keepAlive: Bool
        var isHTTP10: Bool
        var kind: Kind
        var response: Response?
    }

    struct Ready {
        var isHead: Bool
        var keepAlive: Bool
        var isHTTP10: Bool
        var kind: Kind
        var response: Response
    }

    /// Live slots are `slots[head..<tail]`; those past `tail` are spent ones kept for reuse (their
    /// responses already dropped), so an emptied queue is reset by two stores, not a removal.
    private var slots: [Slot] = []
    /// Index of the first live slot in `slots` (slots before it were popped).
    private var head = 0
    private var tail = 0
    /// Sequence number of `slots[head]`.
    private var headSeq: UInt64 = 0

    /// Requests dispatched and not yet written.
    var count: Int { tail - head }

    /// Appends a slot for the next request and returns its sequence number.
    mutating func append(isHead: Bool, keepAlive: Bool, isHTTP10: Bool, kind: Kind) -> UInt64 {
        let seq = headSeq + UInt64(count)
        let slot = Slot(isHead: isHead, keepAlive: keepAlive, isHTTP10: isHTTP10, kind: kind, response: nil)
        if tail < slots.count { slots[tail] = slot } else { slots.append(slot) }
        tail += 1
        return seq
    }

    /// Stores the reply for `seq`. A reply for an unknown or already-filled slot is a dispatcher
    /// bug (the contract says exactly once): it traps.
    mutating func fill(_ seq: UInt64, _ response: Response) {
        precondition(seq >= headSeq && seq < headSeq + UInt64(count), "reply for unknown request \(seq)")
        let i = head + Int(seq - headSeq)
        precondition(slots[i].response == nil, "second reply for request \(seq)")
        slots[i].response = response
    }

    /// The reply for `seq` when `seq` is the front request (replies in request order, the usual
    /// case): its slot is removed and returned and the response is never stored, saving the
    /// copies in and out of the slot. `nil` when `seq` is not the front: `fill` it instead.
    mutating func popFront(_ seq: UInt64) -> Slot? {
        guard seq == headSeq, head < tail else { return nil }
        let s = slots[head]
        precondition(s.response == nil, "second reply for request \(seq)")
        advance()
        return s
    }

    /// Removes and returns the front slot if its reply is in.
    mutating func popReady() -> Ready? {
        guard head < tail, let response = slots[head].response else { return nil }
        let s = slots[head]
        slots[head].response = nil
        advance()
        return Ready(isHead: s.isHead, keepAlive: s.keepAlive, isHTTP10: s.isHTTP10, kind: s.kind, response: response)
    }

    private mutating func advance() {
        head += 1
        headSeq += 1
        if head == tail {
            head = 0
            tail = 0
        } else if head >= 64, head * 2 >= tail {
            slots.removeFirst(head)
            tail -= head
            head = 0
        }
    }
}
