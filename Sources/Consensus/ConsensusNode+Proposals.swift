import SimCore

// Block proposals: validating received ones, and making this node's own when its rank's delay has passed.
extension ConsensusNode {
    /// Validates pending blocks whose beacon and parent are now known: the maker has the
    /// block's rank, the parent is notarized, the payload is within the limits. A maker with
    /// two different blocks at one height is disqualified there.
    mutating func validatePendingBlocks(_ step: inout ConsensusStep) -> Bool {
        // Most steps have no block waiting: nothing to build, swap or append then.
        guard !pendingBlocks.isEmpty else { return false }
        var adverts: [ConsensusOutput] = []
        defer { step.outputs += adverts }
        var changed = false
        var stillPending: [Block] = []
        for block in pendingBlocks {
            guard block.height > finalizedHeight else { changed = true; continue }
            guard let makers = makers(at: block.height),
                  pool.read(block.height - 1, { $0.notarized.contains(block.parent) }) else {
                stillPending.append(block)
                continue
            }
            changed = true
            guard block.rank < makers.count, makers[block.rank] == block.maker,
                  block.payload.count <= configuration.payloadItemsMax,
                  block.payload.reduce(0, { $0 + $1.sizeBytes }) <= configuration.payloadBytesMax else { continue }
            accept(block)
            adverts.append(.broadcast(.blockAdvert(height: block.height, block: block.digest, maker: block.maker)))
        }
        pendingBlocks = stillPending
        return changed
    }

    mutating func accept(_ block: Block) {
        // One in-place visit of the height's pool (see `PoolTable.modify`).
        pool.modify(block.height) { pool in
            if let earlier = pool.makers[block.maker], earlier != block.digest {
                pool.disqualified.insert(block.maker)
            }
            if pool.makers[block.maker] == nil { pool.makers[block.maker] = block.digest }
            pool.insert(block)
        }
        blocks[block.digest] = block
        finalizationPending = true
    }

    /// Proposes a block once the block-maker delay of its rank has passed, unless it already
    /// proposed this round or saw a valid proposal of a lower rank.
    mutating func propose(_ now: SimInstant, _ step: inout ConsensusStep) -> Bool {
        let height = round
        guard let rank = myRank(), let start = roundStart(), now >= start + configuration.blockMakerDelay(rank: rank),
              !pool.read(height, { $0.proposed }), !pool.read(height, { $0.hasBlock(rankBelow: rank) }),
              let parent = pool.read(height - 1, { $0.lowestRankNotarized() }) else { return false }
        let block = Block(height: height, parent: parent, rank: rank, maker: id, payload: payload(extending: parent, at: now))
        pool.modify(height) { $0.proposed = true }
        accept(block)
        step.outputs.append(.broadcast(.proposal(block)))
        return true
    }

    /// Payload for a block extending `parent` made at `now`: the oldest items available by
    /// then, not yet finalized and not in the unfinalized blocks it extends, within the block
    /// limits. (Items leave the queue when a block holding them is finalized, so an item in a
    /// block that loses is proposed again.)
    func payload(extending parent: SHA256Digest, at now: SimInstant) -> [PayloadItem] {
        var pending: Set<UInt64> = []
        if let parentBlock = blocks[parent], parentBlock.height > finalizedHeight, let chain = ancestry(of: parentBlock) {
            for block in chain { for item in block.payload { pending.insert(item.id) } }
        }
        var taken: [PayloadItem] = []
        var bytes = 0
        for (item, availableAt) in payloadQueue where availableAt <= now && !pending.contains(item.id) {
            guard taken.count < configuration.payloadItemsMax, bytes + item.sizeBytes <= configuration.payloadBytesMax else { break }
            bytes += item.sizeBytes
            taken.append(item)
        }
        return taken
    }
}
