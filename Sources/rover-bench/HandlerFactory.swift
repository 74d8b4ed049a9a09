import RoverEngine
import RoverStrategies
import RoverKinds

/// Builds the per-VM handler factory for `serve`: one `Engine` per call, loading `appPath` with
/// the context builder named by `context` (the one place a context kind becomes a builder is
/// `ContextKind.makeBuilder`).
func makeHandlerFactory(appPath: String, context: ContextKind, limits: EngineLimits,
                        profile: ResponseProfile = .seed) -> HandlerFactory {
    let builder = context.makeBuilder()
    return { try Engine(appPath: appPath, builder: builder, limits: limits, profile: profile) }
}
