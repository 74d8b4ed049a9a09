import CLua

/// Where one request is staged for the C accessors: the `RoverRequest` they read, its header and
/// parameter arrays, and (for a request that may outlive the call that staged it) a copy of its
/// bytes.
///
/// A VM has one home slot, used by `Engine.handle` (one request at a time). Requests run in
/// coroutines can be suspended, so several are live in one VM at once: each gets a slot of its
/// own (`LuaVM.makeRequestSlot`), and a ctx points at its request's slot. A slot lives as long
/// as its VM (a ctx kept in Lua may point at it), and carries the generation of the request it
/// holds now, so a ctx of an ended request is refused. Not `Sendable`: used with its VM only.
public final class RequestSlot {
    let request: UnsafeMutablePointer<RoverRequest>
    let spans: UnsafeMutablePointer<SpanBuffers>
    private var bytes: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    init() {
        request = .allocate(capacity: 1)
        request.initialize(to: RoverRequest())
        spans = .allocate(capacity: 1)
        spans.initialize(to: SpanBuffers())
        capacity = 512
        bytes = .allocate(capacity: capacity)
    }

    deinit {
        request.deallocate()
        spans.pointee.deallocate()
        spans.deallocate()
        bytes.deallocate()
    }

    /// Copies `head` and `body` into memory this slot owns (valid until the next copy), so the
    /// request can stay staged while it is suspended. Returns where they are now.
    public func copy(head: [UInt8], body: [UInt8]?) -> (head: UnsafePointer<UInt8>, body: UnsafeBufferPointer<UInt8>?) {
        let total = head.count + (body?.count ?? 0)
        if total > capacity {
            bytes.deallocate()
            capacity = max(total, capacity * 2)
            bytes = .allocate(capacity: capacity)
        }
        head.withUnsafeBufferPointer { h in
            if let base = h.baseAddress { bytes.update(from: base, count: h.count) }
        }
        guard let body else { return (UnsafePointer(bytes), nil) }
        let start = bytes + head.count
        body.withUnsafeBufferPointer { b in
            if let base = b.baseAddress { start.update(from: base, count: b.count) }
        }
        return (UnsafePointer(bytes), UnsafeBufferPointer(start: start, count: body.count))
    }
}
