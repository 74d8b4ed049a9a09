import RoverMicro
import RoverScenarios
import RoverEngine
import RoverStrategies
import Testing
import RoverKinds

/// The contract over every context builder: each scenario answers exactly what its
/// scenario.json expects, byte for byte, under every builder.
@Suite struct ScenarioContractTests {
    static let scenarios = (try? Scenario.catalog(root: scenariosRoot)) ?? []

    @Test func catalogHasTheFifteenScenarios() {
        #expect(Self.scenarios.map(\.name) == ["all-fields", "body-echo", "body-expect", "body-json", "cpu-heavy",
                                                "guard-schema", "headers-heavy", "hello", "hello-rover-defaults",
                                                "json-gzip-rover-defaults", "middleware-auth",
                                                "multi-param", "params-only", "query", "rover-perf-echo"])
    }

    /// The seed-era scenarios keep the seed profile (their files have no "profile" key); the
    /// current-Rover ones opt in.
    @Test func profilesAreChosenPerScenario() {
        let current: Set<String> = ["hello-rover-defaults", "json-gzip-rover-defaults", "rover-perf-echo"]
        for s in Self.scenarios {
            #expect(s.profile == (current.contains(s.name) ? .roverDefaults : .seed), "\(s.name)")
        }
    }

    @Test(arguments: ContextKind.allCases)
    func everyScenarioAnswersAsExpected(context: ContextKind) throws {
        for s in Self.scenarios {
            let engine = try Engine(appPath: s.appPath, builder: context.makeBuilder(), profile: s.profile)
            for _ in 0..<3 {  // repeated: the VM must give the same bytes every time
                let r = engine.handle(s.request())
                #expect(r.status == s.expectStatus, "\(s.name) under \(context)")
                #expect(s.decodedBody(r.body) == s.expectBody, "\(s.name) under \(context)")
                #expect(r.body == s.expectedWireBody, "\(s.name) under \(context)")
            }
        }
    }
}
