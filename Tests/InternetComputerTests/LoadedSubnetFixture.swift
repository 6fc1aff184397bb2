import SimCore
import Consensus
import ExecutionLayer
@testable import InternetComputer

/// A 13-node subnet under update load, for the tests that run it two ways and compare:
/// `calls` update calls, one every `interval` from the first second on, from `senders` users,
/// to a canister that does not exist (each is gossiped, proposed, finalized and rejected at
/// induction).
enum LoadedSubnetFixture {
    /// The subnet's configuration with seed `seed` and that load.
    static func configuration(seed: UInt64, calls: Int, every interval: SimDuration, senders: UInt64) -> SubnetConfiguration {
        var configuration = SubnetConfiguration(nodeCount: 13, seed: seed)
        configuration.ingress = (0..<calls).map { (index: Int) -> SubmittedIngress in
            let message = IngressMessage(id: UInt64(index + 1), sender: .user(UInt64(index) % senders), receiver: CanisterID(9), method: "inc", argument: [])
            return SubmittedIngress(at: .zero + .seconds(1) + interval * Int64(index), message)
        }
        return configuration
    }
}

extension LoadedSubnetFixture {
    /// What two runs of the same subnet done two ways must agree on: the trace hash, the
    /// events handled, the finalized heights, the rounds recorded and the calls answered.
    struct Outcome: Equatable {
        let traceHash: String
        let events: UInt64
        let finalizedHeights: [Height]
        let rounds: UInt64
        let answered: Int

        /// The outcome of `simulation` so far.
        init(_ simulation: Simulation<SubnetSimulation>) {
            traceHash = simulation.traceHash.hexDigest
            events = simulation.eventsProcessed
            finalizedHeights = simulation.model.metrics.finalizedHeights
            rounds = simulation.model.metrics.roundDurations.count
            answered = simulation.model.execution.outcomes.count
        }
    }
}
