import SimCore

// Deciding, without running a step, that a message changes nothing at this node.
extension ConsensusNode {
    /// Whether handling `.artifacts(artifacts, from:)` now would change nothing here: no
    /// state, no output, and a step whose wake-up is ``wakeUpAt`` unchanged. True only when
    /// every artifact is one that ``take(_:from:_:_:)`` would turn away without a trace (a
    /// duplicate, a share for something aggregated, an advert of a block known, a request for
    /// a block not held); anything it cannot decide so cheaply answers `false`, and the shell
    /// runs the step. Read-only: it looks at what `take` looks at, in the same way, so that
    /// each `true` stands for exactly what the step would have done (nothing). As the
    /// artifacts change nothing one by one, they change nothing in sequence either.
    ///
    /// The shell calls it for each delivery to an honest node (about half the deliveries of
    /// an idle subnet change nothing), which then skips the step's allocation and copies.
    /// `mutating` only so that the caller passes the node in place: a read-only call from
    /// another module, on a node stored in an array, copied the whole node first (a retain
    /// and a release of each of its tables, more than the step it saves); it changes nothing.
    public mutating func changesNothing(_ artifacts: [Artifact]) -> Bool {
        for artifact in artifacts where !changesNothing(artifact) { return false }
        return true
    }

    /// Whether ``take(_:from:_:_:)`` would return `false` for `artifact` with no output and no
    /// change of state (see ``changesNothing(_:)``). Plain `if`s: a pool read on the right of
    /// `||` became an autoclosure that copied the height's pool (204 bytes and a retain of
    /// each of its arrays). `mutating` for the caller's reason (a non-mutating method called
    /// from it copied all 832 bytes of the node per artifact); it changes nothing.
    @inline(__always)
    mutating func changesNothing(_ artifact: Artifact) -> Bool {
        switch artifact {
        case .proposal(let block):
            if block.height <= finalizedHeight { return true }
            if blocks[block.digest] != nil { return true }
            return pendingBlocks.contains(where: { $0.digest == block.digest })
        case .beaconShare(let height, let signer):
            // A share for a height without a pool would make one: not decided here.
            if height == 0 { return true }
            if beacons[height] != nil { return true }
            return pool.read(height) { $0.beaconShares.contains(signer) }
        case .beacon(let height, let value):
            if beacons[height] != nil { return true }
            return pendingBeacons[height] == value
        case .notarizationShare(let height, let block, let signer):
            if height <= finalizedHeight { return true }
            return pool.read(height) { $0.notarized.contains(block) || $0.notarizationShares.contains(signer, in: block) }
        case .notarization(let height, let block, let signers):
            if height <= finalizedHeight { return true }
            if signers.count < configuration.threshold { return true }
            return pool.read(height) { $0.notarizationsReceived.contains(block) }
        case .finalizationShare(let height, let block, let signer):
            if height <= finalizedHeight { return true }
            return pool.read(height) { $0.finalizationShares.contains(signer, in: block) }
        case .finalization(let height, let block, let signers):
            if height <= finalizedHeight { return true }
            if signers.count < configuration.threshold { return true }
            return pool.read(height) { $0.finalizationsReceived.contains(block) }
        case .blockAdvert(let height, let digest, _):
            return advertChangesNothing(height, digest)
        case .blockRequest(_, let digest):
            return blocks[digest] == nil
        case .catchUpRequest, .catchUp:
            return false  // answered or adopted by the step itself
        case .certificationShare, .certification:
            return true  // the certifier's: `receive` turns them away
        }
    }

    /// Whether ``requestIfMissing(_:_:from:_:)`` would ask for nothing: the block is below
    /// the finalized height, known, already asked for, or waiting for validation.
    /// (`mutating` only to be called in place, as ``changesNothing(_:)``.)
    @inline(__always)
    private mutating func advertChangesNothing(_ height: Height, _ digest: SHA256Digest) -> Bool {
        if height <= finalizedHeight { return true }
        if pool.read(height, { $0.holds(digest) || $0.requested.contains(digest) }) { return true }
        if blocks[digest] != nil { return true }
        return pendingBlocks.contains(where: { $0.digest == digest })
    }
}
