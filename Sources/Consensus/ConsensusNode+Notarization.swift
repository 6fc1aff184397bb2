import SimCore

// Notarization: signing shares once the notary delay has passed, and aggregating c - f of them.
extension ConsensusNode {
    /// Marks blocks notarized (c - f shares, or a received notarization) and moves the round
    /// forward past every height that has a notarized block.
    mutating func aggregateNotarizations(_ now: SimInstant, _ step: inout ConsensusStep) -> Bool {
        var changed = false
        // Heights already passed still matter: a second notarized block there blocks
        // finalization shares.
        var height = finalizedHeight + 1
        while height <= notarizedHeight {
            changed = markNotarized(at: height, &step) || changed
            height += 1
        }
        while height < pool.end {
            changed = markNotarized(at: height, &step) || changed
            guard !pool.read(height, { $0.notarized.isEmpty }) else { break }
            notarizedHeight = height
            finalizationPending = true
            lastProgressAt = now
            if notarizedAt[height] == nil { notarizedAt[height] = now }
            height += 1
        }
        return changed
    }

    /// Marks the valid blocks of `height` with c - f shares or a received notarization as
    /// notarized, broadcasting the notarizations this node aggregated.
    mutating func markNotarized(at height: Height, _ step: inout ConsensusStep) -> Bool {
        // Nothing that can notarize a block arrived since the last look: none can be now.
        guard pool.read(height, { $0.notarizationPending }) else { return false }
        // Found in the same in-place visit (a borrowed read copied the pool: see
        // `PoolTable.inspect`).
        let threshold = configuration.threshold
        let ready = pool.modify(height) { pool in
            pool.notarizationPending = false
            return pool.blocksReadyToNotarize(threshold: threshold)
        }
        for (digest, received) in ready {
            pool.modify(height) { $0.notarized.append(digest) }
            if !received {
                let signers = pool.inspect(height) { $0.notarizationShares[digest] ?? [] }.lowest(threshold)
                notarizationSigners[digest] = signers
                step.outputs.append(.broadcast(.notarization(height: height, block: digest, signers: signers)))
            }
        }
        return !ready.isEmpty
    }

    /// The notary delay of `rank` in the current round.
    @inline(__always)
    func notaryDelay(rank: Int) -> SimDuration {
        configuration.notaryDelay(rank: rank, gap: notarizedHeight - finalizedHeight,
                                  certificationGap: finalizedHeight - min(finalizedHeight, certifiedHeight))
    }

    /// Signs notarization shares for the lowest-ranked valid blocks of the current round whose
    /// notary delay has passed, never for a higher rank than one already signed this round.
    mutating func notarize(_ now: SimInstant, _ step: inout ConsensusStep) -> Bool {
        let height = round
        guard notarizedHeight - min(notarizedHeight, certifiedHeight) < configuration.certificationLagMax,
              isInCommittee(at: height) == true, let start = roundStart(), let rank = pool.read(height, { $0.lowestEligibleRank() }),
              now >= start + notaryDelay(rank: rank), rank <= pool.read(height, { $0.lowestRankSignedEligible() }) ?? Int.max,
              pool.read(height, { $0.hasUnsigned(rank: rank) }) else { return false }
        var changed = false
        let id = self.id
        // Through `read` and `modify`, not the subscript (each access allocates a coroutine
        // frame); the conditions are read again for each block, as the loop changes them.
        for block in pool.read(height, { $0.blocks }) where block.rank == rank
            && pool.read(height, { !$0.disqualified.contains(block.maker) && !$0.signedNotarization.contains(block.digest) }) {
            pool.modify(height) { pool in
                pool.signedNotarization.append(block.digest)
                _ = pool.notarizationShares.insert(id, into: block.digest)
            }
            if sharesReach(height, notarizing: block.digest) { pool.modify(height) { $0.notarizationPending = true } }
            step.outputs.append(.broadcast(.notarizationShare(height: height, block: block.digest, signer: id)))
            changed = true
        }
        return changed
    }
}
