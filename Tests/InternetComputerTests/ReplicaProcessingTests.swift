import Testing
import SimCore
import Consensus
@testable import InternetComputer

/// A replica's processors: busy-until arithmetic, the idle poll, and what they do to a
/// subnet's rounds.
@Suite("Replica processing")
struct ReplicaProcessingTests {
    @Test func workWaitsForTheProcessorAndCostsItsTime() {
        var processor = ArtifactProcessor()
        let at = SimInstant.zero + .milliseconds(10)
        #expect(processor.take(arrivingAt: at, cost: .milliseconds(2)) == at + .milliseconds(2))
        // Arriving while it is busy: waits for it.
        #expect(processor.take(arrivingAt: at + .milliseconds(1), cost: .milliseconds(3)) == at + .milliseconds(5))
        // Arriving after it is idle again: starts at once.
        #expect(processor.take(arrivingAt: at + .milliseconds(20), cost: .zero) == at + .milliseconds(20))
        #expect(processor.extend(by: .milliseconds(4), from: at + .milliseconds(20)) == at + .milliseconds(24))
    }

    @Test func anIdleProcessorNoticesTimersAtItsPoll() {
        var processor = ArtifactProcessor()
        let interval = SimDuration.milliseconds(200)
        _ = processor.take(arrivingAt: .zero + .milliseconds(100), cost: .milliseconds(10))  // busy until 110 ms
        #expect(processor.noticed(.zero + .milliseconds(300), interval: interval) == .zero + .milliseconds(310))
        #expect(processor.noticed(.zero + .milliseconds(310), interval: interval) == .zero + .milliseconds(310))
        #expect(processor.noticed(.zero + .milliseconds(311), interval: interval) == .zero + .milliseconds(510))
        // Still busy then: noticed when it is done; no interval: exactly when due.
        #expect(processor.noticed(.zero + .milliseconds(105), interval: interval) == .zero + .milliseconds(110))
        #expect(processor.noticed(.zero + .milliseconds(300), interval: .zero) == .zero + .milliseconds(300))
    }

    @Test func validationCostsFollowTheArtifact() {
        let processing = ProcessingConfiguration.internetComputer
        let block = Block(height: 1, parent: Block.genesis(subnet: SHA256.hash(Array("subnet".utf8))).digest, rank: 0, maker: NodeID(0),
                          payload: (0..<10).map { PayloadItem(id: UInt64($0), sizeBytes: 100) })
        #expect(processing.validationCost(of: .proposal(block)) == .microseconds(100 + 430))
        #expect(processing.creationCost(of: .proposal(block)) == .microseconds(300 + 430))
        #expect(processing.validationCost(of: .notarizationShare(height: 1, block: block.digest, signer: NodeID(1))) == .milliseconds(1))
        #expect(processing.validationCost(of: .blockRequest(height: 1, block: block.digest)) == .zero)
        #expect(ProcessingConfiguration.instantaneous.validationCost(of: .proposal(block)) == .zero)
    }

    @Test func negativeCostsAreProblems() {
        var processing = ProcessingConfiguration.internetComputer
        processing.signing = .milliseconds(-1)
        #expect(processing.problems() == ["processing.signing: must not be negative"])
    }

    /// With the idle poll, a round is never shorter than the protocol's (max(d, 300 ms) + d on
    /// a network of constant delay d) and at most one poll and the costs longer.
    @Test func thePollAndTheCostsLengthenRoundsWithinTheirBound() throws {
        let delay = SimDuration.milliseconds(50)
        var configuration = SubnetConfiguration(nodeCount: 13, seed: 3)
        configuration.network = .constant(delay, nodeCount: 13)
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        _ = simulation.run(.until(.zero + .seconds(30)))
        let rounds = simulation.model.metrics.roundDurations
        let protocolRound = max(delay, .milliseconds(300)) + delay
        #expect(simulation.model.safety.violation == nil)
        let minimum = try #require(rounds.minimum)
        let maximum = try #require(rounds.maximum)
        let mean = try #require(rounds.mean)
        #expect(minimum >= protocolRound)
        #expect(maximum <= protocolRound + .milliseconds(200) + .milliseconds(50))
        #expect(mean > protocolRound + .milliseconds(20))
    }
}
