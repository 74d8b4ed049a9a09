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

    @Test func catalogHasTheTwelveScenarios() {
        #expect(Self.scenarios.map(\.name) == ["all-fields", "body-echo", "body-expect", "body-json", "cpu-heavy",
                                                "guard-schema", "headers-heavy", "hello", "middleware-auth",
                                                "multi-param", "params-only", "query"])
    }

    @Test(arguments: ContextKind.allCases)
    func everyScenarioAnswersAsExpected(context: ContextKind) throws {
        for s in Self.scenarios {
            let engine = try Engine(appPath: s.appPath, builder: context.makeBuilder())
            for _ in 0..<3 {  // repeated: the VM must give the same bytes every time
                let r = engine.handle(s.request())
                #expect(r.status == s.expectStatus, "\(s.name) under \(context)")
                #expect(r.text == s.expectBody, "\(s.name) under \(context)")
            }
        }
    }
}
