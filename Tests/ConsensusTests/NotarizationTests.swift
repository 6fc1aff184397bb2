import Testing
import SimCore
@testable import Consensus

/// Notarization shares, the notary delay and the notarization threshold, on one node driven
/// by hand.
@Suite("ConsensusNode: notarization")
struct NotarizationTests {
    /// A notary signs a valid block only once the notary delay of its rank has passed
    /// (initial_notary_delay + unit_delay * rank): it asks to be woken then and signs when
    /// woken then (Docs/Consensus.md, "A node as a state machine", rule 6; Docs/Model.md,
    /// "ICC consensus", Notary delay).
    @Test(arguments: [0, 1])
    func aNotarySignsABlockOnceTheNotaryDelayOfItsRankHasPassed(rank: Int) {
        var h = Harness()
        let notary = h.unranked(at: 1)[0]
        let block = h.block(rank: rank)
        let due = h.notaryDue(rank)
        #expect(due == at(.milliseconds(300) + .seconds(Int64(rank))))
        h.wake(notary, at: .zero)
        let arrival = h.deliver(.proposal(block), from: block.maker, to: notary, at: h.makerDue(rank))
        #expect(arrival.notarizationShares.isEmpty)
        #expect(arrival.wakeUpAt == due)
        #expect(h.wake(notary, at: due - .nanoseconds(1)).notarizationShares.isEmpty)
        #expect(h.wake(notary, at: due).notarizationShares == [block.digest])
    }

    /// A notary signs the lowest-ranked valid block it has seen: the leader's block, arriving
    /// after the rank-1 block but before the rank-1 notary delay, is signed on arrival (its
    /// own delay has passed) and the rank-1 block never is (Docs/Consensus.md, rule 6).
    @Test func aNotarySignsTheLowestRankedBlockItHasSeen() {
        var h = Harness()
        let notary = h.unranked(at: 1)[0]
        let (leaders, second) = (h.block(rank: 0), h.block(rank: 1))
        h.wake(notary, at: .zero)
        h.deliver(.proposal(second), from: second.maker, to: notary, at: h.makerDue(1))
        let late = h.deliver(.proposal(leaders), from: leaders.maker, to: notary, at: h.makerDue(1) + .milliseconds(100))
        #expect(late.notarizationShares == [leaders.digest])
        for time in [h.notaryDue(1), h.notaryDue(1) + .seconds(2)] {
            #expect(h.wake(notary, at: time).notarizationShares.isEmpty)
        }
    }

    /// Never a higher rank than one signed, but a lower one may follow: a notary that signed
    /// the rank-1 block signs the leader's block when it comes (Docs/Model.md, "ICC
    /// consensus", Notarization).
    @Test func aNotaryThatSignedRankOneStillSignsALateLeaderBlock() {
        var h = Harness()
        _ = h.notarySignsRankOneThenALateLeaderBlock()
    }

    /// c - f notarization shares make a notarization, c - f - 1 do not; the node broadcasts
    /// it, naming c - f signers, and its round moves on (Docs/Consensus.md, rule 3;
    /// Docs/Model.md, "ICC consensus", Thresholds).
    @Test(arguments: [4, 7, 13])
    func cMinusFSharesMakeANotarization(nodes: Int) throws {
        var h = Harness(nodes: nodes)
        let node = h.unranked(at: 1)[0]
        let block = h.block(rank: 0)
        h.wake(node, at: .zero)
        h.deliver(.proposal(block), from: block.maker, to: node, at: .zero)
        // Shares from peers only: the node's own notary delay has not passed.
        let signers = h.peers(of: node, h.configuration.committeeSize - h.configuration.faultsTolerated)
        let shares = signers.map { Artifact.notarizationShare(height: 1, block: block.digest, signer: $0) }
        let short = h.step(node, .artifacts(Array(shares.dropLast()), from: signers[0]), at: at(.milliseconds(100)))
        #expect(short.notarizations.isEmpty)
        #expect(h[node].notarizedHeight == 0)
        let enough = h.deliver(try #require(shares.last), from: signers[signers.count - 1], to: node, at: at(.milliseconds(100)))
        #expect(enough.notarizations.map(\.block) == [block.digest])
        #expect(enough.notarizations.first?.signers == signers)
        #expect(h[node].notarizedHeight == 1)
        #expect(h[node].round == 2)
    }

    /// A notarization counts only with c - f signers (Docs/Model.md, "ICC consensus",
    /// Thresholds): one short of that changes nothing.
    @Test func aNotarizationWithTooFewSignersIsIgnored() {
        var h = Harness()
        let node = h.unranked(at: 1)[0]
        let block = h.block(rank: 0)
        let short = Artifact.notarization(height: 1, block: block.digest, signers: h.peers(of: node, h.threshold - 1))
        h.deliver(.proposal(block), short, from: block.maker, to: node, at: .zero)
        #expect(h[node].notarizedHeight == 0)
        h.deliver(h.notarization(of: block, for: node), from: block.maker, to: node, at: .zero)
        #expect(h[node].notarizedHeight == 1)
    }

    /// When n != 3f + 1, only the committee (the first c of a shuffle seeded by the beacon)
    /// notarizes and finalizes (Docs/Consensus.md, rules 1, 6 and 7; Docs/Model.md, "ICC
    /// consensus", Fault tolerance, committee).
    @Test func aNodeOutsideTheCommitteeSignsNoShares() throws {
        var h = Harness(nodes: 5)
        let everyone = (0..<5).map(NodeID.init)
        let outsiders = everyone.filter { h[$0].isInCommittee(at: 1) == false }
        #expect(outsiders.count == 5 - h.configuration.committeeSize)
        let outsider = try #require(outsiders.first)
        let block = h.block(rank: 0)
        let member = h.someNode(except: outsiders + [block.maker])
        for node in [outsider, member] {
            h.wake(node, at: .zero)
            h.deliver(.proposal(block), from: block.maker, to: node, at: .zero)
        }
        let due = h.notaryDue(0)
        #expect(h.wake(member, at: due).notarizationShares == [block.digest])
        #expect(h.wake(outsider, at: due).notarizationShares.isEmpty)
        #expect(h.wake(outsider, at: at(.seconds(5))).notarizationShares.isEmpty)
        let notarization = h.notarization(of: block, for: outsider)
        #expect(h.deliver(notarization, from: block.maker, to: member, at: at(.seconds(5))).finalizationShares == [block.digest])
        #expect(h.deliver(notarization, from: block.maker, to: outsider, at: at(.seconds(5))).finalizationShares.isEmpty)
    }

    /// The rank term of the notary delay grows by 1.5 per notarized height not yet finalized:
    /// unit_delay * rank * 1.5^(notarized - finalized) (Docs/Model.md, "ICC consensus",
    /// Notary delay).
    @Test func theNotaryDelayGrowsWhileFinalizationLags() {
        var h = Harness { $0.catchUpInterval = .seconds(60) }
        let parent = h.block(rank: 0)
        let block = h.block(rank: 1, height: 2, parent: parent.digest)
        let notary = h.someNode(except: h.makers(at: 2))
        h.wake(notary, at: .zero)
        let start = at(.milliseconds(100))
        h.deliver(.proposal(parent), h.notarization(of: parent, for: notary), from: parent.maker, to: notary, at: start)
        h.giveBeacon(1, to: notary, at: start)
        #expect(h[notary].notarizedHeight == 1 && h[notary].finalizedHeight == 0)
        let arrival = h.deliver(.proposal(block), from: block.maker, to: notary, at: start + h.configuration.blockMakerDelay(rank: 1))
        #expect(arrival.wakeUpAt == start + h.configuration.notaryDelay(rank: 1, gap: 1))
        #expect(arrival.wakeUpAt == start + .milliseconds(300 + 1_500))
    }

    /// The notary delay grows by 2 s per height the certified height trails the finalized
    /// one by more than one, and `.certified` tells the node its certified height
    /// (Docs/Consensus.md, rule 6; Docs/Model.md, "ICC consensus", Notary delay).
    @Test func theNotaryDelayGrowsWithTheCertificationLag() {
        var h = Harness { $0.catchUpInterval = .seconds(600) }
        let notary = h.unranked(at: 4)[0]
        h.finalize(notary, through: 3, from: .zero)
        let start = at(.seconds(1))
        h.giveBeacon(3, to: notary, at: start)
        let block = h.block(rank: 0, height: 4, parent: h[notary].finalizedTip)
        let arrival = h.deliver(.proposal(block), from: block.maker, to: notary, at: start)
        #expect(arrival.wakeUpAt == start + .milliseconds(300 + 3 * 2_000))
        #expect(h.step(notary, .certified(1), at: start).wakeUpAt == start + .milliseconds(300 + 2 * 2_000))
        #expect(h.wake(notary, at: start + .seconds(1)).notarizationShares.isEmpty)
        #expect(h.step(notary, .certified(2), at: start + .seconds(1)).notarizationShares == [block.digest])
    }

    /// A replica whose notarized height is 70 ahead of its certified height signs no
    /// notarization share, whatever the delay (Docs/Consensus.md, rule 6; Docs/Model.md,
    /// "ICC consensus", Notary delay).
    @Test func aReplicaSeventyHeightsAheadOfItsCertificationSignsNoShares() {
        var h = Harness { $0.catchUpInterval = .seconds(100_000) }
        let lag = h.configuration.certificationLagMax
        let notary = h.unranked(at: lag + 1)[0]
        h.finalize(notary, through: lag, from: .zero)
        let start = at(.seconds(10))
        h.giveBeacon(lag, to: notary, at: start)
        let block = h.block(rank: 0, height: lag + 1, parent: h[notary].finalizedTip)
        h.deliver(.proposal(block), from: block.maker, to: notary, at: start)
        let delayPassed = start + h.configuration.notaryDelay(rank: 0, gap: 0, certificationGap: lag) + .seconds(1)
        #expect(h.wake(notary, at: delayPassed).notarizationShares.isEmpty)
        // One height less of lag: the guard lets it sign, and its (shorter) delay has passed.
        #expect(h.step(notary, .certified(1), at: delayPassed).notarizationShares == [block.digest])
    }
}
