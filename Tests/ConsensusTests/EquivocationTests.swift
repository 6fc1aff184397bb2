import Testing
import SimCore
@testable import Consensus

/// A maker seen with two different blocks at one height, on one node driven by hand.
@Suite("ConsensusNode: equivocating makers")
struct EquivocationTests {
    /// The leader's two blocks at height 1: the honest one and one with another payload.
    static func equivocation(_ h: Harness) -> (first: Block, second: Block) {
        (h.block(rank: 0), h.block(rank: 0, payload: [PayloadItem(id: 7, sizeBytes: 1)]))
    }

    /// A maker seen with two blocks at a height is disqualified there: the node accepts and
    /// advertises both, signs neither and asks for no notary wake-up for them, and signs the
    /// next rank's block at that rank's notary delay (Docs/Consensus.md, "A node as a state
    /// machine", rules 2 and 6; Docs/Model.md, "ICC consensus", Notarization).
    @Test func aNotarySupportsNeitherOfAnEquivocatingLeadersBlocks() {
        var h = Harness()
        let notary = h.unranked(at: 1)[0]
        let (first, second) = Self.equivocation(h)
        h.wake(notary, at: .zero)
        let both = h.deliver(.proposal(first), .proposal(second), from: first.maker, to: notary, at: at(.milliseconds(100)))
        #expect(both.adverts == [first.digest, second.digest])
        #expect(both.wakeUpAt == at(h.configuration.catchUpInterval))
        #expect(h.wake(notary, at: h.makerDue(1)).notarizationShares.isEmpty)
        let next = h.block(rank: 1)
        h.deliver(.proposal(next), from: next.maker, to: notary, at: h.makerDue(1))
        #expect(h.wake(notary, at: h.notaryDue(1)).notarizationShares == [next.digest])
    }

    /// The equivocator's blocks do not count as lower-ranked proposals: the rank-1 maker
    /// proposes at its block-maker delay, where one of them alone would have kept it silent
    /// (Docs/Consensus.md, rules 2 and 5).
    @Test(arguments: [false, true])
    func theNextMakerProposesOnlyIfTheLeaderEquivocates(equivocates: Bool) {
        var h = Harness()
        let maker = h.makers(at: 1)[1]
        let (first, second) = Self.equivocation(h)
        h.wake(maker, at: .zero)
        h.deliver(.proposal(first), from: first.maker, to: maker, at: at(.milliseconds(100)))
        if equivocates { h.deliver(.proposal(second), from: first.maker, to: maker, at: at(.milliseconds(200))) }
        let due = h.wake(maker, at: h.makerDue(1))
        #expect(due.proposals == (equivocates ? [h.block(rank: 1)] : []))
    }

    /// A notary that signed the first block before the second arrived signs the next rank
    /// (a share for a disqualified maker's block does not hold it back), but signs no
    /// finalization share at that height: it signed another block there
    /// (Docs/Consensus.md, rules 6 and 7).
    @Test func aNotaryThatSignedTheEquivocatorsFirstBlockMovesOnButDoesNotFinalize() {
        var h = Harness()
        let notary = h.unranked(at: 1)[0]
        let (first, second) = Self.equivocation(h)
        h.wake(notary, at: .zero)
        h.deliver(.proposal(first), from: first.maker, to: notary, at: .zero)
        #expect(h.wake(notary, at: h.notaryDue(0)).notarizationShares == [first.digest])
        let disqualified = h.deliver(.proposal(second), from: first.maker, to: notary, at: h.notaryDue(0) + .milliseconds(100))
        #expect(disqualified.notarizationShares.isEmpty)
        let next = h.block(rank: 1)
        h.deliver(.proposal(next), from: next.maker, to: notary, at: h.makerDue(1))
        #expect(h.wake(notary, at: h.notaryDue(1)).notarizationShares == [next.digest])
        let notarized = h.deliver(h.notarization(of: next, for: notary), from: next.maker, to: notary, at: h.notaryDue(1) + .milliseconds(100))
        #expect(h[notary].notarizedHeight == 1)
        #expect(notarized.finalizationShares.isEmpty)
    }

    /// Whoever saw one of an equivocator's blocks learns of the other: a peer advertises the
    /// block it accepted, the node asks for it, the peer sends it, and the node stops
    /// supporting the maker before its notary delay runs out (Docs/Consensus.md, rule 2).
    @Test func anAdvertLeadsANodeThatSawOneBlockToTheOther() {
        var h = Harness()
        let (node, peer) = (h.unranked(at: 1)[0], h.unranked(at: 1)[1])
        let (first, second) = Self.equivocation(h)
        h.wake(node, at: .zero)
        h.wake(peer, at: .zero)
        h.deliver(.proposal(first), from: first.maker, to: node, at: .zero)
        let accepted = h.deliver(.proposal(second), from: first.maker, to: peer, at: .zero)
        let request = h.step(node, .artifacts(accepted.broadcasts, from: peer), at: at(.milliseconds(100)))
        #expect(request.sent(to: peer) == [.blockRequest(height: 1, block: second.digest)])
        let answer = h.step(peer, .artifacts(request.sent(to: peer), from: node), at: at(.milliseconds(200)))
        #expect(answer.sent(to: node) == [.proposal(second)])
        h.step(node, .artifacts(answer.sent(to: node), from: peer), at: at(.milliseconds(250)))
        #expect(h.wake(node, at: h.notaryDue(0)).notarizationShares.isEmpty)
        #expect(h.wake(node, at: h.makerDue(1)).notarizationShares.isEmpty)
    }
}
