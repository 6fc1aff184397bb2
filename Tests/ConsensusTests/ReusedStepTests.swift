import Testing
import SimCore
@testable import Consensus

/// The shell hands every node one reusable step (``ConsensusNode/handle(_:now:into:)``,
/// issue 19, consensus's seventh round): whatever the step held before, a node's outputs and
/// wake-up must be exactly those of a step made fresh.
struct ReusedStepTests {
    /// A 4-node subnet on a network where every broadcast reaches every peer 5 ms later,
    /// driven twice: through fresh steps, and through one step shared by every node and
    /// every input, which starts with outputs and a wake-up of its own. Each node's every
    /// step must agree, over enough time to finalize (and prune) many heights.
    @Test func a_reused_step_gives_the_outputs_of_a_fresh_one() {
        var fresh = Harness(nodes: 4)
        var reused = fresh
        var shared = ConsensusStep()
        shared.outputs = [.broadcast(.beaconShare(height: 99, signer: NodeID(3))), .finalized([fresh.genesis])]
        shared.wakeUpAt = at(.seconds(1_000))
        // Pending deliveries: (time, receiver, input), taken in time order, then as queued.
        var pending: [(time: SimInstant, node: Int, input: ConsensusInput)] = (0..<4).map { (at(.zero), $0, .wakeUp) }
        var steps = 0
        while let next = pending.indices.min(by: { pending[$0].time < pending[$1].time }), pending[next].time < at(.seconds(80)) {
            let (time, node, input) = pending.remove(at: next)
            let expected = fresh.nodes[node].handle(input, now: time)
            reused.nodes[node].handle(input, now: time, into: &shared)
            #expect(shared.outputs == expected.outputs, "node \(node) at \(time)")
            #expect(shared.wakeUpAt == expected.wakeUpAt, "node \(node) at \(time)")
            steps += 1
            for case .broadcast(let artifact) in expected.outputs {
                for peer in 0..<4 where peer != node {
                    pending.append((time + .milliseconds(5), peer, .artifact(artifact, from: NodeID(node))))
                }
            }
            if let wakeUp = expected.wakeUpAt, !pending.contains(where: { $0.node == node && $0.time == wakeUp }) {
                pending.append((wakeUp, node, .wakeUp))
            }
        }
        #expect(steps > 1_000)
        #expect(fresh.nodes[0].finalizedHeight >= 8, "heights were finalized and their pools pruned")
        #expect(reused.nodes.map(\.finalizedHeight) == fresh.nodes.map(\.finalizedHeight))
    }
}
