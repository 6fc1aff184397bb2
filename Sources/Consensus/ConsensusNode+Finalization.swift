import SimCore

// Finalization: shares, aggregation, delivering the finalized chain, and forgetting what it made useless.
extension ConsensusNode {
    /// Signs a finalization share at each height above the finalized one where this node is a
    /// notary, has not signed one, sees exactly one notarized block, and signed no
    /// notarization share for another block.
    mutating func signFinalizationShares(_ step: inout ConsensusStep) -> Bool {
        var changed = false
        var height = finalizedHeight + 1
        while height <= notarizedHeight {
            defer { height += 1 }
            guard isInCommittee(at: height) == true, let block = pool.read(height, { $0.finalizationShareCandidate() }) else { continue }
            let id = self.id
            pool.modify(height) { pool in
                pool.sentFinalizationShare = true
                _ = pool.finalizationShares.insert(id, into: block)
            }
            if sharesReach(height, finalizing: block) { finalizationPending = true }
            step.outputs.append(.broadcast(.finalizationShare(height: height, block: block, signer: id)))
            changed = true
        }
        return changed
    }

    /// Finalizes a block with c - f finalization shares (or a received finalization) and,
    /// with it, its ancestors above the finalized height; outputs them in height order.
    mutating func aggregateFinalizations(_ step: inout ConsensusStep) -> Bool {
        // Nothing that can finalize a block changed since the last look: none can be now.
        guard finalizationPending else { return false }
        finalizationPending = false
        var height = notarizedHeight
        while height > finalizedHeight {
            defer { height -= 1 }
            // Found in one in-place read (each access through the subscript costs a coroutine,
            // and a borrowed read copied the pool: see `PoolTable.inspect`).
            let threshold = configuration.threshold
            for (block, received) in pool.inspect(height, { $0.blocksReadyToFinalize(threshold: threshold) }) {
                guard let chain = ancestry(of: block) else { continue }
                if received {
                    tipFinalizationSigners = pool.read(height) { $0.finalizationSigners[block.digest] } ?? []
                } else {
                    let signers = pool.inspect(height) { $0.finalizationShares[block.digest] ?? [] }.lowest(threshold)
                    tipFinalizationSigners = signers
                    step.outputs.append(.broadcast(.finalization(height: height, block: block.digest, signers: signers)))
                }
                finalize(chain, &step)
                return true
            }
        }
        return false
    }

    /// Records `chain` (consecutive blocks above the finalized tip) as finalized and outputs it.
    mutating func finalize(_ chain: [Block], _ step: inout ConsensusStep) {
        guard let last = chain.last else { return }
        payloadQueue.remove(finalized: chain)
        for block in chain {
            pool.modify(block.height) { $0.finalized = block.digest }
            notarizationSigners[block.digest] = nil
        }
        finalizedChain += chain
        finalizedHeight = last.height
        finalizedTip = last.digest
        finalizationPending = true
        step.outputs.append(.finalized(chain))
        prune()
    }

    /// Forgets what finalization made useless: everything below the finalized height (its
    /// block stays, as the tip new blocks must descend from, and so do the beacon and the
    /// notarization time the next round's start may need).
    mutating func prune() {
        let keep = finalizedHeight
        var height = pool.base
        while height < keep {
            for block in pool.read(height, { $0.blocks }) { blocks[block.digest] = nil }
            height += 1
        }
        pool.prune(below: keep)
        roles.prune(below: keep)
        pendingBeacons.prune(below: keep)
        // The highest known beacon stays even below the finalized height: a node that
        // finalized from shares while it missed beacons needs it to accept the next ones.
        beacons.prune(below: min(keep, beaconHeight))
        notarizedAt.prune(below: keep)
        pendingBlocks.removeAll { $0.height <= keep }
    }

    /// `block` and its ancestors above the finalized height, oldest first; `nil` if one is
    /// unknown or the chain does not lead to the finalized tip.
    func ancestry(of block: Block) -> [Block]? {
        var chain = [block]
        var current = block
        while current.height > finalizedHeight + 1 {
            guard let parent = blocks[current.parent] else { return nil }
            chain.append(parent)
            current = parent
        }
        guard current.parent == finalizedTip else { return nil }
        return chain.reversed()
    }
}
