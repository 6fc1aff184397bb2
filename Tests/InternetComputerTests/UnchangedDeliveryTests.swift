import Testing
import SimCore
import Consensus
@testable import InternetComputer

/// A delivery that changes nothing (or only stores shares below their threshold) at an honest
/// replica skips its step (``SubnetSimulation/takeWithoutStep(_:at:_:)``), and a step's first
/// pass runs only the rules its input may have enabled (``ConsensusNode/schedulesRules``):
/// runs with the shortcuts and without them must be the same run, event for event, and the
/// shortcuts must actually be taken.
@Suite("Unchanged deliveries")
struct UnchangedDeliveryTests {
    static func at(_ seconds: Int64) -> SimInstant { .zero + .seconds(seconds) }

    /// The trace hash, event count and the observable outcome of a run, with and without the
    /// shortcut.
    static func compareBothWays(_ configuration: SubnetConfiguration, seconds: Int64) {
        var runs: [(hash: String, events: UInt64, heights: [Height], lost: UInt64, rounds: UInt64)] = []
        for skips in [false, true] {
            var model = SubnetSimulation(configuration: configuration)
            model.skipsUnchangedSteps = skips
            for node in model.replicas.indices { model.replicas[node].consensus.schedulesRules = skips }
            var simulation = Simulation(model: model)
            simulation.model.start(&simulation.scheduler)
            _ = simulation.run(.until(at(seconds)))
            runs.append((simulation.traceHash.hexDigest, simulation.eventsProcessed, simulation.model.metrics.finalizedHeights,
                         simulation.model.messagesLost, simulation.model.metrics.roundDurations.count))
        }
        #expect(runs[0].hash == runs[1].hash)
        #expect(runs[0].events == runs[1].events)
        #expect(runs[0].heights == runs[1].heights)
        #expect(runs[0].lost == runs[1].lost)
        #expect(runs[0].rounds == runs[1].rounds)
        // The metrics follow honest nodes only (a Byzantine one's height reads 0).
        #expect((runs[1].heights.max() ?? 0) > 3, "the run made progress: \(runs[1].heights)")
    }

    @Test func anIdleSubnetRunsTheSameEitherWay() {
        Self.compareBothWays(SubnetConfiguration(nodeCount: 13, seed: 7), seconds: 20)
    }

    /// Duplicated and reordered messages (each duplicate changes nothing), crashes, a pause
    /// and a drifting clock.
    @Test func faultsRunTheSameEitherWay() throws {
        var configuration = SubnetConfiguration(nodeCount: 13, seed: 2)
        configuration.nodeFaults = [
            NodeFault(node: 1, .crash, from: Self.at(3), until: Self.at(9)),
            NodeFault(node: 2, .pause, from: Self.at(4), until: Self.at(8)),
            NodeFault(node: 5, .clockDrift(numerator: 3, denominator: 2), from: .zero, until: Self.at(20)),
        ]
        configuration.network.faults = [
            NetworkFault(.duplication(try Probability.percent(30)), from: .zero, until: Self.at(20)),
            NetworkFault(.reordering(.milliseconds(300)), from: .zero, until: Self.at(20)),
            NetworkFault(.loss(try Probability.percent(5)), from: Self.at(5), until: Self.at(10)),
        ]
        Self.compareBothWays(configuration, seconds: 20)
    }

    /// Byzantine replicas (never short-cut) among honest ones that are.
    @Test func byzantineNodesRunTheSameEitherWay() {
        var configuration = SubnetConfiguration(nodeCount: 13, seed: 4)
        configuration.byzantine = [
            ByzantineAssignment(node: 1, behaviors: [.equivocatingMaker(groups: []), .doubleSigner]),
            ByzantineAssignment(node: 5, behaviors: [.withholdShares]),
            ByzantineAssignment(node: 7, behaviors: [.delayer(.milliseconds(700))]),
        ]
        Self.compareBothWays(configuration, seconds: 20)
    }

    /// Most deliveries of an idle subnet change nothing, and the check says so for them: a
    /// node that has taken an artifact finds the same artifact again changes nothing, while a
    /// new share does change something.
    @Test func aRepeatedArtifactChangesNothing() {
        var configuration = SubnetConfiguration(nodeCount: 4, seed: 1)
        configuration.network = .constant(.milliseconds(10), nodeCount: 4)
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        _ = simulation.run(.until(Self.at(5)))
        var node = simulation.model.replicas[0].consensus
        let height = node.finalizedHeight
        #expect(height > 2)
        let tip = node.finalizedTip
        // Below the finalized height, and a request for a block not held: nothing.
        let unchanged1 = node.changesNothing([.finalizationShare(height: height, block: tip, signer: NodeID(1))])
        #expect(unchanged1)
        let unchanged2 = node.changesNothing([.notarization(height: height, block: tip, signers: [NodeID(1), NodeID(2), NodeID(3)])])
        #expect(unchanged2)
        let unchanged3 = node.changesNothing([.blockRequest(height: height + 1, block: SHA256.hash(Array("none".utf8)))])
        #expect(unchanged3)
        // A request for a block it holds is answered, a catch-up request too: not decided.
        let unchanged4 = node.changesNothing([.blockRequest(height: height, block: tip)])
        #expect(!unchanged4)
        let unchanged5 = node.changesNothing([.catchUpRequest(finalizedHeight: 0, requester: NodeID(1))])
        #expect(!unchanged5)
        // A share for a height it has no pool for yet would make one.
        let unchanged6 = node.changesNothing([.notarizationShare(height: height + 50, block: tip, signer: NodeID(1))])
        #expect(!unchanged6)
        let unchanged7 = node.changesNothing([.beaconShare(height: height + 50, signer: NodeID(1))])
        #expect(!unchanged7)
        // One artifact that changes something makes the message change something.
        let unchanged8 = node.changesNothing([.finalizationShare(height: height, block: tip, signer: NodeID(1)),
                                      .beacon(height: height + 50, value: tip)])
        #expect(!unchanged8)
        // Taken once (changing something), the same artifact then changes nothing.
        let share = Artifact.notarizationShare(height: height + 50, block: tip, signer: NodeID(2))
        _ = node.handle(.artifact(share, from: NodeID(2)), now: Self.at(5))
        let unchanged9 = node.changesNothing([share])
        #expect(unchanged9)
    }
}
