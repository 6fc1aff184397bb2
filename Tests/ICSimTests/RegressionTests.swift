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

    /// Open: found by the swarm (4 nodes, seed 451), not fixed yet (Docs/Testing.md). After a
    /// one-way partition that leaves two nodes hearing only from one peer heals at 54.5 s, the
    /// subnet finalizes nothing for 12 to 15 s where the liveness bound is about 4 s, then
    /// recovers. A known issue here, so CI passes while it is open and this test fails once
    /// it is fixed (then drop `withKnownIssue`).
    @Test func aSubnetRecoversFromAOneWayPartitionWithinTheLivenessBound() throws {
        let scenario = try ScenarioLoader.load(Fixture.bytes("Tests/Regressions/open-swarm-n4-451-slow-recovery.json"))
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run()
        let report = ScenarioReport(simulation)
        #expect(report.checks.first { $0.name == "safety" }?.passed == true)
        withKnownIssue("slow recovery after a one-way partition heals (swarm seed 451, 4 nodes)") {
            #expect(report.checks.first { $0.name == "liveness" }?.passed == true, "\(report.text)")
        }
    }
}
