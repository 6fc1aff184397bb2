import SimCore

// How a node takes in what its peers send: requests answered at once, artifacts into the pools.
extension ConsensusNode {
    // MARK: - Receiving

    /// Answers requests at once, and adds anything else to the pools; whether that changed
    /// what the rules could do.
    mutating func take(_ artifact: Artifact, from: NodeID, _ now: SimInstant, _ step: inout ConsensusStep) -> Bool {
        switch artifact {
        case .catchUpRequest(let height, let requester):
            respond(to: requester, finalizedHeight: height, &step)
            return false
        case .catchUp(let package): return adopt(package, now, &step)
        case .blockAdvert(let height, let digest, _):
            requestIfMissing(height, digest, from: from, &step)
            return false
        case .blockRequest(_, let digest):
            if let block = blocks[digest] { step.outputs.append(.send(.proposal(block), to: from)) }
            return false
        default: return receive(artifact)
        }
    }

    /// Adds `artifact` to the pools; whether that changed anything (a duplicate, or a share
    /// for something already aggregated, changes nothing).
    mutating func receive(_ artifact: Artifact) -> Bool {
        switch artifact {
        case .proposal(let block):
            guard block.height > finalizedHeight, blocks[block.digest] == nil,
                  !pendingBlocks.contains(where: { $0.digest == block.digest }) else { return false }
            pendingBlocks.append(block)
            rulesToRun.insert(.validatePendingBlocks)
            return true
        case .beaconShare(let height, let signer):
            guard height > 0, beacons[height] == nil else { return false }
            let count = pool.modify(height) { $0.beaconShares.insert(signer) ? $0.beaconShares.count : nil }
            guard let count else { return false }
            // Fewer than f + 1 shares make no beacon: stored, but no rule can fire.
            if count >= configuration.beaconThreshold { rulesToRun.insert(.acceptBeacons) }
            return true
        case .beacon(let height, let value):
            guard beacons[height] == nil, pendingBeacons[height] != value else { return false }
            pendingBeacons[height] = value
            rulesToRun.insert(.acceptBeacons)
            return true
        case .notarizationShare(let height, let block, let signer):
            guard height > finalizedHeight else { return false }
            // One in-place visit of the height's pool (see `PoolTable.modify`).
            let threshold = configuration.threshold
            let count = pool.modify(height) { pool -> Int? in
                guard !pool.notarized.contains(block), let count = pool.notarizationShares.insert(signer, into: block) else { return nil }
                // Only a block's threshold-th share (or later ones) can notarize it.
                if count >= threshold { pool.notarizationPending = true }
                return count
            }
            guard let count else { return false }
            if count >= threshold { rulesToRun.insert(.aggregateNotarizations) }
            return true
        case .notarization(let height, let block, let signers):
            guard height > finalizedHeight, signers.count >= configuration.threshold else { return false }
            // Whether it is new here, and whether its block is notarized here already (then
            // it can notarize nothing: at the fixpoint no block it does not name is ready).
            let (isNew, notarized) = pool.modify(height) { pool in
                guard pool.notarizationsReceived.insert(block) else { return (false, false) }
                pool.notarizationPending = true
                return (true, pool.notarized.contains(block))
            }
            guard isNew else { return false }
            if !notarized { rulesToRun.insert(.aggregateNotarizations) }
            if notarizationSigners[block] == nil { notarizationSigners[block] = signers }
            return true
        case .finalizationShare(let height, let block, let signer):
            guard height > finalizedHeight,
                  let count = pool.modify(height, { $0.finalizationShares.insert(signer, into: block) }) else { return false }
            // Only a block's threshold-th share (or later ones) can finalize it.
            if count >= configuration.threshold { finalizationPending = true }
            return true
        case .finalization(let height, let block, let signers):
            guard height > finalizedHeight, signers.count >= configuration.threshold else { return false }
            let isNew = pool.modify(height) { pool in
                guard pool.finalizationsReceived.insert(block) else { return false }
                pool.finalizationSigners[block] = signers
                return true
            }
            guard isNew else { return false }
            finalizationPending = true
            return true
        case .catchUpRequest, .catchUp, .blockAdvert, .blockRequest:
            return false  // handled before they get here
        case .certificationShare, .certification:
            return false  // the certifier's, not consensus's
        }
    }

    /// Whether `block` at `height` has at least the threshold of notarization shares.
    func sharesReach(_ height: Height, notarizing block: SHA256Digest) -> Bool {
        pool.read(height) { $0.notarizationShares[block]?.count ?? 0 } >= configuration.threshold
    }

    /// Whether `block` at `height` has at least the threshold of finalization shares.
    func sharesReach(_ height: Height, finalizing block: SHA256Digest) -> Bool {
        pool.read(height) { $0.finalizationShares[block]?.count ?? 0 } >= configuration.threshold
    }

    /// Asks `advertiser` for a block this node has not seen (once per block).
    mutating func requestIfMissing(_ height: Height, _ digest: SHA256Digest, from advertiser: NodeID, _ step: inout ConsensusStep) {
        guard height > finalizedHeight else { return }
        // Every peer advertises each block it validates, so most adverts name a block already in
        // this height's pool, and every block in a pool is also in `blocks` (accepting or adopting
        // a block puts it in both; pruning removes both): a scan of the pool's one or two blocks
        // answers before the dictionary's hashing.
        guard !pool.read(height, { $0.holds(digest) }) else { return }
        guard blocks[digest] == nil, !pool.read(height, { $0.requested.contains(digest) }),
              !pendingBlocks.contains(where: { $0.digest == digest }) else { return }
        pool.modify(height) { _ = $0.requested.insert(digest) }
        step.outputs.append(.send(.blockRequest(height: height, block: digest), to: advertiser))
    }
}
