/// What the server adds around an app's answer, chosen per scenario (`"profile"` in
/// scenario.json) or per `serve --profile`.
///
/// - `seed`: nothing (the seed-era Rover had none of it); every seed-era scenario runs this way.
/// - `rover-defaults`: current Rover's per-request defaults, taken from its code at `6e77dd3`:
///   security headers, gzip/deflate negotiation and compression, CORS headers and preflights
///   answered before any Lua runs, and a request id staged for every routed request. The app's
///   `rover.server{}` keys configure it (`security_headers`, `cors_*`, `compress`).
///
/// Belongs to RoverKinds (see ``ContextKind``): parsed at the CLI edge and in scenario files.
public enum ResponseProfile: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case seed
    case roverDefaults = "rover-defaults"

    public var description: String { rawValue }
}
