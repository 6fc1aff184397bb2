import Testing
import SimCore
@testable import Consensus

/// Block makers, their payload, and block validation and gossip, on one node driven by hand.
@Suite("ConsensusNode: proposals")
struct ProposalTests {
    /// The leader's block-maker delay is zero (Docs/Consensus.md, "A node as a state
    /// machine", rule 5; Docs/Model.md, "ICC consensus", Block-maker delay).
    @Test func theLeaderProposesAtOnce() {
        var h = Harness()
        let leader = h.makers(at: 1)[0]
        #expect(h.wake(leader, at: .zero).proposals == [h.block(rank: 0)])
    }

    /// A maker of rank r proposes unit_delay * r after the round starts, not earlier: it asks
    /// to be woken then, proposes when woken then, and proposes once per height
    /// (Docs/Consensus.md, "A node as a state machine", rule 5).
    @Test(arguments: [1, 2])
    func aRankedMakerProposesAfterItsBlockMakerDelay(rank: Int) {
        var h = Harness(nodes: 7)
        let maker = h.makers(at: 1)[rank]
        let due = h.makerDue(rank)
        #expect(due == at(.seconds(Int64(rank))))
        let first = h.wake(maker, at: .zero)
        #expect(first.proposals.isEmpty)
        #expect(first.wakeUpAt == due)
        let early = h.wake(maker, at: due - .nanoseconds(1))
        #expect(early.proposals.isEmpty)
        #expect(early.wakeUpAt == due)
        #expect(h.wake(maker, at: due).proposals == [h.block(rank: rank)])
        #expect(h.wake(maker, at: due + .milliseconds(1)).proposals.isEmpty)
    }

    /// The round starts at the later of the previous height's first notarization and its
    /// beacon, and the block-maker delay counts from there (Docs/Model.md, "ICC consensus",
    /// Round start; Docs/Consensus.md, rule 5).
    @Test(arguments: [true, false])
    func aMakersDelayCountsFromTheLaterOfNotarizationAndBeacon(beaconLast: Bool) {
        var h = Harness()
        let maker = h.makers(at: 2)[1]
        let parent = h.block(rank: 0)
        let early = at(.milliseconds(500)), late = at(.milliseconds(800))
        h.wake(maker, at: .zero)
        let last: ConsensusStep
        if beaconLast {
            h.deliver(.proposal(parent), h.notarization(of: parent, for: maker), from: parent.maker, to: maker, at: early)
            last = h.giveBeacon(1, to: maker, at: late)
        } else {
            h.giveBeacon(1, to: maker, at: early)
            last = h.deliver(.proposal(parent), h.notarization(of: parent, for: maker), from: parent.maker, to: maker, at: late)
        }
        let due = late + h.configuration.blockMakerDelay(rank: 1)
        #expect(last.wakeUpAt == due)
        #expect(h.wake(maker, at: due - .nanoseconds(1)).proposals.isEmpty)
        #expect(h.wake(maker, at: due).proposals == [h.block(rank: 1, height: 2, parent: parent.digest)])
    }

    /// A maker stays silent once it saw a valid proposal of lower rank (Docs/Model.md, "ICC
    /// consensus", Block-maker delay); it waits for the notary delay instead.
    @Test func aMakerThatSawALowerRankedBlockDoesNotPropose() {
        var h = Harness()
        let maker = h.makers(at: 1)[1]
        let leaders = h.block(rank: 0)
        h.wake(maker, at: .zero)
        let seen = h.deliver(.proposal(leaders), from: leaders.maker, to: maker, at: at(.milliseconds(200)))
        #expect(seen.wakeUpAt == h.notaryDue(0))
        for time in [h.makerDue(1), h.makerDue(1) + .milliseconds(500), h.makerDue(1) + .seconds(4)] {
            #expect(h.wake(maker, at: time).proposals.isEmpty)
        }
    }

    /// Payload: the oldest queued items, in the order given (Docs/Consensus.md, rule 5).
    @Test func queuedPayloadGoesIntoTheProposalOldestFirst() {
        var h = Harness()
        let leader = h.makers(at: 1)[0]
        let items = (1...3).map { PayloadItem(id: $0, sizeBytes: 100) }
        h.step(leader, .payload([items[0], items[1]], availableAt: .zero), at: .zero)
        h.step(leader, .payload([items[2]], availableAt: .zero), at: .zero)
        #expect(h.wake(leader, at: .zero).proposals.map(\.payload) == [items])
    }

    /// A block holds at most payloadItemsMax items and payloadBytesMax bytes: the oldest
    /// items that fit, up to the first that does not (Docs/Consensus.md, rules 2 and 5).
    @Test(arguments: [([10, 10, 10, 10, 10], 3), ([400, 500, 200, 10], 2)])
    func aProposalKeepsWithinThePayloadLimits(sizes: [Int], fitting: Int) {
        var h = Harness { $0.payloadItemsMax = 3; $0.payloadBytesMax = 1_000 }
        let leader = h.makers(at: 1)[0]
        let items = sizes.enumerated().map { PayloadItem(id: UInt64($0.offset), sizeBytes: $0.element) }
        h.step(leader, .payload(items, availableAt: .zero), at: .zero)
        #expect(h.wake(leader, at: .zero).proposals.map(\.payload) == [Array(items.prefix(fitting))])
    }

    /// Items leave the queue when a block holding them is finalized: the next height's
    /// leader proposes only what is left (Docs/Consensus.md, rule 5).
    @Test func finalizedItemsLeaveTheQueue() {
        var h = Harness { $0.payloadItemsMax = 2 }
        let maker = h.makers(at: 2)[0]
        let items = (1...3).map { PayloadItem(id: $0, sizeBytes: 10) }
        // Not woken at height 1, so it makes no block there even if it is a maker.
        h.step(maker, .payload(items, availableAt: .zero), at: .zero)
        let first = h.block(rank: 0, payload: Array(items.prefix(2)))
        let done = h.deliver(.proposal(first), h.notarization(of: first, for: maker), h.finalization(of: first, for: maker),
                             from: first.maker, to: maker, at: at(.milliseconds(100)))
        #expect(done.finalized == [first])
        #expect(h[maker].payloadQueue.map(\.item) == [items[2]])
        #expect(h.giveBeacon(1, to: maker, at: at(.milliseconds(200))).proposals.map(\.payload) == [[items[2]]])
    }

    /// Items in the unfinalized blocks a proposal extends are left out, but stay queued until
    /// finalized (Docs/Consensus.md, rule 5).
    @Test func itemsInTheNotarizedParentAreNotProposedAgain() {
        var h = Harness()
        let maker = h.makers(at: 2)[0]
        let items = (1...3).map { PayloadItem(id: $0, sizeBytes: 10) }
        h.step(maker, .payload(items, availableAt: .zero), at: .zero)
        let first = h.block(rank: 0, payload: [items[0], items[2]])
        h.deliver(.proposal(first), h.notarization(of: first, for: maker), from: first.maker, to: maker, at: at(.milliseconds(100)))
        #expect(h[maker].finalizedHeight == 0)
        #expect(h.giveBeacon(1, to: maker, at: at(.milliseconds(200))).proposals.map(\.payload) == [[items[1]]])
        #expect(h[maker].payloadQueue.map(\.item) == items)
    }

    /// An item is proposed only from when it is available to the maker (in its ingress pool,
    /// once gossip brought it): a block made earlier leaves it out.
    @Test func itemsAreProposedOnlyOnceAvailable() {
        var h = Harness()
        let maker = h.makers(at: 1)[0]
        let early = PayloadItem(id: 1, sizeBytes: 10)
        let late = PayloadItem(id: 2, sizeBytes: 10)
        h.step(maker, .payload([early], availableAt: .zero), at: .zero)
        h.step(maker, .payload([late], availableAt: at(.seconds(5))), at: .zero)
        #expect(h.step(maker, .wakeUp, at: at(.milliseconds(1))).proposals.map(\.payload) == [[early]])
    }

    /// A block is valid only if its maker holds its rank (Docs/Consensus.md, rule 2): a block
    /// claiming another rank is neither advertised nor signed, the genuine one is.
    @Test func aBlockWhoseMakerDoesNotHoldItsRankIsRejected() {
        var h = Harness()
        let makers = h.makers(at: 1)
        let notary = h.unranked(at: 1)[0]
        let outsider = h.unranked(at: 1)[1]
        let impostors = [Block(height: 1, parent: h.genesis.digest, rank: 0, maker: makers[1], payload: []),
                         Block(height: 1, parent: h.genesis.digest, rank: 1, maker: outsider, payload: [])]
        h.wake(notary, at: .zero)
        for impostor in impostors {
            #expect(h.deliver(.proposal(impostor), from: impostor.maker, to: notary, at: .zero).adverts.isEmpty)
        }
        #expect(h.wake(notary, at: at(.seconds(2))).notarizationShares.isEmpty)
        let genuine = h.block(rank: 1)
        #expect(h.deliver(.proposal(genuine), from: genuine.maker, to: notary, at: at(.seconds(2))).adverts == [genuine.digest])
    }

    /// A proposal is validated once its height's beacon is known and its parent notarized
    /// (Docs/Consensus.md, rule 2): until then it is held, then advertised.
    @Test func aBlockIsHeldUntilItsParentIsNotarizedAndItsBeaconKnown() {
        var h = Harness()
        let parent = h.block(rank: 0)
        let child = h.block(rank: 0, height: 2, parent: parent.digest)
        let node = h.someNode(except: [parent.maker, child.maker])
        h.wake(node, at: .zero)
        #expect(h.deliver(.proposal(child), from: child.maker, to: node, at: at(.milliseconds(100))).adverts.isEmpty)
        let notarized = h.deliver(.proposal(parent), h.notarization(of: parent, for: node), from: parent.maker, to: node,
                                  at: at(.milliseconds(200)))
        #expect(notarized.adverts == [parent.digest])
        #expect(h.giveBeacon(1, to: node, at: at(.milliseconds(300))).adverts == [child.digest])
    }

    /// A node that sees an advert for a block it lacks asks the advertiser for it, once
    /// (Docs/Consensus.md, rule 2).
    @Test func anAdvertForAMissingBlockIsAnsweredWithOneRequest() {
        var h = Harness()
        let block = h.block(rank: 0)
        let node = h.someNode(except: [block.maker])
        let (first, second) = (h.someNode(except: [block.maker, node]), block.maker)
        let advert = Artifact.blockAdvert(height: 1, block: block.digest, maker: block.maker)
        let asked = h.deliver(advert, from: first, to: node, at: .zero)
        #expect(asked.sent(to: first) == [.blockRequest(height: 1, block: block.digest)])
        #expect(h.deliver(advert, from: second, to: node, at: .zero).outputs.isEmpty)
    }

    /// A node answers a request for a block it holds with the block, to the requester alone
    /// (Docs/Consensus.md, rule 2).
    @Test func aBlockRequestIsAnsweredWithTheBlock() {
        var h = Harness()
        let block = h.block(rank: 0)
        let holder = h.someNode(except: [block.maker])
        let asker = h.someNode(except: [block.maker, holder])
        h.deliver(.proposal(block), from: block.maker, to: holder, at: .zero)
        let answer = h.deliver(.blockRequest(height: 1, block: block.digest), from: asker, to: holder, at: at(.milliseconds(10)))
        #expect(answer.outputs == [.send(.proposal(block), to: asker)])
    }
}
