import Testing
import SimCore
@testable import Consensus

/// The thresholds and delay formulas (Docs/Model.md, "Thresholds", "Block-maker delay",
/// "Notary delay" and "Defaults").
@Suite("Consensus configuration")
struct ConsensusConfigurationTests {
    /// c - f for the mainnet sizes, and f + 1 for the beacon (Docs/Model.md, "Thresholds").
    @Test(arguments: [(4, 1, 3), (7, 2, 5), (13, 4, 9), (28, 9, 19), (34, 11, 23), (40, 13, 27)])
    func thresholds(nodes: Int, faults: Int, threshold: Int) {
        let configuration = ConsensusConfiguration(nodeCount: nodes)
        #expect(configuration.faultsTolerated == faults)
        #expect(configuration.threshold == threshold)
        #expect(configuration.beaconThreshold == faults + 1)
        #expect(configuration.rankedMakers == faults + 1)
        // Safety needs c - (t - f) < t; liveness t <= c - f.
        #expect(configuration.committeeSize - (threshold - faults) < threshold)
    }

    /// 300 ms + 1 s * rank * 1.5^gap; the block-maker delay is 1 s * rank.
    @Test func delays() {
        let configuration = ConsensusConfiguration(nodeCount: 13)
        #expect(configuration.notaryDelay(rank: 0, gap: 5) == .milliseconds(300))
        #expect(configuration.notaryDelay(rank: 1, gap: 0) == .milliseconds(1_300))
        #expect(configuration.notaryDelay(rank: 2, gap: 1) == .milliseconds(3_300))
        #expect(configuration.notaryDelay(rank: 1, gap: 2) == .milliseconds(2_550))
        #expect(configuration.notaryDelay(rank: 3, gap: 1_000) > .seconds(1_000_000))
        #expect(configuration.blockMakerDelay(rank: 2) == .seconds(2))
        #expect(ConsensusConfiguration(nodeCount: 40).unitDelay == .seconds(3))
    }

    /// Plus 2 s per height the certified height trails the finalized one, once it trails by
    /// more than one; notaries stop 70 heights ahead of certification.
    @Test func certificationLag() {
        let configuration = ConsensusConfiguration(nodeCount: 13)
        #expect(configuration.notaryDelay(rank: 0, gap: 0, certificationGap: 1) == .milliseconds(300))
        #expect(configuration.notaryDelay(rank: 0, gap: 0, certificationGap: 2) == .milliseconds(4_300))
        #expect(configuration.notaryDelay(rank: 1, gap: 0, certificationGap: 3) == .milliseconds(7_300))
        #expect(configuration.certificationLagMax == 70)
    }

    @Test func problemsAreReported() {
        var configuration = ConsensusConfiguration(nodeCount: 0)
        configuration.unitDelay = .milliseconds(-1)
        #expect(configuration.problems().count == 2)
        #expect(ConsensusConfiguration().problems().isEmpty)
    }
}
