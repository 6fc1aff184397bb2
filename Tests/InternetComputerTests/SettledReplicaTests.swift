import Testing
@testable import SimCore
import Consensus
import ExecutionLayer
@testable import InternetComputer

/// An item offered to a replica that reads the shared payload skips the wake-up and round
/// bookkeeping while the replica is as the last offer left it (``SettledReplica``): a run
/// with the shortcut and one without must be the same run, event for event, and the shortcut
/// must actually be taken.
@Suite("Settled replicas")
struct SettledReplicaTests {
    static func at(_ seconds: Int64) -> SimInstant { .zero + .seconds(seconds) }

    /// 13 replicas and 400 update calls a second for 8 seconds.
    static func loaded(seed: UInt64) -> SubnetConfiguration {
        LoadedSubnetFixture.configuration(seed: seed, calls: 3_200, every: .microseconds(2_500), senders: 7)
    }

    /// The outcome (trace hash, events, finalized heights, rounds, answers) of a run with
    /// the shortcut and of one without (which keeps the settled states but does not use
    /// them); with it, replicas must be settled part-way.
    static func compareBothWays(_ configuration: SubnetConfiguration, seconds: Int64) {
        var runs: [LoadedSubnetFixture.Outcome] = []
        for skips in [true, false] {
            var model = SubnetSimulation(configuration: configuration)
            model.skipsUnchangedSteps = skips
            var simulation = Simulation(model: model)
            simulation.model.start(&simulation.scheduler)
            _ = simulation.run(.until(at(5)))
            let settled = simulation.model.settledReplicas.compactMap { $0 }.count
            if skips { #expect(settled > 0, "settled replicas part-way: \(settled)") }
            _ = simulation.run(.until(at(seconds)))
            runs.append(LoadedSubnetFixture.Outcome(simulation))
        }
        #expect(runs[0] == runs[1])
        #expect(runs[0].answered > 2_000, "most calls were answered: \(runs[0].answered)")
    }

    @Test func aLoadedSubnetRunsTheSameEitherWay() {
        Self.compareBothWays(Self.loaded(seed: 11), seconds: 10)
    }

    /// Crashes and a pause (a replica down is not offered items, and comes back with a
    /// wake-up of its own), a drifting clock (its wake-ups' virtual times differ from the
    /// local times asked), lost and reordered messages, and a Byzantine replica.
    @Test func faultsRunTheSameEitherWay() throws {
        var configuration = Self.loaded(seed: 12)
        configuration.nodeFaults = [
            NodeFault(node: 1, .crash, from: Self.at(2), until: Self.at(5)),
            NodeFault(node: 2, .pause, from: Self.at(3), until: Self.at(4)),
            NodeFault(node: 6, .clockDrift(numerator: 3, denominator: 2), from: .zero, until: Self.at(10)),
        ]
        configuration.network.faults = [
            NetworkFault(.reordering(.milliseconds(300)), from: .zero, until: Self.at(10)),
            NetworkFault(.loss(try Probability.percent(5)), from: Self.at(4), until: Self.at(7)),
        ]
        configuration.byzantine = [ByzantineAssignment(node: 9, behaviors: [.delayer(.milliseconds(700))])]
        Self.compareBothWays(configuration, seconds: 10)
    }

    /// A settled state holds only for the same wake-up, asked time and notarized height, and
    /// only before the wake-up is due.
    @Test func aSettledStateHoldsOnlyWhileNothingChanged() {
        let handle = EventHandle(slot: 3, generation: 1)
        let settled = SettledReplica(wakeUp: handle, requested: Self.at(2), notarizedHeight: 7, until: Self.at(2))
        let before = Self.at(1)
        #expect(settled.holds(wakeUp: handle, requested: Self.at(2), notarizedHeight: 7, before: before))
        #expect(!settled.holds(wakeUp: handle, requested: Self.at(2), notarizedHeight: 7, before: Self.at(2)))
        #expect(!settled.holds(wakeUp: EventHandle(slot: 3, generation: 2), requested: Self.at(2), notarizedHeight: 7, before: before))
        #expect(!settled.holds(wakeUp: nil, requested: Self.at(2), notarizedHeight: 7, before: before))
        #expect(!settled.holds(wakeUp: handle, requested: Self.at(3), notarizedHeight: 7, before: before))
        #expect(!settled.holds(wakeUp: handle, requested: nil, notarizedHeight: 7, before: before))
        #expect(!settled.holds(wakeUp: handle, requested: Self.at(2), notarizedHeight: 8, before: before))
    }
}
