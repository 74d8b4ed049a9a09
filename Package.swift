// swift-tools-version: 6.0
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "rover-bench",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rover-bench", targets: ["rover-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // A header-only shim for Lua's macros and the C functions Lua calls (allocator, hook,
        // accessors). It links no Lua: it dlopens Lua 5.4 (Debian liblua5.4-0) or LuaJIT 2.1
        // (libluajit2-5.1-2) at run time, and compiles against liblua5.4-dev's headers. Its module map
        // takes every header in the folder, so a context builder's rover_ctx_<name>.h needs no include line.
        .systemLibrary(
            name: "CLua",
            providers: [.apt(["liblua5.4-dev", "libluajit2-5.1-dev"])]
        ),
        // zlib, for the Rover-defaults profile's response compression.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // The only Swift that touches the Lua stack, the context builders with it (one file each,
        // Context/<Name>Context.swift, over CLua's rover_ctx_<name>.h).
        .target(name: "RoverLua", dependencies: ["CLua", "RoverKinds", "RoverCoding"], swiftSettings: settings),
        // Process-level OS facilities and readings: a pthread mutex box, getrusage, the open-file
        // limit, and the counters endpoint's wire format (what a `serve` child reports).
        .target(name: "RoverSystem", swiftSettings: settings),
        // The kind enums (context, dispatcher, Lua runtime): parsed at the CLI edge, named by every target.
        .target(name: "RoverKinds", swiftSettings: settings),
        // Request/response model, router, app model, the dispatcher protocols, NIO server, the
        // counters endpoint (its atomics; the wire format is RoverSystem's).
        .target(
            name: "RoverEngine",
            dependencies: [
                "RoverLua", "RoverKinds", "RoverSystem", "CZlib", "RoverCoding",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),
        // One type per file for each dispatcher, and the kind → type switches (a context kind → its
        // RoverLua builder, a dispatcher kind → its dispatcher).
        .target(
            name: "RoverStrategies",
            dependencies: [
                "RoverEngine", "RoverKinds", "RoverSystem",
                "RoverLua",
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),
        // epoll's header for the load generator (instead of NIO's internal CNIOLinux).
        .target(name: "CEpoll"),
        // The load generator: knows a URL, nothing of the engine.
        .target(
            name: "RoverLoad",
            dependencies: [
                "CEpoll",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: settings
        ),
        // Records, statistics, exporters, gate. A server counter's metric names its counter in the
        // counters' wire format (RoverSystem).
        .target(name: "RoverReport", dependencies: ["RoverKinds", "RoverSystem"], swiftSettings: settings),
        // The scenario catalog (a request and its expected answer, an app) and the blocking
        // HTTP/1.1 client the probes and tests use: a leaf, nothing of the engine.
        .target(name: "RoverScenarios", dependencies: ["RoverKinds", "RoverCoding"], swiftSettings: settings),
        // The content codings (gzip, deflate) and zlib's work on them, and JSON string escaping (the
        // VM's JSON encoder and the response model share it).
        .target(name: "RoverCoding", dependencies: ["CZlib"], swiftSettings: settings),
        // In-process benchmarks (`micro`): the engine without sockets, the plain-C floor, callgrind marks.
        .target(
            name: "RoverMicro",
            dependencies: [
                "RoverScenarios", "RoverEngine", "RoverStrategies", "RoverLua", "CLua", "RoverKinds", "RoverReport", "RoverSystem",
            ],
            swiftSettings: settings
        ),
        // Orchestrates processes: sweep, trials, latency phase, duet (servers under test, cgroups).
        // Reads a `serve` child's counters through their wire format (RoverSystem's
        // `CountersEndpoint`); imports nothing of Lua or the engine.
        .target(
            name: "RoverRunner",
            dependencies: [
                "RoverReport", "RoverKinds", "RoverSystem", "RoverLoad", "RoverScenarios",
                // RoverLoad's results carry its histograms: their module must be visible here.
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "rover-bench",
            dependencies: [
                "RoverLua", "RoverKinds", "RoverSystem", "RoverEngine", "RoverStrategies", "RoverLoad", "RoverReport", "RoverRunner",
                "RoverScenarios", "RoverMicro",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),
        // Test helpers shared by the test targets (where the repository is).
        .target(name: "RoverTestSupport", path: "Tests/RoverTestSupport", swiftSettings: settings),
        .testTarget(name: "RoverLuaTests", dependencies: ["RoverLua", "RoverKinds", "CLua"], swiftSettings: settings),
        .testTarget(
            name: "RoverEngineTests",
            dependencies: [
                "RoverEngine", "RoverLua", "RoverKinds", "RoverSystem", "RoverStrategies", "RoverScenarios", "RoverMicro", "RoverTestSupport",
                "RoverCoding",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),
        .testTarget(
            name: "RoverStrategiesTests",
            dependencies: [
                "RoverStrategies", "RoverKinds", "RoverSystem", "RoverEngine", "RoverLua", "RoverScenarios", "RoverMicro", "RoverTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),
        .testTarget(
            name: "RoverLoadTests",
            dependencies: [
                "RoverLoad",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: settings
        ),
        .testTarget(name: "RoverReportTests", dependencies: ["RoverReport", "RoverKinds", "RoverTestSupport"], swiftSettings: settings),
        .testTarget(
            name: "RoverRunnerTests",
            dependencies: [
                "RoverRunner", "RoverScenarios", "RoverMicro", "RoverReport", "RoverKinds", "RoverSystem", "RoverEngine", "RoverStrategies",
                "RoverTestSupport", "CLua", "RoverLoad",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: settings
        ),
    ]
)
