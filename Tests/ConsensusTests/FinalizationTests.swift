import Testing
import SimCore
@testable import Consensus

/// Finalization shares and finalization, on one node driven by hand.
@Suite("ConsensusNode: finalization")
struct FinalizationTests {
    /// A notary that signed only the block it then sees notarized signs a finalization share
    /// for it at once, and c - f finalization shares finalize it (Docs/Consensus.md, "A node
    /// as a state machine", rules 7 and 8).
    @Test func aNotaryFinalizesTheBlockItNotarized() throws {
        var h = Harness()
        let notary = h.unranked(at: 1)[0]
        let block = h.block(rank: 0)
        h.wake(notary, at: .zero)
        h.deliver(.proposal(block), from: block.maker, to: notary, at: .zero)
        let signed = h.wake(notary, at: h.notaryDue(0))
        #expect(signed.notarizationShares == [block.digest])
        #expect(signed.finalizationShares.isEmpty)
        let peers = h.peers(of: notary, h.threshold - 1)
        let notarized = h.step(notary, .artifacts(peers.map { .notarizationShare(height: 1, block: block.digest, signer: $0) },
                                                  from: peers[0]), at: at(.milliseconds(400)))
        #expect(notarized.notarizations.map(\.block) == [block.digest])
        #expect(notarized.finalizationShares == [block.digest])
        #expect(notarized.finalized.isEmpty)
        let finalized = h.step(notary, .artifacts(peers.map { .finalizationShare(height: 1, block: block.digest, signer: $0) },
                                                  from: peers[0]), at: at(.milliseconds(500)))
        #expect(finalized.finalized == [block])
        let finalization = try #require(finalized.finalizations.first)
        #expect(finalization.block == block.digest)
        #expect(finalization.signers.count == h.threshold)
        #expect(h[notary].finalizedHeight == 1)
        #expect(h[notary].finalizedTip == block.digest)
    }

    /// c - f - 1 finalization shares finalize nothing (Docs/Model.md, "ICC consensus",
    /// Thresholds).
    @Test func oneFinalizationShareShortFinalizesNothing() {
        var h = Harness(nodes: 7)
        let node = h.unranked(at: 1)[0]
        let block = h.block(rank: 0)
        // The node sees the block notarized before signing anything: its own share counts too.
        let own = h.deliver(.proposal(block), h.notarization(of: block, for: node), from: block.maker, to: node, at: .zero)
        #expect(own.finalizationShares == [block.digest])
        let peers = h.peers(of: node, h.threshold - 1)
        let shares = peers.map { Artifact.finalizationShare(height: 1, block: block.digest, signer: $0) }
        #expect(h.step(node, .artifacts(Array(shares.dropLast()), from: peers[0]), at: .zero).finalized.isEmpty)
        #expect(h[node].finalizedHeight == 0)
        #expect(h.deliver(shares[shares.count - 1], from: peers[0], to: node, at: .zero).finalized == [block])
    }

    /// A notary that signed a notarization share for another block at the height signs no
    /// finalization share there, even for a block it also signed (Docs/Consensus.md, rule 7;
    /// Docs/Model.md, "ICC consensus", Finalization share).
    @Test func aNotaryThatSignedAnotherBlockSignsNoFinalizationShare() {
        var h = Harness()
        let (notary, leaders) = h.notarySignsRankOneThenALateLeaderBlock()
        let notarized = h.deliver(h.notarization(of: leaders, for: notary), from: leaders.maker, to: notary,
                                  at: h.notaryDue(1) + .milliseconds(300))
        #expect(h[notary].notarizedHeight == 1)
        #expect(notarized.finalizationShares.isEmpty)
    }

    /// A node that sees two notarized blocks at a height signs no finalization share there;
    /// with one it does (Docs/Consensus.md, rule 7).
    @Test(arguments: [false, true])
    func aNodeSignsAFinalizationShareOnlyWhenItSeesExactlyOneNotarizedBlock(both: Bool) {
        var h = Harness()
        let notary = h.unranked(at: 1)[0]
        let (leaders, second) = (h.block(rank: 0), h.block(rank: 1))
        var artifacts: [Artifact] = [.proposal(leaders), .proposal(second), h.notarization(of: leaders, for: notary)]
        if both { artifacts.append(h.notarization(of: second, for: notary)) }
        h.wake(notary, at: .zero)
        let step = h.step(notary, .artifacts(artifacts, from: leaders.maker), at: at(.milliseconds(100)))
        #expect(h[notary].notarizedHeight == 1)
        #expect(step.finalizationShares == (both ? [] : [leaders.digest]))
    }

    /// Finalizing a block finalizes its unfinalized ancestors, output oldest first
    /// (Docs/Consensus.md, rule 8; Docs/Model.md, "ICC consensus", Finalizing ancestors).
    @Test func aFinalizationAlsoFinalizesTheUnfinalizedAncestors() {
        var h = Harness()
        let first = h.block(rank: 0)
        let second = h.block(rank: 0, height: 2, parent: first.digest)
        let node = h.someNode(except: [first.maker, second.maker])
        h.wake(node, at: .zero)
        let notarized = h.deliver(.proposal(first), h.notarization(of: first, for: node), from: first.maker, to: node, at: at(.milliseconds(100)))
        #expect(notarized.finalized.isEmpty)
        h.giveBeacon(1, to: node, at: at(.milliseconds(200)))
        let finalized = h.deliver(.proposal(second), h.notarization(of: second, for: node), h.finalization(of: second, for: node),
                                  from: second.maker, to: node, at: at(.milliseconds(300)))
        #expect(finalized.finalized == [first, second])
        #expect(h[node].finalizedHeight == 2)
        #expect(h[node].finalizedChain == [first, second])
    }
}
