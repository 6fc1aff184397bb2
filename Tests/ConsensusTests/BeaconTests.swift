import Testing
import SimCore
@testable import Consensus

/// The random beacon: shares, the beacon, the roles it fixes, and beacons from peers, on one
/// node driven by hand.
@Suite("ConsensusNode: random beacon")
struct BeaconTests {
    /// A node signs the beacon share of its round once it has the beacon below it and a
    /// notarized block below it: for height 1, at once (Docs/Consensus.md, "A node as a
    /// state machine", rule 4).
    @Test func everyNodeSignsTheBeaconShareOfHeightOneAtOnce() {
        var h = Harness()
        for index in 0..<4 {
            let step = h.wake(NodeID(index), at: .zero)
            #expect(step.broadcasts.contains(.beaconShare(height: 1, signer: NodeID(index))))
        }
    }

    /// f + 1 shares (its own among them) make the beacon, f do not; two nodes that combine
    /// different shares make the same beacon (Docs/Consensus.md, rule 1; Docs/Model.md, "ICC
    /// consensus", Thresholds).
    @Test(arguments: [4, 7, 13])
    func fPlusOneSharesMakeTheBeacon(nodes: Int) throws {
        var h = Harness(nodes: nodes)
        let (low, high) = (NodeID(0), NodeID(nodes - 1))
        var made: [SHA256Digest] = []
        for (node, peers) in [(low, h.peers(of: low, h.f)), (high, Array(h.peers(of: high, nodes).suffix(h.f)))] {
            #expect(h.wake(node, at: .zero).beacons.isEmpty)
            for (index, peer) in peers.enumerated() {
                let step = h.deliver(.beaconShare(height: 1, signer: peer), from: peer, to: node, at: at(.milliseconds(100)))
                #expect(step.beacons.map(\.height) == (index == h.f - 1 ? [1] : []))
                made += step.beacons.map(\.value)
            }
            #expect(h[node].makers(at: 2) != nil)
        }
        #expect(made.count == 2)
        #expect(Set(made).count == 1)
    }

    /// Knowing the beacon of h fixes the makers of h + 1: the first f + 1 of a shuffle of the
    /// node list seeded by the beacon; the new leader proposes as soon as its round starts
    /// (Docs/Consensus.md, rule 1; Docs/Model.md, "ICC consensus", Block makers).
    @Test func theNextHeightsMakersFollowFromTheBeacon() throws {
        var h = Harness()
        // Any node but the new leader (whose round must not start before the test's).
        let observer = h.someNode(except: [h.makers(at: 2)[0]])
        h.wake(observer, at: .zero)
        let beacon = try #require(h.giveBeacon(1, to: observer, at: at(.milliseconds(100))).beacons.first)
        var stream = RandomSeed(digest: beacon.value).stream("block makers")
        var order = (0..<4).map(NodeID.init)
        stream.shuffle(&order)
        let makers = Array(order.prefix(h.configuration.rankedMakers))
        #expect(h[observer].makers(at: 2) == makers)
        let parent = h.block(rank: 0)
        let leader = makers[0]
        h.wake(leader, at: .zero)
        h.deliver(.proposal(parent), h.notarization(of: parent, for: leader), from: parent.maker, to: leader, at: at(.milliseconds(200)))
        let started = h.deliver(.beacon(height: 1, value: beacon.value), from: observer, to: leader, at: at(.milliseconds(300)))
        #expect(started.proposals == [Block(height: 2, parent: parent.digest, rank: 0, maker: leader, payload: [])])
    }

    /// The share of the beacon of h + 1 waits for a notarized block at h, not only for the
    /// beacon of h (Docs/Consensus.md, rule 4; Docs/Model.md, "ICC consensus", Random beacon).
    @Test func theNextBeaconShareWaitsForANotarizedBlock() {
        var h = Harness()
        let block = h.block(rank: 0)
        let node = h.someNode(except: [block.maker])
        #expect(h.wake(node, at: .zero).beaconShares == [1])
        #expect(h.giveBeacon(1, to: node, at: at(.milliseconds(100))).beaconShares.isEmpty)
        let notarized = h.deliver(.proposal(block), h.notarization(of: block, for: node), from: block.maker, to: node,
                                  at: at(.milliseconds(200)))
        #expect(notarized.beaconShares == [2])
    }

    /// A beacon received from a peer is accepted once the one before it is known: one that
    /// arrives first is held, then accepted with it (Docs/Consensus.md, rule 1).
    @Test func aBeaconThatArrivesEarlyIsHeldUntilTheOneBeforeIt() throws {
        var h = Harness()
        let (peer, node) = (NodeID(0), NodeID(1))
        let (first, second) = try Self.beacons(&h, madeBy: peer)
        h.wake(node, at: .zero)
        h.deliver(.beacon(height: 2, value: second), from: peer, to: node, at: at(.milliseconds(400)))
        #expect(h[node].beaconHeight == 0)
        #expect(h[node].makers(at: 2) == nil)
        h.deliver(.beacon(height: 1, value: first), from: peer, to: node, at: at(.milliseconds(500)))
        #expect(h[node].beaconHeight == 2)
        #expect(h[peer].makers(at: 3) != nil)
        #expect(h[node].makers(at: 3) == h[peer].makers(at: 3))
    }

    /// A beacon's value follows from the one before it (a unique threshold signature): a
    /// received beacon with another value is not accepted, the right one then is
    /// (Docs/Model.md, "ICC consensus", and Docs/Consensus.md, rule 1).
    @Test func aBeaconWithAnotherValueIsNotAccepted() throws {
        var h = Harness()
        let (peer, node) = (NodeID(0), NodeID(1))
        let (first, _) = try Self.beacons(&h, madeBy: peer)
        h.wake(node, at: .zero)
        h.deliver(.beacon(height: 1, value: SHA256.hash(string: "not the beacon")), from: peer, to: node, at: at(.milliseconds(400)))
        #expect(h[node].beaconHeight == 0)
        #expect(h[node].makers(at: 2) == nil)
        h.deliver(.beacon(height: 1, value: first), from: peer, to: node, at: at(.milliseconds(500)))
        #expect(h[node].beaconHeight == 1)
        #expect(h[peer].makers(at: 2) != nil)
        #expect(h[node].makers(at: 2) == h[peer].makers(at: 2))
    }

    /// The beacons of heights 1 and 2 as `peer` makes them from its peers' shares (it
    /// notarizes height 1 in between, to enter round 2).
    static func beacons(_ h: inout Harness, madeBy peer: NodeID) throws -> (SHA256Digest, SHA256Digest) {
        h.wake(peer, at: .zero)
        let first = try #require(h.giveBeacon(1, to: peer, at: at(.milliseconds(100))).beacons.first)
        let block = h.block(rank: 0)
        h.deliver(.proposal(block), h.notarization(of: block, for: peer), from: block.maker, to: peer, at: at(.milliseconds(200)))
        let second = try #require(h.giveBeacon(2, to: peer, at: at(.milliseconds(300))).beacons.first)
        #expect(first.height == 1 && second.height == 2)
        return (first.value, second.value)
    }
}
