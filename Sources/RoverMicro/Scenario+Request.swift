public import RoverEngine
public import RoverScenarios

extension Scenario {
    /// The request this scenario sends, as the engine takes it in process (headers in a stable,
    /// sorted order): for the in-process benchmark and the engine's tests.
    public func request() -> Request {
        Request(method: HTTPMethod(token: Array(method.utf8)), target: path,
                headers: headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                body: body.map { Array($0.utf8) })
    }
}
