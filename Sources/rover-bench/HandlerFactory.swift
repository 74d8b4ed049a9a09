import RoverEngine

/// Builds the per-VM handler factory for `serve`: one `Engine` per call, loading `appPath` with
/// the context builder named by `context`.
///
/// PLACEHOLDER for the lead to complete: `Engine` is still the stub and there are no context
/// builders yet, so every kind maps to `PlaceholderContextBuilder`. Replace the switch body with
/// the real builders; the signature is what ServeCommand calls.
func makeHandlerFactory(appPath: String, context: ContextKind, limits: EngineLimits) -> HandlerFactory {
    let builder: any ContextBuilder
    switch context {
    case .eager, .lazy, .cached: builder = PlaceholderContextBuilder()
    }
    return { try Engine(appPath: appPath, builder: builder, limits: limits) }
}

/// Stands in for the real context builders until they land (see `makeHandlerFactory`).
struct PlaceholderContextBuilder: ContextBuilder {}
