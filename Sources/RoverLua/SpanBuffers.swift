import CLua

/// Reusable C arrays that describe a request's headers and route parameters to the accessors.
/// Grown on demand and kept for the VM's life, so staging a request allocates nothing.
struct SpanBuffers {
    /// Header names and values.
    var headers = ParallelArrays<RoverSpan, RoverSpan>(capacity: 32)
    /// Parameter names (C strings) and values.
    var params = ParallelArrays<UnsafePointer<CChar>?, RoverSpan>(capacity: 8)

    func deallocate() {
        headers.deallocate()
        params.deallocate()
    }
}

/// Two C arrays of one length that grow together (contents are not kept on growth: they are
/// refilled for each request).
struct ParallelArrays<A, B> {
    private(set) var first: UnsafeMutablePointer<A>
    private(set) var second: UnsafeMutablePointer<B>
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        first = .allocate(capacity: capacity)
        second = .allocate(capacity: capacity)
    }

    mutating func reserve(_ n: Int) {
        guard n > capacity else { return }
        deallocate()
        capacity = max(n, capacity * 2)
        first = .allocate(capacity: capacity)
        second = .allocate(capacity: capacity)
    }

    func deallocate() {
        first.deallocate()
        second.deallocate()
    }
}
