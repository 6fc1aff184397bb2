import SimCore

/// A node's artifacts at one height. Its maps and sets hold a few entries each (one per
/// block), so they are searched linearly; what is iterated (blocks, notarized digests) is kept
/// in arrays in a fixed order.
struct HeightPool: Sendable {
    // 17 stored properties: one height's artifacts and this node's marks there, each looked up per artifact.
    /// Valid blocks, by rank then digest.
    var blocks: [Block] = []
    /// The first block seen from each maker.
    var makers = SmallMap<NodeID, SHA256Digest>()
    /// Makers seen with two different blocks.
    var disqualified: NodeSet = []
    var beaconShares: NodeSet = []
    var notarizationShares = SmallMap<SHA256Digest, NodeSet>()
    var notarizationsReceived = SmallSet<SHA256Digest>()
    /// Notarized blocks, in the order they became notarized.
    var notarized: [SHA256Digest] = []
    var finalizationShares = SmallMap<SHA256Digest, NodeSet>()
    var finalizationsReceived = SmallSet<SHA256Digest>()
    /// The signers of received finalizations.
    var finalizationSigners = SmallMap<SHA256Digest, [NodeID]>()
    /// Blocks this node asked a peer for.
    var requested = SmallSet<SHA256Digest>()
    var finalized: SHA256Digest?
    /// Blocks this node signed notarization shares for.
    var signedNotarization: [SHA256Digest] = []
    var proposed = false
    var sentBeaconShare = false
    var sentFinalizationShare = false
    /// Whether a block, a notarization, or a notarization share that brought its block to the
    /// threshold arrived here since ``ConsensusNode/markNotarized(at:_:)`` last looked (only
    /// those can notarize a block).
    var notarizationPending = false

    /// Empties the pool, as a new one (``PoolTable`` reuses pruned pools), keeping its
    /// collections' storage.
    mutating func removeAll() {
        blocks.removeAll(keepingCapacity: true)
        makers.removeAll()
        disqualified.removeAll()
        beaconShares.removeAll()
        notarizationShares.removeAll()
        notarizationsReceived.removeAll()
        notarized.removeAll(keepingCapacity: true)
        finalizationShares.removeAll()
        finalizationsReceived.removeAll()
        finalizationSigners.removeAll()
        requested.removeAll()
        finalized = nil
        signedNotarization.removeAll(keepingCapacity: true)
        proposed = false
        sentBeaconShare = false
        sentFinalizationShare = false
        notarizationPending = false
    }

    mutating func insert(_ block: Block) {
        notarizationPending = true
        let index = blocks.firstIndex { ($0.rank, $0.digest) > (block.rank, block.digest) } ?? blocks.count
        blocks.insert(block, at: index)
    }

    // Plain loops, not closures: a closure would capture (copy) the whole pool.

    /// Whether a valid block here has digest `digest`.
    func holds(_ digest: SHA256Digest) -> Bool {
        for block in blocks where block.digest == digest { return true }
        return false
    }

    func hasBlock(rankBelow rank: Int) -> Bool {
        for block in blocks where block.rank < rank && !disqualified.contains(block.maker) { return true }
        return false
    }

    /// The lowest rank among blocks from makers not disqualified.
    func lowestEligibleRank() -> Int? {
        for block in blocks where !disqualified.contains(block.maker) { return block.rank }
        return nil
    }

    func hasUnsigned(rank: Int) -> Bool {
        for block in blocks where block.rank == rank && !disqualified.contains(block.maker)
            && !signedNotarization.contains(block.digest) {
            return true
        }
        return false
    }

    /// The lowest rank this node signed a notarization share for, among blocks whose makers
    /// are not disqualified (a share for an equivocator's block does not hold it back from
    /// signing the next rank).
    func lowestRankSignedEligible() -> Int? {
        for block in blocks where !disqualified.contains(block.maker) && signedNotarization.contains(block.digest) {
            return block.rank
        }
        return nil
    }

    /// The blocks not yet notarized here with `threshold` notarization shares or a received
    /// notarization, in block order, each with whether its notarization was received.
    @inline(__always)  // a call would take a copy of the whole pool (a retain of each array)
    func blocksReadyToNotarize(threshold: Int) -> [(digest: SHA256Digest, received: Bool)] {
        var ready: [(digest: SHA256Digest, received: Bool)] = []
        for block in blocks where !notarized.contains(block.digest) {
            let received = notarizationsReceived.contains(block.digest)
            if received || (notarizationShares[block.digest]?.count ?? 0) >= threshold { ready.append((block.digest, received)) }
        }
        return ready
    }

    /// The blocks here with `threshold` finalization shares or a received finalization, in
    /// block order, each with whether its finalization was received.
    @inline(__always)  // a call would take a copy of the whole pool (a retain of each array)
    func blocksReadyToFinalize(threshold: Int) -> [(block: Block, received: Bool)] {
        var ready: [(block: Block, received: Bool)] = []
        for block in blocks {
            let received = finalizationsReceived.contains(block.digest)
            if received || (finalizationShares[block.digest]?.count ?? 0) >= threshold { ready.append((block, received)) }
        }
        return ready
    }

    /// The block this node may sign a finalization share for here: the one notarized block,
    /// if it sent no share yet and signed no notarization share for another block.
    @inline(__always)  // a call would take a copy of the whole pool (a retain of each array)
    func finalizationShareCandidate() -> SHA256Digest? {
        guard !sentFinalizationShare, notarized.count == 1, let block = notarized.first,
              signedNotarization.allSatisfy({ $0 == block }) else { return nil }
        return block
    }

    /// The notarized block of lowest rank (then digest): the parent a maker extends.
    func lowestRankNotarized() -> SHA256Digest? {
        for block in blocks where notarized.contains(block.digest) { return block.digest }
        return nil
    }
}
