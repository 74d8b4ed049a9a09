import CEpoll
import Glibc

/// Socket side of `WorkerLoop`: non-blocking connect, write of the pre-encoded batch, read
/// and parse of responses, close. Same thread and ownership rules as `WorkerLoop`.
extension WorkerLoop {
    /// Opens slot `i`'s socket and starts a non-blocking connect.
    mutating func open(_ i: Int, now: UInt64) {
        var address = plan.address
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { connectFailed(i, now: now); return }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        slots[i].fd = fd
        slots[i].generation &+= 1
        slots[i].parser.reset()
        slots[i].wantsWritable = true
        slots[i].machine.connectStarted()
        let rc = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
        }
        if rc != 0 && errno != EINPROGRESS { connectFailed(i, now: now); return }
        var ev = epoll_event(events: EPOLLIN.rawValue | EPOLLOUT.rawValue, data: epoll_data_t(u64: slots[i].token(i)))
        guard epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0 else { connectFailed(i, now: now); return }
    }

    private mutating func connectFailed(_ i: Int, now: UInt64) {
        close(i)
        if measuring { stats.errors.connect += 1 }
        perform(slots[i].machine.connectFailed(now: now), i, now: now)
    }

    mutating func close(_ i: Int) {
        guard slots[i].fd >= 0 else { return }
        Glibc.close(slots[i].fd)   // also removes it from the epoll set
        slots[i].fd = -1
        slots[i].wantsWritable = false
    }

    mutating func setWritable(_ i: Int, _ on: Bool) {
        guard slots[i].wantsWritable != on, slots[i].fd >= 0 else { return }
        slots[i].wantsWritable = on
        var ev = epoll_event(events: EPOLLIN.rawValue | (on ? EPOLLOUT.rawValue : 0), data: epoll_data_t(u64: slots[i].token(i)))
        epoll_ctl(epfd, EPOLL_CTL_MOD, slots[i].fd, &ev)
    }

    /// Dispatches one epoll event for slot `i`.
    mutating func handle(_ i: Int, events: UInt32, now: UInt64) {
        guard slots[i].fd >= 0 else { return }
        if slots[i].machine.phase == .connecting {
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(slots[i].fd, SOL_SOCKET, SO_ERROR, &err, &len)
            if err != 0 || events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { connectFailed(i, now: now); return }
            setWritable(i, false)
            perform(slots[i].machine.connected(now: now, budget: &budget), i, now: now)
            return
        }
        if events & (EPOLLIN.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 {
            let generation = slots[i].generation
            readable(i, now: now)
            if slots[i].generation != generation { return }   // reconnected while reading
        }
        if events & EPOLLOUT.rawValue != 0 && slots[i].machine.phase == .writing { flush(i, now: now) }
    }

    /// Writes what is left of slot `i`'s batch.
    mutating func flush(_ i: Int, now: UInt64) {
        let total = slots[i].batchBytes
        let done = slots[i].machine.written
        // send(MSG_NOSIGNAL), not write(): a peer that closed must give EPIPE, not SIGPIPE.
        let n = send(slots[i].fd, batch + done, total - done, Int32(MSG_NOSIGNAL))
        if n < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK { setWritable(i, true); return }
            if measuring { stats.errors.write += 1 }
            fail(i, now: now)
            return
        }
        let action = slots[i].machine.wrote(n, of: total)
        if action == .none { setWritable(i, false) }
        perform(action, i, now: now)
    }

    /// Reads and parses everything available on slot `i`.
    private mutating func readable(_ i: Int, now: UInt64) {
        let fd = slots[i].fd, generation = slots[i].generation
        while true {
            let n = read(fd, readBuffer, readCapacity)
            if n > 0 {
                var consumed = 0
                while consumed < n {
                    switch slots[i].parser.parse(readBuffer, n, consumed: &consumed) {
                    case .needMore:
                        break
                    case .complete(let status):
                        completed(i, status: status, now: now)
                        if slots[i].generation != generation || slots[i].fd < 0 { return }
                        continue
                    case .malformed:
                        if measuring { stats.errors.read += 1 }
                        fail(i, now: now)
                        return
                    }
                    break
                }
                if n < readCapacity { return }
            } else if n == 0 {
                if let status = slots[i].parser.endOfInput() { completed(i, status: status, now: now); return }
                let (failed, action) = slots[i].machine.peerClosed(now: now)
                if let failed {
                    resolved += failed.count
                    if measuring { stats.errors.read += 1 }
                    recordFailure(failed)
                } else if measuring {
                    stats.reconnects += 1
                }
                perform(action, i, now: now)
                return
            } else {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return }
                if measuring { stats.errors.read += 1 }
                fail(i, now: now)
                return
            }
        }
    }

    private mutating func completed(_ i: Int, status: Int, now: UInt64) {
        let closeAfter = slots[i].parser.closeAfterResponse
        let (resolution, action) = slots[i].machine.responseCompleted(now: now, closeAfter: closeAfter, budget: &budget)
        if let r = resolution {
            resolved += 1
            if status >= 200 && status < 300 { plan.answered?.add() }
            if measuring {
                stats.requests += 1
                if status >= 200 && status < 300 {
                    if slots[i].parser.bodyMismatch { stats.bodyMismatches += 1 }
                    stats.success.recordNanos(r.latency)
                    if plan.interval != nil { stats.corrected.recordNanos(r.correctedLatency) }
                } else {
                    stats.non2xx += 1
                    stats.failed.recordNanos(r.latency)
                }
            }
        } else if measuring {
            stats.errors.read += 1       // a response nobody asked for
        }
        if closeAfter && measuring { stats.reconnects += 1 }
        perform(action, i, now: now)
    }

    /// A read/write failure on slot `i`: its in-flight requests fail, the socket is reopened.
    private mutating func fail(_ i: Int, now: UInt64) {
        let (failed, action) = slots[i].machine.fail(now: now)
        if let failed {
            resolved += failed.count
            recordFailure(failed)
        }
        perform(action, i, now: now)
    }
}
