/// The life of one load-generator connection as a pure state machine: connect, send a batch
/// (one request, or `depth` pipelined ones), await the responses, send again — closed loop
/// immediately, open loop at the next intended send time — and reconnect after a close or error.
///
/// Belongs to RoverLoad's hot loop: the worker feeds it socket events and performs the returned
/// `Action`; the machine itself does no I/O and reads no clock (times are passed in, in ns), so it
/// is tested without sockets. One per connection, owned by the connection's worker thread.
struct ConnectionMachine {
    /// `finished`: the request budget is spent; the slot stays closed.
    enum Phase: Equatable { case closed, connecting, idle, writing, awaiting, finished }

    enum Action: Equatable {
        case none
        /// Write `count` requests (the first `count` of the pre-encoded batch).
        case send(count: Int)
        /// Part of the batch is still unwritten: wait until the socket is writable.
        case waitWritable
        /// Open loop, not due yet: wake this connection at `until`.
        case sleep(until: UInt64)
        /// Close the socket and open a new one (after `after`; 0 = now).
        case reconnect(after: UInt64)
        /// The request budget is spent: close and stay closed.
        case finished
    }

    /// What happened to the requests of a batch when a response or failure resolved them.
    struct Resolution: Equatable {
        /// ns from the actual send to now.
        var latency: UInt64
        /// ns from the intended send (open loop) or actual send (closed loop) to now.
        var correctedLatency: UInt64
        /// Requests resolved by this event (1 per response; all in flight on a failure).
        var count: Int
    }

    private(set) var phase = Phase.closed
    private(set) var inFlight = 0
    private(set) var written = 0
    private(set) var sentAt: UInt64 = 0
    private(set) var intendedAt: UInt64 = 0
    /// Open loop: the intended send time of the next request.
    private(set) var nextIntended: UInt64
    let depth: Int
    /// Open loop: ns between this connection's requests. `nil` = closed loop.
    let interval: UInt64?
    /// Pause before reconnecting after a failed connect, so a dead server does not spin the loop.
    static let connectBackoff: UInt64 = 10_000_000

    init(depth: Int, interval: UInt64?, firstIntended: UInt64) {
        self.depth = depth
        self.interval = interval
        self.nextIntended = firstIntended
    }

    /// The worker has started a non-blocking connect.
    mutating func connectStarted() { phase = .connecting; inFlight = 0; written = 0 }

    mutating func connected(now: UInt64, budget: inout Int?) -> Action {
        phase = .idle
        return nextSend(now: now, budget: &budget)
    }

    mutating func connectFailed(now: UInt64) -> Action {
        phase = .closed
        return .reconnect(after: now + Self.connectBackoff)
    }

    /// A sleep ended. `late` (ns past the due time) is returned for the saturation self-check.
    mutating func wake(now: UInt64, budget: inout Int?) -> (action: Action, late: UInt64?) {
        guard phase == .idle else { return (.none, nil) }
        let due = nextIntended
        let action = nextSend(now: now, budget: &budget)
        if case .send = action, interval != nil { return (action, now > due ? now - due : 0) }
        return (action, nil)
    }

    /// The worker deferred the write decided at `sentAt` and performs it now: time the batch
    /// from the actual write (closed loop: the intended time moves with it; open loop keeps
    /// the schedule's time).
    mutating func sending(now: UInt64) {
        guard phase == .writing, written == 0 else { return }
        if interval == nil { intendedAt = now }
        sentAt = now
    }

    /// `n` more bytes of a `total`-byte batch went out.
    mutating func wrote(_ n: Int, of total: Int) -> Action {
        written += n
        if written < total { return .waitWritable }
        if phase == .writing { phase = .awaiting }
        return .none
    }

    /// One response ended. Returns its timing and what to do next.
    mutating func responseCompleted(now: UInt64, closeAfter: Bool, budget: inout Int?)
        -> (Resolution?, Action)
    {
        guard inFlight > 0 else { return (nil, .reconnect(after: 0)) }   // unsolicited: protocol error
        inFlight -= 1
        let r = Resolution(latency: now &- sentAt, correctedLatency: now &- intendedAt, count: 1)
        if closeAfter {
            if inFlight > 0, budget != nil { budget! += inFlight }         // unanswered: send again elsewhere
            inFlight = 0
            phase = .closed
            return (r, .reconnect(after: 0))
        }
        guard inFlight == 0, phase == .awaiting else { return (r, .none) }
        phase = .idle
        return (r, nextSend(now: now, budget: &budget))
    }

    /// The peer closed the connection. With nothing in flight that is a clean close (resolution
    /// nil, reconnect); otherwise the requests in flight fail.
    mutating func peerClosed(now: UInt64) -> (Resolution?, Action) {
        fail(now: now)
    }

    /// A read or write error, a malformed response, or a timeout: in-flight requests fail.
    mutating func fail(now: UInt64) -> (Resolution?, Action) {
        let failed = inFlight > 0
            ? Resolution(latency: now &- sentAt, correctedLatency: now &- intendedAt, count: inFlight) : nil
        inFlight = 0
        phase = .closed
        return (failed, .reconnect(after: 0))
    }

    /// True when the oldest request has been outstanding longer than `timeout` ns.
    func isOverdue(now: UInt64, timeout: UInt64) -> Bool {
        inFlight > 0 && now > sentAt && now - sentAt > timeout
    }

    /// Open loop: requests intended before `end` that were never sent.
    func missedSends(before end: UInt64) -> Int {
        guard let interval, nextIntended < end else { return 0 }
        return Int((end - nextIntended) / interval) + 1
    }

    private mutating func nextSend(now: UInt64, budget: inout Int?) -> Action {
        if let interval {
            if now < nextIntended { return .sleep(until: nextIntended) }
            intendedAt = nextIntended
            nextIntended += interval
        } else {
            intendedAt = now
        }
        var count = depth
        if let left = budget {
            if left <= 0 { phase = .finished; return .finished }
            count = min(count, left)
            budget = left - count
        }
        phase = .writing
        inFlight = count
        written = 0
        sentAt = now
        return .send(count: count)
    }
}
