import Testing
import SimCore
import Wasm
import Consensus
import ExecutionLayer
@testable import InternetComputer
import ICSimTestSupport

/// With an honest leader and every message taking exactly d, the protocol rules fix the
/// timing (Docs/Consensus.md derives it): a round starts, the leader (rank 0, maker delay 0)
/// proposes at once; every notary signs when it has the block and its notary delay for rank 0
/// (the initial notary delay, 300 ms) has passed, so at max(d, 300 ms); the shares arrive d
/// later and the block is notarized, which starts the next round (the beacon, signed at the
/// round's start, is known after d, earlier). So a round takes max(d, 300 ms) + d, and a
/// block is finalized one d after it is notarized (finalization shares are signed at once):
/// max(d, 300 ms) + 2d after it was proposed. Processing is instantaneous here (no
/// validation cost, exact timers): the formula is the protocol's alone.
@Suite("Subnet timing")
struct SubnetTimingTests {
    static func run(nodes: Int, delay: SimDuration, duration: SimDuration) -> SubnetSimulation {
        var configuration = SubnetConfiguration(nodeCount: nodes, seed: 7)
        configuration.network = .constant(delay, nodeCount: nodes)
        configuration.processing = .instantaneous
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        _ = simulation.run(.until(.zero + duration))
        return simulation.model
    }

    @Test(arguments: [4, 7, 13, 28, 40], [SimDuration.milliseconds(100), .milliseconds(450)])
    func roundsAndLatencyFollowFromTheDelays(nodes: Int, delay: SimDuration) throws {
        let duration = SimDuration.seconds(60)
        let subnet = Self.run(nodes: nodes, delay: delay, duration: duration)
        let round = max(delay, .milliseconds(300)) + delay
        let latency = round + delay
        #expect(subnet.safety.violation == nil)
        #expect(subnet.metrics.roundDurations.minimum == round && subnet.metrics.roundDurations.maximum == round,
                "\(nodes) nodes, d = \(delay): rounds \(String(describing: subnet.metrics.roundDurations.minimum))...\(String(describing: subnet.metrics.roundDurations.maximum))")
        #expect(subnet.metrics.finalizationLatency.minimum == latency && subnet.metrics.finalizationLatency.maximum == latency)
        // Height h is finalized at h * round + d; every node is there by the end.
        let expectedHeight = Height((duration - delay).nanoseconds / round.nanoseconds)
        #expect(subnet.metrics.finalizedHeightMin == expectedHeight, "\(nodes) nodes, d = \(delay)")
        #expect(subnet.metrics.finalizedRanks == [Int(expectedHeight)], "every block the leader's")
        // Per block: one proposal to n - 1 peers; every node's beacon, notarization and
        // finalization shares to n - 1 peers.
        let peers = Double(nodes - 1)
        #expect(subnet.metrics.messagesPerBlock(.proposal) >= peers && subnet.metrics.messagesPerBlock(.proposal) < peers * 1.1)
        #expect(subnet.metrics.messagesPerBlock(.notarizationShare) >= Double(nodes) * peers * 0.95)
    }

    /// Two runs of one configuration produce the same trace hash; another seed changes the
    /// network's jitter and so the hash.
    @Test func sameSeedSameTrace() {
        func hash(_ seed: UInt64) -> UInt64 {
            var configuration = SubnetConfiguration(nodeCount: 13, seed: seed)
            configuration.consensus.unitDelay = .seconds(1)
            var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
            simulation.model.start(&simulation.scheduler)
            _ = simulation.run(.until(.zero + .seconds(20)))
            #expect(simulation.model.safety.violation == nil)
            #expect(simulation.model.metrics.finalizedHeightMin > 5)
            return simulation.traceHash.value
        }
        #expect(hash(3) == hash(3))
        #expect(hash(3) != hash(4))
    }
}
