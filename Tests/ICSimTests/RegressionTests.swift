import Testing
@testable import ICSim
import ICSimTestSupport

/// Tests/Regressions: scenarios the swarm found problems with, run after the fix.
@Suite("Regressions")
struct RegressionTests {
    @Test func callsExpiringAtAReplicaBehindASplitAreNotLostAnswers() throws {
        let scenario = try ScenarioLoader.load(Fixture.bytes("Tests/Regressions/swarm-69-expired-behind-split.json"))
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run()
        let report = ScenarioReport(simulation)
        #expect(report.clients[0].statistics.expired > 100, "the split does make calls expire")
        #expect(report.passed, "\(report.text)")
    }
}
