import RoverMicro
import Testing
@testable import RoverRunner

/// The plain-C floor the micro benchmark reports beside the engine.
@Suite struct CFloorTests {
    @Test func cFloorDoesTheWorkItClaims() {
        for mode in CFloor.Mode.allCases {
            let r = CFloor.run(mode, requests: 100)
            #expect(r.verified)
            #expect(r.closuresPerRequest == (mode == .eager ? 4 : 1))
        }
    }
}
