import SimCore
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
