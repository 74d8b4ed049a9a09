import ArgumentParser

/// TEMPORARY: the context-builder kinds as the CLI spells them. The lead's real `ContextKind`
/// lands in RoverStrategies; when it does, delete this file and keep the
/// `ExpressibleByArgument` conformance line below on the real type.
enum ContextKind: String, CaseIterable, Sendable, ExpressibleByArgument {
    case eager, lazy, cached
}
