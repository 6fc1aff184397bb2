import Testing
import SimCore
@testable import Consensus

/// Catch-up requests, answers and packages, on nodes driven by hand.
@Suite("ConsensusNode: catching up")
struct CatchUpTests {
    /// A node whose notarized height has not grown for catchUpInterval broadcasts a request
    /// naming its finalized height, and again every interval while stuck; it asks to be
    /// woken for it (Docs/Consensus.md, "Catching up").
    @Test func aStuckNodeAsksForCatchUpEveryInterval() {
        var h = Harness()
        let node = h.unranked(at: 1)[0]
        let interval = h.configuration.catchUpInterval
        let first = h.wake(node, at: .zero)
        #expect(first.catchUpRequests.isEmpty)
        #expect(first.wakeUpAt == at(interval))
        #expect(h.wake(node, at: at(interval) - .nanoseconds(1)).catchUpRequests.isEmpty)
        let asked = h.wake(node, at: at(interval))
        #expect(asked.broadcasts.contains(.catchUpRequest(finalizedHeight: 0, requester: node)))
        #expect(asked.wakeUpAt == at(interval * 2))
        #expect(h.wake(node, at: at(interval * 2)).catchUpRequests == [0])
    }

    /// A new notarized height restarts the interval (Docs/Consensus.md, "Catching up").
    @Test func aNotarizedHeightPostponesTheRequest() {
        var h = Harness()
        let block = h.block(rank: 0)
        let node = h.someNode(except: [block.maker])
        let interval = h.configuration.catchUpInterval
        h.wake(node, at: .zero)
        let progress = at(.seconds(1))
        let notarized = h.deliver(.proposal(block), h.notarization(of: block, for: node), from: block.maker, to: node, at: progress)
        #expect(notarized.wakeUpAt == progress + interval)
        #expect(h.wake(node, at: at(interval)).catchUpRequests.isEmpty)
        #expect(h.wake(node, at: progress + interval).catchUpRequests == [0])
    }

    /// Artifacts for a far height do not make a node ask by themselves: only time without
    /// a new notarized height does, and the request then rides on whatever input comes
    /// (Docs/Consensus.md, "Catching up", which names no other trigger).
    @Test func artifactsFromFarAheadDoNotTriggerARequestBeforeTheInterval() {
        var h = Harness()
        let node = h.unranked(at: 1)[0]
        let far = Block(height: 50, parent: SHA256.hash(string: "height 49"), rank: 0, maker: NodeID(0), payload: [])
        let notarization = Artifact.notarization(height: 50, block: far.digest, signers: h.peers(of: node, h.threshold))
        h.wake(node, at: .zero)
        let early = h.deliver(.proposal(far), notarization, from: NodeID(0), to: node, at: at(.milliseconds(500)))
        #expect(early.catchUpRequests.isEmpty)
        #expect(h[node].notarizedHeight == 0)
        let share = Artifact.beaconShare(height: 50, signer: h.peers(of: node, 1)[0])
        let late = h.deliver(share, from: NodeID(0), to: node, at: at(h.configuration.catchUpInterval))
        #expect(late.catchUpRequests == [0])
    }

    /// A peer that finalized further answers the requester alone with a catch-up package
    /// (its finalized blocks above the requester's height, c - f signers of its tip's
    /// finalization, its beacon there); the requester finalizes the blocks, continues from
    /// the tip and signs the next height's beacon share (Docs/Consensus.md, "Catching up").
    @Test(arguments: [0, 2] as [Height])
    func aCatchUpPackageBringsTheRequesterToThePeersFinalizedHeight(requesterHeight: Height) throws {
        var h = Harness()
        let (responder, requester) = (NodeID(0), NodeID(1))
        h.finalize(responder, through: 5, from: .zero)
        h.giveBeacon(5, to: responder, at: at(.seconds(1)))
        h.wake(requester, at: .zero)
        h.finalize(requester, through: requesterHeight, from: .zero)
        let request = Artifact.catchUpRequest(finalizedHeight: requesterHeight, requester: requester)
        let answer = h.deliver(request, from: requester, to: responder, at: at(.seconds(2)))
        #expect(answer.broadcasts.isEmpty)
        let reply = answer.sent(to: requester)
        let package = try #require(reply.compactMap { if case .catchUp(let package) = $0 { package } else { nil } }.first)
        #expect(package.blocks.map(\.height) == Array(requesterHeight + 1...5))
        #expect(package.blocks == Array(h[responder].finalizedChain.dropFirst(Int(requesterHeight))))
        #expect(package.signers.count >= h.threshold)
        let adopted = h.step(requester, .artifacts(reply, from: responder), at: at(.milliseconds(2_100)))
        #expect(adopted.finalized == package.blocks)
        #expect(h[requester].finalizedHeight == 5)
        #expect(h[requester].finalizedTip == h[responder].finalizedTip)
        #expect(h[requester].round == 6)
        #expect(adopted.beaconShares == [6])
        #expect(h[responder].makers(at: 6) != nil)
        #expect(h[requester].makers(at: 6) == h[responder].makers(at: 6))
    }

    /// A package needs c - f signers vouching for its tip: with one fewer it is ignored
    /// (Docs/Consensus.md, "Catching up").
    @Test func aPackageWithTooFewSignersIsIgnored() throws {
        var h = Harness()
        let (responder, requester) = (NodeID(0), NodeID(1))
        var package = try Self.package(&h, from: responder, to: requester)
        package.signers.removeLast(package.signers.count - (h.threshold - 1))
        let step = h.deliver(.catchUp(package), from: responder, to: requester, at: at(.seconds(2)))
        #expect(step.finalized.isEmpty)
        #expect(h[requester].finalizedHeight == 0)
    }

    /// A package's blocks must extend the requester's finalized chain: blocks on another
    /// chain are ignored (Docs/Consensus.md, "Catching up").
    @Test func aPackageOnAnotherChainIsIgnored() throws {
        var h = Harness()
        let (responder, requester) = (NodeID(0), NodeID(1))
        var package = try Self.package(&h, from: responder, to: requester)
        let foreign = Block(height: 1, parent: SHA256.hash(string: "another subnet"), rank: 0,
                            maker: package.blocks[0].maker, payload: [])
        package.blocks = [foreign, Block(height: 2, parent: foreign.digest, rank: 0, maker: package.blocks[1].maker, payload: [])]
        let step = h.deliver(.catchUp(package), from: responder, to: requester, at: at(.seconds(2)))
        #expect(step.finalized.isEmpty)
        #expect(h[requester].finalizedHeight == 0)
    }

    /// A peer that has not finalized beyond the requester sends no package, only what it
    /// holds above its finalized height; and a node does not answer its own request
    /// (Docs/Consensus.md, "Catching up").
    @Test func onlyAPeerThatIsAheadSendsAPackage() {
        var h = Harness()
        let (responder, requester) = (NodeID(0), NodeID(1))
        h.finalize(responder, through: 2, from: .zero)
        h.giveBeacon(2, to: responder, at: at(.milliseconds(500)))
        let level = h.deliver(.catchUpRequest(finalizedHeight: 2, requester: requester), from: requester, to: responder, at: at(.seconds(1)))
        #expect(!level.sent(to: requester).isEmpty)
        #expect(!level.sent(to: requester).contains { $0.kind == .catchUp })
        let own = h.deliver(.catchUpRequest(finalizedHeight: 0, requester: responder), from: responder, to: responder, at: at(.seconds(1)))
        #expect(own.outputs.isEmpty)
    }

    /// An answer carries every valid block above the responder's finalized height, an
    /// equivocator's second block included, so the requester learns of both and supports
    /// neither (Docs/Consensus.md, "Catching up").
    @Test func anAnswerCarriesEveryValidBlockAboveTheFinalizedHeight() {
        var h = Harness()
        let (responder, requester) = (h.unranked(at: 1)[0], h.unranked(at: 1)[1])
        let first = h.block(rank: 0)
        let second = h.block(rank: 0, payload: [PayloadItem(id: 7, sizeBytes: 1)])
        h.wake(responder, at: .zero)
        h.deliver(.proposal(first), .proposal(second), from: first.maker, to: responder, at: at(.milliseconds(100)))
        h.wake(requester, at: .zero)
        h.deliver(.proposal(first), from: first.maker, to: requester, at: at(.milliseconds(100)))
        let answer = h.deliver(.catchUpRequest(finalizedHeight: 0, requester: requester), from: requester, to: responder,
                               at: at(.milliseconds(200)))
        let reply = answer.sent(to: requester)
        #expect(reply.contains(.proposal(first)) && reply.contains(.proposal(second)))
        h.step(requester, .artifacts(reply, from: responder), at: at(.milliseconds(250)))
        #expect(h.wake(requester, at: at(.seconds(1))).notarizationShares.isEmpty)
    }

    /// The package `responder`, finalized through height 2 (and holding its beacon), sends `requester` (finalized
    /// nowhere) when asked.
    static func package(_ h: inout Harness, from responder: NodeID, to requester: NodeID) throws -> CatchUpPackage {
        h.finalize(responder, through: 2, from: .zero)
        h.giveBeacon(2, to: responder, at: at(.milliseconds(500)))
        h.wake(requester, at: .zero)
        let answer = h.deliver(.catchUpRequest(finalizedHeight: 0, requester: requester), from: requester, to: responder, at: at(.seconds(1)))
        let packages = answer.sent(to: requester).compactMap { if case .catchUp(let package) = $0 { package } else { nil } }
        let package = try #require(packages.first)
        #expect(package.blocks.count == 2)
        return package
    }
}
