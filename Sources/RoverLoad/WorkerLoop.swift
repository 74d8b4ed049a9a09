import CEpoll
import Glibc

/// One connection's slot in a worker: its socket, life-cycle machine and response parser.
struct ConnectionSlot {
    var fd: Int32 = -1
    var machine: ConnectionMachine
    var parser = ResponseParser()
    /// Bytes of the batch being written (requests × request size).
    var batchBytes = 0
    var wantsWritable = false
    /// The timer this slot last armed (0 = none); older heap entries for it are stale.
    var timerAt: UInt64 = 0
    /// Bumped on every (re)open; epoll events carry it, so events of a closed socket whose fd
    /// number was reused are recognised and dropped.
    var generation: UInt32 = 0

    /// The epoll user data for this slot's current socket: generation << 32 | slot index.
    func token(_ index: Int) -> UInt64 { UInt64(generation) << 32 | UInt64(index) }
}

/// The generator's hot loop: one epoll instance driving a worker's connections on one thread.
///
/// Belongs to RoverLoad's engine room. A struct run on exactly one thread (created, run and read
/// there; only `stats` leaves, after the thread ends). Requests are pre-encoded; responses go
/// through a shared read buffer and each slot's incremental parser; nothing is allocated per
/// request. Failures bump counters in `stats` and reconnect; nothing is thrown.
struct WorkerLoop {
    let plan: WorkerPlan
    var stats = WorkerStats()
    var slots: UnsafeMutablePointer<ConnectionSlot>
    let batch: UnsafeMutablePointer<UInt8>
    let requestSize: Int
    let readBuffer: UnsafeMutablePointer<UInt8>
    let readCapacity = 64 * 1024
    let epfd: Int32
    var timers: TimerHeap
    var budget: Int?
    var resolved = 0
    var measuring = false
    /// Slots whose next batch is decided but not yet written. Writes are issued after all events
    /// of an epoll batch are handled (as wrk does), so the server gets requests in bursts.
    let pendingSends: UnsafeMutablePointer<Int32>
    var pendingCount = 0
    var cpuAtStart = 0.0
    var windowStart: UInt64 = 0
    /// The expected body's bytes, shared read-only by every slot's parser.
    let expectedBody: UnsafeMutableBufferPointer<UInt8>?

    init(plan: WorkerPlan) {
        self.plan = plan
        requestSize = plan.request.count
        let batchBytes = EncodedBatch.make(plan.request, depth: plan.depth)
        batch = batchBytes
        readBuffer = .allocate(capacity: readCapacity)
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        timers = TimerHeap(capacity: plan.connections * 2)
        budget = plan.budget
        slots = .allocate(capacity: plan.connections)
        pendingSends = .allocate(capacity: plan.connections)
        expectedBody = plan.expectBody.map { bytes in
            let b = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
            _ = b.initialize(from: bytes)
            return UnsafeMutableBufferPointer(rebasing: b[0..<bytes.count])
        }
        for i in 0..<plan.connections {
            let first = plan.interval.map { Schedule.first(global: plan.global(i), interval: $0, total: plan.totalConnections, start: plan.start) }
            var slot = ConnectionSlot(machine: ConnectionMachine(
                depth: plan.depth, interval: plan.interval, firstIntended: first ?? plan.start))
            slot.parser.expectsHeadResponse = plan.isHead
            slot.parser.expectedBody = expectedBody.map { UnsafeBufferPointer($0) }
            (slots + i).initialize(to: slot)
        }
    }

    /// Runs until the plan's end time (or budget), then closes everything and returns the stats.
    mutating func run() -> WorkerStats {
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: 256)
        defer { cleanup(); events.deallocate() }
        var now = LoadClock.now()
        if now >= plan.measureStart { beginWindow(now) }
        for i in 0..<plan.connections { open(i, now: now) }
        let scanEvery = max(plan.timeout / 8, 1_000_000)
        var nextScan = now + scanEvery
        while true {
            now = LoadClock.now()
            if !measuring && now >= plan.measureStart { beginWindow(now) }
            if now >= plan.end { break }
            if let total = plan.budget, resolved >= total { break }
            while let (time, owner) = timers.popDue(now) { fire(owner, time: time, now: now) }
            flushPending()
            if now >= nextScan { scanTimeouts(now); nextScan = now + scanEvery }
            var deadline = min(plan.end, nextScan)
            if !measuring { deadline = min(deadline, plan.measureStart) }
            if let due = timers.nextDue { deadline = min(deadline, due) }
            let n = wait(events, until: deadline, now: now)
            if n <= 0 { continue }
            for e in 0..<Int(n) {
                // A fresh timestamp per event: it ends one response and starts the next request.
                now = LoadClock.now()
                let token = events[e].data.u64
                let i = Int(token & 0xffff_ffff)
                guard UInt32(token >> 32) == slots[i].generation else { continue }   // stale: socket replaced
                handle(i, events: events[e].events, now: now)
            }
            flushPending()
        }
        endWindow(LoadClock.now())
        return stats
    }

    private mutating func beginWindow(_ now: UInt64) {
        measuring = true
        windowStart = now
        cpuAtStart = LoadClock.threadCPUMicros()
    }

    private mutating func endWindow(_ now: UInt64) {
        if !measuring { beginWindow(now) }
        stats.windowNanos = now - windowStart
        stats.cpuMicros = LoadClock.threadCPUMicros() - cpuAtStart
        let end = min(now, plan.end)
        for i in 0..<plan.connections { stats.missedSends += slots[i].machine.missedSends(before: end) }
        if let interval = plan.interval {
            for i in 0..<plan.connections {
                let first = Schedule.first(global: plan.global(i), interval: interval, total: plan.totalConnections, start: plan.start)
                stats.intendedSends += Schedule.count(first: first, interval: interval, from: plan.measureStart, to: plan.end)
            }
        }
    }

    private func wait(_ events: UnsafeMutablePointer<epoll_event>, until deadline: UInt64, now: UInt64) -> Int32 {
        let delta = deadline > now ? deadline - now : 0
        var ts = timespec(tv_sec: Int(delta / 1_000_000_000), tv_nsec: Int(delta % 1_000_000_000))
        let n = epoll_pwait2(epfd, events, 256, &ts, nil)
        guard n < 0 && errno == ENOSYS else { return n }
        // Kernels before 5.11 lack epoll_pwait2: wait in whole milliseconds, rounded up.
        return epoll_wait(epfd, events, 256, Int32(min((delta + 999_999) / 1_000_000, 60_000)))
    }

    /// A timer popped: an open-loop send came due, or a reconnect back-off ended.
    private mutating func fire(_ i: Int, time: UInt64, now: UInt64) {
        guard slots[i].timerAt == time else { return }
        slots[i].timerAt = 0
        if slots[i].machine.phase == .closed {
            open(i, now: now)
            return
        }
        let (action, late) = slots[i].machine.wake(now: now, budget: &budget)
        if let late, measuring {
            stats.lateWakes += 1
            stats.lateNanosSum += late
            stats.lateNanosMax = max(stats.lateNanosMax, late)
        }
        perform(action, i, now: now)
    }

    private mutating func scanTimeouts(_ now: UInt64) {
        for i in 0..<plan.connections where slots[i].machine.isOverdue(now: now, timeout: plan.timeout) {
            let (failed, action) = slots[i].machine.fail(now: now)
            if let failed {
                resolved += failed.count
                if measuring { stats.errors.timeout += failed.count }
                recordFailure(failed)
            }
            perform(action, i, now: now)
        }
    }

    mutating func recordFailure(_ r: ConnectionMachine.Resolution) {
        if measuring { stats.failed.recordNanos(r.latency, count: UInt64(r.count)) }
    }

    /// Carries out what a slot's machine decided.
    mutating func perform(_ action: ConnectionMachine.Action, _ i: Int, now: UInt64) {
        switch action {
        case .none:
            return
        case .send(let count):
            slots[i].batchBytes = count * requestSize
            guard pendingCount < plan.connections else { flush(i, now: now); return }   // cannot happen; stay safe
            pendingSends[pendingCount] = Int32(i)
            pendingCount += 1
        case .waitWritable:
            setWritable(i, true)
        case .sleep(let until):
            arm(i, at: until)
        case .reconnect(let after):
            close(i)
            if after <= now { open(i, now: now) } else { arm(i, at: after) }
        case .finished:
            close(i)
        }
    }

    /// Writes every batch decided since the last flush, each timed from its own write.
    private mutating func flushPending() {
        var k = 0
        while k < pendingCount {
            let i = Int(pendingSends[k])
            k += 1
            guard slots[i].fd >= 0, slots[i].machine.phase == .writing, slots[i].machine.written == 0 else { continue }
            let now = LoadClock.now()
            slots[i].machine.sending(now: now)
            if measuring && now < plan.end { stats.sent += slots[i].batchBytes / requestSize }
            flush(i, now: now)
        }
        pendingCount = 0
    }

    private mutating func arm(_ i: Int, at time: UInt64) {
        slots[i].timerAt = time
        timers.push(time, i)
    }

    private mutating func cleanup() {
        for i in 0..<plan.connections { close(i) }
        slots.deinitialize(count: plan.connections)
        slots.deallocate()
        pendingSends.deallocate()
        expectedBody.map { UnsafeMutableRawPointer($0.baseAddress!).deallocate() }
        batch.deallocate()
        readBuffer.deallocate()
        Glibc.close(epfd)
    }
}

/// The pre-encoded batch: `depth` copies of the request in one buffer, allocated once per worker.
enum EncodedBatch {
    static func make(_ request: [UInt8], depth: Int) -> UnsafeMutablePointer<UInt8> {
        let bytes = RequestEncoder.batch(request, depth: depth)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        p.initialize(from: bytes, count: bytes.count)
        return p
    }
}

/// An open-loop connection's schedule: sends at `first + k × interval`, k = 0, 1, 2, …, where
/// connection g of C starts `interval × g / C` after the run's start (so one process's sends are
/// evenly spread, and a segment's connections keep their places in that one schedule).
enum Schedule {
    static func first(global: Int, interval: UInt64, total: Int, start: UInt64) -> UInt64 {
        start + interval * UInt64(global) / UInt64(total)
    }

    /// How many of its send times fall in [from, to).
    static func count(first: UInt64, interval: UInt64, from: UInt64, to: UInt64) -> Int {
        func before(_ x: UInt64) -> UInt64 { x <= first ? 0 : (x - first - 1) / interval + 1 }
        return to > from ? Int(before(to) - before(from)) : 0
    }
}
