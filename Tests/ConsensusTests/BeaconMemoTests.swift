import Testing
import SimCore
@testable import Consensus

/// The memo of beacons and roles a subnet's replicas share (issue 19): it must give exactly
/// what each node would compute, whatever it holds.
struct BeaconMemoTests {
    static let previous = SHA256.hash(string: "BeaconMemoTests")

    /// The beacon as the model defines it, computed here without the memo.
    static func expectedBeacon(after previous: SHA256Digest, height: Height) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(string: "ICSim.beacon.v1")
        hasher.update(digest: previous)
        hasher.update(uint64LittleEndian: height)
        return hasher.finalize()
    }

    @Test func a_beacon_is_the_same_computed_or_remembered() {
        var memo = BeaconMemo()
        let first = memo.beacon(after: Self.previous, height: 5)
        #expect(first == Self.expectedBeacon(after: Self.previous, height: 5))
        #expect(memo.beacon(after: Self.previous, height: 5) == first)
        // Another height or another previous beacon is another entry.
        #expect(memo.beacon(after: Self.previous, height: 6) == Self.expectedBeacon(after: Self.previous, height: 6))
        #expect(memo.beacon(after: first, height: 5) == Self.expectedBeacon(after: first, height: 5))
    }

    @Test func entries_beyond_the_capacity_replace_the_oldest_and_stay_correct() {
        var memo = BeaconMemo()
        for height in 1...Height(3 * BeaconMemo.capacity) {
            #expect(memo.beacon(after: Self.previous, height: height) == Self.expectedBeacon(after: Self.previous, height: height))
        }
        // Evicted long ago: computed again, the same.
        #expect(memo.beacon(after: Self.previous, height: 1) == Self.expectedBeacon(after: Self.previous, height: 1))
    }

    @Test func roles_depend_on_the_node_count_as_well_as_the_beacon() {
        var memo = BeaconMemo()
        let thirteen = ConsensusConfiguration(nodeCount: 13)
        let fourteen = ConsensusConfiguration(nodeCount: 14)
        let forThirteen = memo.roles(after: Self.previous, thirteen)
        let forFourteen = memo.roles(after: Self.previous, fourteen)
        #expect(forThirteen.makers == BeaconMemo.makeRoles(after: Self.previous, thirteen).makers)
        #expect(forThirteen.makers.count == thirteen.rankedMakers)
        // n = 3f + 1: everyone is in the committee; 14 nodes: a committee of 13.
        #expect(forThirteen.committee == nil)
        #expect(forFourteen.committee?.count == fourteen.committeeSize)
        #expect(memo.roles(after: Self.previous, fourteen).committee == forFourteen.committee)
        #expect(memo.roles(after: Self.previous, thirteen).makers == forThirteen.makers)
    }

    /// Nodes stepped with one lent memo (as the subnet shell does) act exactly as nodes that
    /// each keep their own: the same outputs at every step, the same chain at the end.
    @Test func nodes_sharing_a_memo_act_as_nodes_with_their_own() {
        let configuration = ConsensusConfiguration(nodeCount: 4)
        let genesis = Block.genesis(subnet: Self.previous)
        var alone = (0..<4).map { ConsensusNode(id: NodeID($0), configuration: configuration, genesis: genesis) }
        var sharing = alone
        var memo = BeaconMemo()
        var time = SimInstant.zero
        var differences = 0
        for _ in 0..<60 {
            time = time + .milliseconds(250)
            // What is in flight: (to, input), delivered at once, in order, on both sides alike.
            var inFlight: [(to: Int, input: ConsensusInput)] = (0..<4).map { ($0, .wakeUp) }
            while !inFlight.isEmpty {
                let (to, input) = inFlight.removeFirst()
                let own = alone[to].handle(input, now: time)
                sharing[to].exchangeBeaconMemo(&memo)
                let lent = sharing[to].handle(input, now: time)
                sharing[to].exchangeBeaconMemo(&memo)
                if own.outputs != lent.outputs || own.wakeUpAt != lent.wakeUpAt { differences += 1 }
                for output in own.outputs {
                    switch output {
                    case .broadcast(let artifact):
                        for peer in 0..<4 where peer != to { inFlight.append((peer, .artifact(artifact, from: NodeID(to)))) }
                    case .send(let artifact, let peer): inFlight.append((peer.index, .artifact(artifact, from: NodeID(to))))
                    case .finalized: break
                    }
                }
            }
        }
        #expect(differences == 0)
        #expect(alone.map(\.finalizedHeight) == sharing.map(\.finalizedHeight))
        #expect(alone.map(\.finalizedTip) == sharing.map(\.finalizedTip))
        // The run went somewhere: several heights finalized, so several beacons and roles.
        #expect(alone.allSatisfy { $0.finalizedHeight > 3 })
    }
}
