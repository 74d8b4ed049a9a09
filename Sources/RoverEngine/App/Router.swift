import Glibc

/// Maps a request path and method to a route, Rover-style: static segments beat parameters
/// (with backtracking), an unknown path is 404, a known path with another method is 405.
///
/// Built once per VM at load and then read-only. Matching allocates nothing: parameters go into
/// a caller-owned buffer. Parameter names are kept as C strings for the Lua accessors for the
/// router's life. Not `Sendable` (owns C memory); one per engine.
final class Router {
    struct Node {
        var statics: [(segment: [UInt8], node: Int)] = []
        var param: Int?
        /// Route index per `HTTPMethod.rawValue`, -1 for none.
        var handlers = [Int](repeating: -1, count: HTTPMethod.allCases.count)
        var hasHandlers: Bool { handlers.contains { $0 >= 0 } }
    }

    enum Match: Equatable {
        case found(route: Int)
        case methodNotAllowed(allow: String)
        case notFound
    }

    private(set) var nodes: [Node] = [Node()]
    /// Each route's parameter names, in path order, as C strings (names are per route: two
    /// routes may name the same position differently, `/users/p_id` and `/users/p_uid/posts`).
    private(set) var paramNames: [Int: [UnsafeMutablePointer<CChar>]] = [:]
    private(set) var routeCount = 0

    deinit { paramNames.values.forEach { $0.forEach { free($0) } } }

    /// Adds a route. `path` is Rover's key path (`/users/p_id`), `p_<name>` marking a parameter.
    /// Returns false when that method is already routed at that path.
    func add(path: String, method: HTTPMethod, route: Int) -> Bool {
        var node = 0
        var names: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part.hasPrefix("p_") && part.count > 2 {
                names.append(String(part.dropFirst(2)))
                if let p = nodes[node].param {
                    node = p
                } else {
                    nodes.append(Node())
                    nodes[node].param = nodes.count - 1
                    node = nodes.count - 1
                }
            } else {
                let bytes = Array(part.utf8)
                if let s = nodes[node].statics.first(where: { $0.segment == bytes }) {
                    node = s.node
                } else {
                    nodes.append(Node())
                    nodes[node].statics.append((bytes, nodes.count - 1))
                    node = nodes.count - 1
                }
            }
        }
        guard nodes[node].handlers[Int(method.rawValue)] < 0 else { return false }
        nodes[node].handlers[Int(method.rawValue)] = route
        paramNames[route] = names.map { strdup($0)! }
        routeCount += 1
        return true
    }

    /// Matches `path` (bytes `range` of `base`). The values of a found route's parameters are
    /// left in `params`, in path order (their names: `paramNames[route]`).
    func match(_ base: UnsafeBufferPointer<UInt8>, path range: Range<Int>, method: HTTPMethod,
               params: inout [Range<Int>]) -> Match {
        params.removeAll(keepingCapacity: true)
        guard let node = find(0, base, range.lowerBound, range.upperBound, &params) else { return .notFound }
        let route = nodes[node].handlers[Int(method.rawValue)]
        if route >= 0 { return .found(route: route) }
        let allow = HTTPMethod.allCases.filter { nodes[node].handlers[Int($0.rawValue)] >= 0 }.map(\.token)
        return .methodNotAllowed(allow: allow.joined(separator: ", "))
    }

    /// Depth-first: static child first, then the parameter child. Empty segments are skipped.
    private func find(_ node: Int, _ base: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                      _ params: inout [Range<Int>]) -> Int? {
        var s = start
        while s < end && base[s] == UInt8(ascii: "/") { s += 1 }
        if s == end { return nodes[node].hasHandlers ? node : nil }
        var e = s
        while e < end && base[e] != UInt8(ascii: "/") { e += 1 }
        let segment = UnsafeBufferPointer(rebasing: base[s..<e])
        for child in nodes[node].statics where child.segment.count == segment.count {
            if child.segment.elementsEqual(segment),
               let found = find(child.node, base, e, end, &params) {
                return found
            }
        }
        if let p = nodes[node].param {
            params.append(s..<e)
            if let found = find(p, base, e, end, &params) { return found }
            params.removeLast()
        }
        return nil
    }
}
