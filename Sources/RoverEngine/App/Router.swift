import Glibc

/// Maps a request path and method to a route, Rover-style: static segments beat parameters
/// (with backtracking), an unknown path is 404, a known path with another method is 405 (its
/// `Allow` lists the methods as Rover's fast_router does: HEAD wherever GET is, OPTIONS always,
/// in Rover's order). HEAD without its own handler is served by the GET handler.
///
/// Built once per VM at load (`RouteTable`), then frozen: every field is a `let`, so matching pays
/// no dynamic exclusivity checks and allocates nothing (parameter values go into a buffer the
/// caller owns, `maxParams` long). Parameter names are C strings owned by the router, read by the
/// Lua accessors. Not `Sendable` (owns C memory); one per engine.
final class Router {
    struct Node {
        var statics: [(segment: [UInt8], node: Int)] = []
        var param: Int?
        /// Route index per `HTTPMethod.rawValue`, -1 for none.
        var handlers = [Int](repeating: -1, count: HTTPMethod.allCases.count)
        var hasHandlers: Bool { handlers.contains { $0 >= 0 } }
    }

    enum Match: Equatable {
        /// `params` values `0..<paramCount` of the caller's buffer hold the route's parameters.
        case found(route: Int, paramCount: Int)
        case methodNotAllowed(allow: String)
        case notFound
    }

    let nodes: [Node]
    /// Each route's parameter names, in path order (names are per route: `/users/p_id` and
    /// `/users/p_uid/posts` may name the same position differently).
    let paramNames: [[UnsafeMutablePointer<CChar>]]
    let maxParams: Int

    init(_ table: RouteTable) {
        nodes = table.nodes
        paramNames = table.paramNames.map { $0.map { strdup($0)! } }
        maxParams = table.paramNames.map(\.count).max() ?? 0
    }

    deinit { paramNames.forEach { $0.forEach { free($0) } } }

    /// Matches `path` (bytes `range` of `base`); parameter values go to `params`, which must hold
    /// `maxParams` values.
    func match(_ base: UnsafeBufferPointer<UInt8>, path range: Range<Int>, method: HTTPMethod,
               params: UnsafeMutableBufferPointer<Range<Int>>) -> Match {
        var count = 0
        guard let node = find(0, base, range.lowerBound, range.upperBound, params, &count) else { return .notFound }
        let handlers = nodes[node].handlers
        let route = handlers[Int(method.rawValue)]
        if route >= 0 { return .found(route: route, paramCount: count) }
        let get = handlers[Int(HTTPMethod.get.rawValue)]
        if method == .head && get >= 0 { return .found(route: get, paramCount: count) }
        let allow = Self.allowOrder.filter { m in
            handlers[Int(m.rawValue)] >= 0 || (m == .head && get >= 0) || m == .options
        }.map(\.token)
        return .methodNotAllowed(allow: allow.joined(separator: ", "))
    }

    static let allowOrder: [HTTPMethod] = [.get, .head, .post, .put, .patch, .delete, .options]

    /// Depth-first: static child first, then the parameter child. Empty segments are skipped.
    private func find(_ node: Int, _ base: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                      _ params: UnsafeMutableBufferPointer<Range<Int>>, _ count: inout Int) -> Int? {
        var s = start
        while s < end && base[s] == UInt8(ascii: "/") { s += 1 }
        if s == end { return nodes[node].hasHandlers ? node : nil }
        var e = s
        while e < end && base[e] != UInt8(ascii: "/") { e += 1 }
        let length = e - s
        for child in nodes[node].statics where child.segment.count == length {
            let same = child.segment.withUnsafeBufferPointer { memcmp($0.baseAddress!, base.baseAddress! + s, length) == 0 }
            if same, let found = find(child.node, base, e, end, params, &count) { return found }
        }
        if let p = nodes[node].param {
            params[count] = s..<e
            count += 1
            if let found = find(p, base, e, end, params, &count) { return found }
            count -= 1
        }
        return nil
    }
}

/// The routes of an app while it is being loaded; `Router(table)` freezes it.
struct RouteTable {
    var nodes: [Router.Node] = [Router.Node()]
    var paramNames: [[String]] = []

    /// Adds the next route (index `paramNames.count`). `path` is Rover's key path (`/users/p_id`),
    /// `p_<name>` marking a parameter. Returns false when that method is already routed there.
    mutating func add(path: String, method: HTTPMethod) -> Bool {
        var node = 0
        var names: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part.hasPrefix("p_") && part.count > 2 {
                names.append(String(part.dropFirst(2)))
                if let p = nodes[node].param {
                    node = p
                } else {
                    nodes.append(Router.Node())
                    nodes[node].param = nodes.count - 1
                    node = nodes.count - 1
                }
            } else {
                let bytes = Array(part.utf8)
                if let s = nodes[node].statics.first(where: { $0.segment == bytes }) {
                    node = s.node
                } else {
                    nodes.append(Router.Node())
                    nodes[node].statics.append((bytes, nodes.count - 1))
                    node = nodes.count - 1
                }
            }
        }
        guard nodes[node].handlers[Int(method.rawValue)] < 0 else { return false }
        nodes[node].handlers[Int(method.rawValue)] = paramNames.count
        paramNames.append(names)
        return true
    }
}
