import Testing
@testable import RoverLoad

/// `ConnectionMachine` driven by hand: no sockets, no clock.
@Suite struct ConnectionMachineTests {
    typealias M = ConnectionMachine

    @Test func closedLoopSendsAgainAfterEachResponse() {
        var m = M(depth: 1, interval: nil, firstIntended: 0)
        var budget: Int? = nil
        m.connectStarted()
        #expect(m.connected(now: 100, budget: &budget) == .send(count: 1))
        #expect(m.wrote(10, of: 40) == .waitWritable)
        #expect(m.wrote(30, of: 40) == .none)
        #expect(m.phase == .awaiting)
        let (r, next) = m.responseCompleted(now: 350, closeAfter: false, budget: &budget)
        #expect(r == M.Resolution(latency: 250, correctedLatency: 250, count: 1))
        #expect(next == .send(count: 1))
    }

    @Test func pipelineWaitsForTheWholeBatchAndBudgetIsExact() {
        var m = M(depth: 4, interval: nil, firstIntended: 0)
        var budget: Int? = 6
        m.connectStarted()
        #expect(m.connected(now: 0, budget: &budget) == .send(count: 4))
        _ = m.wrote(160, of: 160)
        for _ in 0..<3 { #expect(m.responseCompleted(now: 5, closeAfter: false, budget: &budget).1 == .none) }
        #expect(m.responseCompleted(now: 5, closeAfter: false, budget: &budget).1 == .send(count: 2))
        #expect(budget == 0)
        _ = m.wrote(80, of: 80)
        _ = m.responseCompleted(now: 6, closeAfter: false, budget: &budget)
        #expect(m.responseCompleted(now: 7, closeAfter: false, budget: &budget).1 == .finished)
        #expect(m.phase == .finished)
    }

    @Test func serverCloseReturnsUnansweredRequestsToTheBudget() {
        var m = M(depth: 3, interval: nil, firstIntended: 0)
        var budget: Int? = 10
        m.connectStarted()
        _ = m.connected(now: 0, budget: &budget)
        _ = m.wrote(3, of: 3)
        #expect(budget == 7)
        let (r, action) = m.responseCompleted(now: 9, closeAfter: true, budget: &budget)
        #expect(r?.count == 1)
        #expect(action == .reconnect(after: 0))
        #expect(budget == 9)
        #expect(m.inFlight == 0)
    }

    @Test func failureResolvesEveryRequestInFlight() {
        var m = M(depth: 5, interval: nil, firstIntended: 0)
        var budget: Int? = nil
        m.connectStarted()
        _ = m.connected(now: 1000, budget: &budget)
        _ = m.wrote(5, of: 5)
        _ = m.responseCompleted(now: 1100, closeAfter: false, budget: &budget)
        #expect(!m.isOverdue(now: 1500, timeout: 1000))
        #expect(m.isOverdue(now: 2500, timeout: 1000))
        let (failed, action) = m.fail(now: 2500)
        #expect(failed == M.Resolution(latency: 1500, correctedLatency: 1500, count: 4))
        #expect(action == .reconnect(after: 0))
        #expect(m.peerClosed(now: 2600).0 == nil)
    }

    @Test func connectFailureBacksOff() {
        var m = M(depth: 1, interval: nil, firstIntended: 0)
        m.connectStarted()
        #expect(m.connectFailed(now: 50) == .reconnect(after: 50 + M.connectBackoff))
    }

    @Test func openLoopFollowsTheScheduleAndMeasuresFromIntendedTime() {
        var m = M(depth: 1, interval: 1000, firstIntended: 500)
        var budget: Int? = nil
        m.connectStarted()
        #expect(m.connected(now: 100, budget: &budget) == .sleep(until: 500))
        let woke = m.wake(now: 520, budget: &budget)
        #expect(woke.action == .send(count: 1))
        #expect(woke.late == 20)
        _ = m.wrote(1, of: 1)
        // On time: the next send waits for its slot at 1500.
        let (r1, a1) = m.responseCompleted(now: 700, closeAfter: false, budget: &budget)
        #expect(r1 == M.Resolution(latency: 180, correctedLatency: 200, count: 1))
        #expect(a1 == .sleep(until: 1500))
        _ = m.wake(now: 1500, budget: &budget)
        _ = m.wrote(1, of: 1)
        // A 3000 ns stall: the slots at 2500 and 3500 are missed; sends go out at once, each
        // measured from its own intended time.
        let (r2, a2) = m.responseCompleted(now: 4500, closeAfter: false, budget: &budget)
        #expect(r2 == M.Resolution(latency: 3000, correctedLatency: 3000, count: 1))
        #expect(a2 == .send(count: 1))
        _ = m.wrote(1, of: 1)
        let (r3, a3) = m.responseCompleted(now: 4600, closeAfter: false, budget: &budget)
        #expect(r3 == M.Resolution(latency: 100, correctedLatency: 2100, count: 1))
        #expect(a3 == .send(count: 1))
        #expect(m.missedSends(before: 10_000) == 6)
    }

    @Test func deferredWriteIsTimedFromTheWrite() {
        var closed = M(depth: 1, interval: nil, firstIntended: 0)
        var budget: Int? = nil
        closed.connectStarted()
        _ = closed.connected(now: 100, budget: &budget)
        closed.sending(now: 130)
        _ = closed.wrote(1, of: 1)
        #expect(closed.responseCompleted(now: 200, closeAfter: false, budget: &budget).0
            == M.Resolution(latency: 70, correctedLatency: 70, count: 1))
        var open = M(depth: 1, interval: 1000, firstIntended: 100)
        open.connectStarted()
        _ = open.connected(now: 100, budget: &budget)
        open.sending(now: 130)
        _ = open.wrote(1, of: 1)
        #expect(open.responseCompleted(now: 200, closeAfter: false, budget: &budget).0
            == M.Resolution(latency: 70, correctedLatency: 100, count: 1))
    }

    @Test func wakeWhileBusyDoesNothing() {
        var m = M(depth: 1, interval: 1000, firstIntended: 0)
        var budget: Int? = nil
        m.connectStarted()
        _ = m.connected(now: 0, budget: &budget)
        #expect(m.wake(now: 10, budget: &budget).action == .none)
    }
}
