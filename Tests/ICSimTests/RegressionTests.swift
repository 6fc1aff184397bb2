import Testing
@testable import ICSim
@testable import InternetComputer
@testable import Scenarios
@testable import ScenarioReports
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

    /// Found by the swarm (4 nodes, seed 451). A one-way partition (28.6 s to 54.5 s) leaves
    /// nodes 1 and 3 hearing only from node 2: they missed the certification shares of nodes
    /// 0, 1 and 3, so their certified height stopped, the certification lag raised their notary
    /// delay by 2 s a height, finalization slowed to a block in 8 s, and the subnet was still
    /// stalled 12 s after the heal. The IC's certifiers send the certifications they aggregate
    /// to their peers; with that, nodes 1 and 3 keep certifying through node 2.
    @Test func replicasMissingCertificationSharesLearnAggregatedCertifications() throws {
        let scenario = try ScenarioLoader.load(Fixture.bytes("Tests/Regressions/swarm-451-certification-lag-after-one-way-partition.json"))
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run()
        let report = ScenarioReport(simulation)
        #expect(report.passed, "\(report.text)")
        let ic = simulation.internetComputer
        let beforeHeal = SimInstant.zero + .milliseconds(54_000)
        let reference = ic.certifiedHeight(atNode: 2, onSubnet: 0, at: beforeHeal)
        #expect(reference > 300, "the subnet kept finalizing and certifying during the partition: \(reference)")
        for node in [1, 3] {
            #expect(ic.certifiedHeight(atNode: node, onSubnet: 0, at: beforeHeal) + 2 >= reference)
        }
    }
}
