import Testing
import SimCore
@testable import Consensus

/// The scans the rules make of one height's pool in a single borrowed read (issue 19), and the
/// marks that tell the rules when a height is worth another look.
struct HeightPoolScanTests {
    /// Blocks of ranks 0, 1 and 2 by makers 0, 1 and 2 at height 1, inserted in that order.
    static func pool() -> (pool: HeightPool, blocks: [Block]) {
        var pool = HeightPool()
        let parent = Block.genesis(subnet: SHA256.hash(string: "HeightPoolScanTests")).digest
        let blocks = (0..<3).map { Block(height: 1, parent: parent, rank: $0, maker: NodeID($0), payload: []) }
        for block in blocks { pool.insert(block) }
        return (pool, blocks)
    }

    @Test func inserting_a_block_marks_the_height_for_notarization() {
        var pool = HeightPool()
        #expect(!pool.notarizationPending)
        pool.insert(Self.pool().blocks[0])
        #expect(pool.notarizationPending)
    }

    @Test func blocks_ready_to_notarize_are_those_at_the_threshold_or_received_in_block_order() {
        var (pool, blocks) = Self.pool()
        #expect(pool.blocksReadyToNotarize(threshold: 2).isEmpty)
        pool.notarizationShares[blocks[2].digest] = [NodeID(0), NodeID(1)]
        pool.notarizationShares[blocks[1].digest] = [NodeID(0)]
        pool.notarizationsReceived.insert(blocks[0].digest)
        let ready = pool.blocksReadyToNotarize(threshold: 2)
        #expect(ready.map(\.digest) == [blocks[0].digest, blocks[2].digest])
        #expect(ready.map(\.received) == [true, false])
        // One share short of the threshold is not enough; an already notarized block is skipped.
        #expect(pool.blocksReadyToNotarize(threshold: 3).map(\.digest) == [blocks[0].digest])
        pool.notarized.append(blocks[0].digest)
        #expect(pool.blocksReadyToNotarize(threshold: 2).map(\.digest) == [blocks[2].digest])
    }

    @Test func blocks_ready_to_finalize_are_those_at_the_threshold_or_received_in_block_order() {
        var (pool, blocks) = Self.pool()
        #expect(pool.blocksReadyToFinalize(threshold: 1).isEmpty)
        pool.finalizationShares[blocks[1].digest] = [NodeID(3), NodeID(2)]
        pool.finalizationsReceived.insert(blocks[2].digest)
        let ready = pool.blocksReadyToFinalize(threshold: 2)
        #expect(ready.map(\.block.digest) == [blocks[1].digest, blocks[2].digest])
        #expect(ready.map(\.received) == [false, true])
        #expect(pool.blocksReadyToFinalize(threshold: 3).map(\.block.digest) == [blocks[2].digest])
    }

    @Test func a_finalization_share_is_signed_only_for_a_single_notarized_block_the_node_did_not_contradict() {
        var (pool, blocks) = Self.pool()
        #expect(pool.finalizationShareCandidate() == nil, "nothing notarized")
        pool.notarized = [blocks[1].digest]
        #expect(pool.finalizationShareCandidate() == blocks[1].digest)
        pool.signedNotarization = [blocks[1].digest]
        #expect(pool.finalizationShareCandidate() == blocks[1].digest, "it signed only that block")
        pool.signedNotarization.append(blocks[0].digest)
        #expect(pool.finalizationShareCandidate() == nil, "it signed another block too")
        pool.signedNotarization = []
        pool.notarized.append(blocks[2].digest)
        #expect(pool.finalizationShareCandidate() == nil, "two notarized blocks")
        pool.notarized = [blocks[1].digest]
        pool.sentFinalizationShare = true
        #expect(pool.finalizationShareCandidate() == nil, "already sent")
    }

    /// Shares below the threshold leave the height unmarked; the one that reaches it (and
    /// later ones) mark it, for notarization at its height and for finalization at the node.
    @Test func only_shares_at_the_threshold_mark_a_height() {
        let configuration = ConsensusConfiguration(nodeCount: 4)
        let genesis = Block.genesis(subnet: SHA256.hash(string: "HeightPoolScanTests"))
        var node = ConsensusNode(id: NodeID(0), configuration: configuration, genesis: genesis)
        let block = SHA256.hash(string: "a block at height 1")
        node.pool[1].notarizationPending = false
        node.finalizationPending = false
        for signer in 1...3 {
            let notarizationShareTaken = node.receive(.notarizationShare(height: 1, block: block, signer: NodeID(signer)))
            #expect(notarizationShareTaken)
            #expect(node.pool[1].notarizationPending == (signer >= configuration.threshold), "after \(signer) shares")
            let finalizationShareTaken = node.receive(.finalizationShare(height: 1, block: block, signer: NodeID(signer)))
            #expect(finalizationShareTaken)
            #expect(node.finalizationPending == (signer >= configuration.threshold), "after \(signer) shares")
        }
        // A duplicate changes nothing and marks nothing.
        node.pool[1].notarizationPending = false
        let duplicateTaken = node.receive(.notarizationShare(height: 1, block: block, signer: NodeID(1)))
        #expect(!duplicateTaken)
        #expect(!node.pool[1].notarizationPending)
    }

    /// End to end: a node notarizes a block exactly when its shares reach the threshold.
    @Test func a_block_is_notarized_when_its_shares_reach_the_threshold() {
        var h = Harness(nodes: 4)
        let block = h.block(rank: 0)
        let node = h.someNode(except: [block.maker])
        h.deliver(.proposal(block), from: block.maker, to: node, at: at(.milliseconds(1)))
        for (offset, signer) in h.peers(of: node, 3).enumerated() {
            h.deliver(.notarizationShare(height: 1, block: block.digest, signer: signer), from: signer, to: node,
                      at: at(.milliseconds(2 + Int64(offset))))
            let shares = h[node].pool[1].notarizationShares[block.digest]?.count ?? 0
            #expect(h[node].notarizedHeight == (shares >= h.threshold ? 1 : 0), "with \(shares) shares")
        }
        #expect(h[node].notarizedHeight == 1)
    }
}
