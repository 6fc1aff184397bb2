import SimCore

extension ConsensusNode {
    // MARK: - Catching up

    /// Asks every peer for help when the notarized height has not grown for the catch-up
    /// interval (and again each interval while it stays stuck).
    mutating func requestCatchUpIfStuck(_ now: SimInstant, _ step: inout ConsensusStep) {
        let since = max(lastProgressAt, lastCatchUpRequestAt ?? lastProgressAt)
        guard now >= since + configuration.catchUpInterval else { return }
        lastCatchUpRequestAt = now
        step.outputs.append(.broadcast(.catchUpRequest(finalizedHeight: finalizedHeight, requester: id)))
    }

    /// Answers a catch-up request: finalized blocks the requester lacks (as a package), then
    /// what this node holds above its finalized height (beacons, valid blocks, notarizations)
    /// and its own shares there, all sent to the requester alone.
    mutating func respond(to requester: NodeID, finalizedHeight theirs: Height, _ step: inout ConsensusStep) {
        guard requester != id else { return }
        if finalizedHeight > theirs, let beacon = beacons[finalizedHeight]?.value {
            let start = Int(theirs) // the chain's index of height theirs + 1
            let package = CatchUpPackage(blocks: Array(finalizedChain[start...]), signers: tipFinalizationSigners, beacon: beacon)
            step.outputs.append(.send(.catchUp(package), to: requester))
        }
        // The beacon at the finalized height too: the requester may have finalized that
        // height from shares while it missed the beacon there, without which it can accept
        // no later beacon.
        if let beacon = beacons[finalizedHeight]?.value {
            step.outputs.append(.send(.beacon(height: finalizedHeight, value: beacon), to: requester))
        }
        var height = finalizedHeight + 1
        while height <= beaconHeight || height <= notarizedHeight + 1 {
            defer { height += 1 }
            if let beacon = beacons[height]?.value { step.outputs.append(.send(.beacon(height: height, value: beacon), to: requester)) }
            // Every valid block, not just those notarized or signed: an equivocating maker's
            // second block must reach those who only saw the first, or they may wait forever
            // on a block that cannot be notarized.
            for block in pool[height].blocks { step.outputs.append(.send(.proposal(block), to: requester)) }
            for digest in pool[height].notarized {
                guard let signers = notarizationSigners[digest] else { continue }
                step.outputs.append(.send(.notarization(height: height, block: digest, signers: signers), to: requester))
            }
            if pool[height].beaconShares.contains(id) { step.outputs.append(.send(.beaconShare(height: height, signer: id), to: requester)) }
            for digest in pool[height].signedNotarization {
                step.outputs.append(.send(.notarizationShare(height: height, block: digest, signer: id), to: requester))
            }
            for digest in pool[height].notarized where pool[height].finalizationShares[digest]?.contains(id) == true {
                step.outputs.append(.send(.finalizationShare(height: height, block: digest, signer: id), to: requester))
            }
        }
    }

    /// Adopts a catch-up package that extends this node's finalized chain: its blocks become
    /// finalized (the finalization's c - f signers vouch for them, as a catch-up package's
    /// signature does), and its beacon lets the node work on the next height. Whether it did.
    mutating func adopt(_ package: CatchUpPackage, _ now: SimInstant, _ step: inout ConsensusStep) -> Bool {
        guard package.height > finalizedHeight, package.signers.count >= configuration.threshold,
              let first = package.blocks.first?.height, first >= 1, first <= finalizedHeight + 1 else { return false }
        let start = Int(finalizedHeight + 1 - first)
        guard start < package.blocks.count else { return false }
        let chain = Array(package.blocks[start...])
        var parent = finalizedTip
        for (offset, block) in chain.enumerated() {
            guard block.height == finalizedHeight + 1 + Height(offset), block.parent == parent else { return false }
            parent = block.digest
        }
        for block in chain { blocks[block.digest] = block }
        finalizationPending = true
        rulesToRun = .all
        let top = package.height
        tipFinalizationSigners = package.signers
        if notarizedHeight < top {
            notarizedHeight = top
            notarizedAt[top] = now
            lastProgressAt = now
        }
        if !pool[top].notarized.contains(parent) {
            pool[top].notarized.append(parent)
            if !pool[top].blocks.contains(where: { $0.digest == parent }), let block = chain.last { pool[top].insert(block) }
        }
        if beaconHeight < top {
            beacons[top] = (package.beacon, now)
            beaconHeight = top
            roles[top + 1] = makeRoles(after: package.beacon)
        }
        finalize(chain, &step)
        return true
    }
}
