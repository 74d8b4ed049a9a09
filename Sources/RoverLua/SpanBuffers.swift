import CLua

/// Reusable C arrays that describe a request's headers and route parameters to the accessors.
/// Grown on demand and kept for the VM's life, so staging a request allocates nothing.
struct SpanBuffers {
    var headerNames = UnsafeMutablePointer<RoverSpan>.allocate(capacity: 32)
    var headerValues = UnsafeMutablePointer<RoverSpan>.allocate(capacity: 32)
    var headerCapacity = 32
    var paramValues = UnsafeMutablePointer<RoverSpan>.allocate(capacity: 8)
    var paramNames = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: 8)
    var paramCapacity = 8

    mutating func reserveHeaders(_ n: Int) {
        guard n > headerCapacity else { return }
        headerNames.deallocate()
        headerValues.deallocate()
        headerCapacity = max(n, headerCapacity * 2)
        headerNames = .allocate(capacity: headerCapacity)
        headerValues = .allocate(capacity: headerCapacity)
    }

    mutating func reserveParams(_ n: Int) {
        guard n > paramCapacity else { return }
        paramValues.deallocate()
        paramNames.deallocate()
        paramCapacity = max(n, paramCapacity * 2)
        paramValues = .allocate(capacity: paramCapacity)
        paramNames = .allocate(capacity: paramCapacity)
    }

    func deallocate() {
        headerNames.deallocate()
        headerValues.deallocate()
        paramValues.deallocate()
        paramNames.deallocate()
    }
}
