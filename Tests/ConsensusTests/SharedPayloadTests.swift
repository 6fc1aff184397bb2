import Testing
import SimCore
@testable import Consensus

/// A replica reading its subnet's ``SharedPayload`` sees what a payload queue of its own would
/// hold, given the same items and finalizing the same blocks: checked against private queues
/// through a long random run in which replicas miss items (down), finalize at their own
/// pace, catch up several heights at once, and one finalizes a block other than the one
/// the others did (it then keeps a queue of its own).
@Suite("Shared payload")
struct SharedPayloadTests {
    static let parent = SHA256.hash(Array("shared payload".utf8))

    /// A queue's entries the replica could ever propose, oldest first (an item a replica
    /// never got is absent from its own queue and never available in the shared one).
    static func proposable(_ queue: PayloadQueue) -> [(UInt64, SimInstant)] {
        queue.filter { $0.availableAt != .max }.map { ($0.item.id, $0.availableAt) }
    }

    /// Runs `body` on `queue` with `shared` lent to it, as the shell lends it for a step.
    static func lending(_ shared: inout SharedPayload, to queue: inout PayloadQueue, _ body: (inout PayloadQueue) -> Void) {
        swap(&queue.lent, &shared)
        queue.isLent = true
        body(&queue)
        swap(&queue.lent, &shared)
        queue.isLent = false
    }

    @Test func aSharedQueueHoldsWhatAQueueOfItsOwnWould() {
        let replicas = 5
        var random = RandomStream(generator: Xoshiro256StarStar(seed: 11))
        var shared = SharedPayload(replicaCount: replicas)
        var sharedQueues = Array(repeating: PayloadQueue(), count: replicas)
        for replica in 0..<replicas { sharedQueues[replica].startSharing(&shared, as: replica) }
        var ownQueues = Array(repeating: PayloadQueue(), count: replicas)
        // The blocks finalized at each height (index 0: height 1), and replica 4's own from
        // height 60 on.
        var chain: [Block] = []
        var divergent: [Block] = []
        var finalized = Array(repeating: 0, count: replicas)
        var nextID: UInt64 = 1
        for round in 0..<400 {
            // New items: each replica up gets it (available at some time, or never when its
            // gossip was lost); one down does not.
            for _ in 0..<Int(random.uniform(below: 12)) {
                let item = PayloadItem(id: nextID, sizeBytes: 100)
                nextID += 1
                let sequence = shared.append(item)
                for replica in 0..<replicas where random.uniform(below: 10) > 0 {
                    let at = random.uniform(below: 20) == 0 ? SimInstant.max : .zero + .milliseconds(Int64(round * 10) + Int64(random.uniform(below: 50)))
                    ownQueues[replica].append(item, availableAt: at)
                    // One that left the shared payload takes items itself, as the shell gives them.
                    if sharedQueues[replica].sharedReplica == nil {
                        sharedQueues[replica].append(item, availableAt: at)
                    } else {
                        shared.setAvailable(sequence, replica: replica, at: at)
                    }
                }
            }
            // A new height: the oldest items some replica had, a few old IDs again, and one never given.
            if round % 2 == 0 {
                let candidates = Self.proposable(ownQueues[round % replicas]).map(\.0)
                let ids = Array(candidates.prefix(Int(random.uniform(below: 30)))) + [nextID + 1_000_000] + (nextID > 5 ? [random.uniform(below: nextID)] : [])
                let payload = ids.map { PayloadItem(id: $0, sizeBytes: 100) }
                let height = Height(chain.count + 1)
                let block = Block(height: height, parent: Self.parent, rank: 0, maker: NodeID(0), payload: payload)
                chain.append(block)
                divergent.append(height >= 60 ? Block(height: height, parent: Self.parent, rank: 1, maker: NodeID(1), payload: Array(payload.dropFirst())) : block)
            }
            // Each replica finalizes up to a few heights, at its own pace.
            for replica in 0..<replicas where random.uniform(below: 3) == 0 && finalized[replica] < chain.count {
                let top = min(chain.count, finalized[replica] + 1 + Int(random.uniform(below: 4)))
                let blocks = Array((replica == 4 ? divergent : chain)[finalized[replica]..<top])
                finalized[replica] = top
                ownQueues[replica].remove(blocks.flatMap { $0.payload.map(\.id) })
                Self.lending(&shared, to: &sharedQueues[replica]) { $0.remove(finalized: blocks) }
            }
            for replica in 0..<replicas {
                var own: [(UInt64, SimInstant)] = []
                Self.lending(&shared, to: &sharedQueues[replica]) { own = Self.proposable($0) }
                let expected = Self.proposable(ownQueues[replica])
                #expect(own.map(\.0) == expected.map(\.0), "replica \(replica), round \(round)")
                #expect(own.map(\.1) == expected.map(\.1), "replica \(replica), round \(round)")
            }
        }
        // The diverging replica left the shared payload; the others still read it, and what
        // every one of them finalized has left it.
        #expect(sharedQueues[4].sharedReplica == nil)
        #expect((0..<4).allSatisfy { sharedQueues[$0].sharedReplica == $0 })
        #expect(!shared.holds(1) && shared.holds(nextID - 1))
    }

    @Test func aQueueThatStopsSharingKeepsWhatItSaw() {
        var shared = SharedPayload(replicaCount: 2)
        var queue = PayloadQueue()
        queue.startSharing(&shared, as: 1)
        for id: UInt64 in 1...4 {
            let sequence = shared.append(PayloadItem(id: id, sizeBytes: 10))
            shared.setAvailable(sequence, replica: 1, at: .zero + .milliseconds(Int64(id)))
        }
        let block = Block(height: 1, parent: Self.parent, rank: 0, maker: NodeID(0), payload: [PayloadItem(id: 2, sizeBytes: 10)])
        Self.lending(&shared, to: &queue) {
            $0.remove(finalized: [block])
            $0.stopSharing()
        }
        #expect(queue.sharedReplica == nil)
        #expect(queue.map(\.item.id) == [1, 3, 4])
        #expect(queue.map(\.availableAt) == [1, 3, 4].map { .zero + .milliseconds($0) })
        #expect(!shared.isShared)
        // It now takes items of its own.
        queue.append(PayloadItem(id: 5, sizeBytes: 10), availableAt: .zero)
        #expect(queue.map(\.item.id) == [1, 3, 4, 5])
    }
}
