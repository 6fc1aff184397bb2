import Testing
import SimCore
import Consensus
import ExecutionLayer
@testable import InternetComputer

/// The honest replicas of a subnet read one shared payload (``SharedPayload``) instead of
/// each queueing every gossiped message: a run with it and a run whose replicas keep queues
/// of their own (``SubnetSimulation/stopSharingPayload()`` before the start, or part-way)
/// must be the same run, event for event, and the sharing must actually happen.
@Suite("Shared payload in a subnet")
struct SharedPayloadSubnetTests {
    static func at(_ seconds: Int64) -> SimInstant { .zero + .seconds(seconds) }

    /// 13 replicas and 200 update calls a second for 10 seconds.
    static func loaded(seed: UInt64) -> SubnetConfiguration {
        LoadedSubnetFixture.configuration(seed: seed, calls: 2_000, every: .milliseconds(5), senders: 5)
    }

    /// The outcome (trace hash, events, finalized heights, rounds, answers) of a run that
    /// shares the payload throughout, and of one that stops sharing at `stopAt` (zero: before
    /// it starts).
    static func compareBothWays(_ configuration: SubnetConfiguration, seconds: Int64, stopAt: Int64) {
        var runs: [LoadedSubnetFixture.Outcome] = []
        for stops in [false, true] {
            var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
            if stops, stopAt == 0 { simulation.model.stopSharingPayload() }
            simulation.model.start(&simulation.scheduler)
            if stops, stopAt > 0 {
                _ = simulation.run(.until(at(stopAt)))
                #expect(simulation.model.sharedPayload.count > 0, "items were shared before the stop")
                simulation.model.stopSharingPayload()
            }
            _ = simulation.run(.until(at(seconds)))
            let honest = simulation.model.replicas.indices.filter { simulation.model.replicas[$0].isHonest }
            #expect(simulation.model.sharedPayload.isShared == !stops)
            #expect(honest.allSatisfy { simulation.model.replicas[$0].consensus.sharesPayload == !stops })
            runs.append(LoadedSubnetFixture.Outcome(simulation))
        }
        #expect(runs[0] == runs[1])
        #expect(runs[1].answered > 1_000, "most calls were answered: \(runs[1].answered)")
    }

    @Test func aLoadedSubnetRunsTheSameEitherWay() {
        Self.compareBothWays(Self.loaded(seed: 3), seconds: 14, stopAt: 0)
    }

    @Test func replicasThatStopSharingPartWayKeepWhatTheySaw() {
        Self.compareBothWays(Self.loaded(seed: 5), seconds: 14, stopAt: 6)
    }

    /// Crashes (a replica down misses the messages gossiped meanwhile), a pause, a drifting
    /// clock, lost and reordered messages, and Byzantine replicas (which keep queues of their
    /// own beside the shared one).
    @Test func faultsAndByzantineReplicasRunTheSameEitherWay() throws {
        var configuration = Self.loaded(seed: 2)
        configuration.nodeFaults = [
            NodeFault(node: 1, .crash, from: Self.at(3), until: Self.at(7)),
            NodeFault(node: 2, .pause, from: Self.at(4), until: Self.at(6)),
            NodeFault(node: 6, .clockDrift(numerator: 3, denominator: 2), from: .zero, until: Self.at(14)),
        ]
        configuration.network.faults = [
            NetworkFault(.reordering(.milliseconds(300)), from: .zero, until: Self.at(14)),
            NetworkFault(.loss(try Probability.percent(5)), from: Self.at(5), until: Self.at(8)),
        ]
        configuration.byzantine = [
            ByzantineAssignment(node: 4, behaviors: [.equivocatingMaker(groups: [])]),
            ByzantineAssignment(node: 9, behaviors: [.delayer(.milliseconds(700))]),
        ]
        Self.compareBothWays(configuration, seconds: 14, stopAt: 0)
        Self.compareBothWays(configuration, seconds: 14, stopAt: 5)
    }
}
