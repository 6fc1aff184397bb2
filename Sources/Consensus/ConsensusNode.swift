import SimCore

/// What the shell asks a node to act on.
public enum ConsensusInput: Sendable {
    /// An artifact arrived (after the network delivered and the node verified it).
    case artifact(Artifact, from: NodeID)
    /// Artifacts that arrived together (one message from one peer), handled in order and
    /// then acted on once.
    case artifacts([Artifact], from: NodeID)
    /// A wake-up the node asked for came due.
    case wakeUp
    /// Payload to put in the node's next proposals (ingress messages, later).
    case payload([PayloadItem])
    /// This replica's state is certified up to this height (its notary delay grows while the
    /// certified height trails the finalized one, and it stops notarizing when it trails the
    /// notarized one by too much).
    case certified(Height)
}

/// What a node asks the shell to do.
public enum ConsensusOutput: Sendable, Equatable {
    /// Send the artifact to every other node of the subnet.
    case broadcast(Artifact)
    /// Send the artifact to one node.
    case send(Artifact, to: NodeID)
    /// These blocks were finalized, in height order (to be executed).
    case finalized([Block])
}

/// The result of handling one input: outputs, and when the node next needs to be woken
/// (a block-maker or notary delay running out), if at all.
public struct ConsensusStep: Sendable {
    /// What to do, in order.
    public var outputs: [ConsensusOutput] = []
    /// The next wake-up, if any (the shell keeps one per node and replaces it each step).
    public var wakeUpAt: SimInstant?
}

/// One node's Internet Computer Consensus (ICC) as a pure state machine: artifacts and
/// wake-ups in, artifacts to broadcast or send, wake-ups and finalized blocks out. It reads no
/// clock: the shell passes the time on the node's own clock with each input (virtual time,
/// unless the node's clock drifts), and wake-ups are asked for in that time. ../shared/MODEL.md section 2 and
/// Docs/Consensus.md describe the rules it follows.
public struct ConsensusNode: Sendable {
    /// This node.
    public let id: NodeID
    /// The subnet's parameters.
    public let configuration: ConsensusConfiguration
    /// The genesis block (height 0, notarized and finalized from the start).
    public let genesis: Block

    var pool = PoolTable()
    var blocks: [SHA256Digest: Block] = [:]
    var beacons = HeightTable<(value: SHA256Digest, at: SimInstant)>()
    /// The highest height whose beacon is known.
    var beaconHeight: Height = 0
    /// Each height's ranked makers and whether this node is in its committee, computed once
    /// when the beacon below it is known.
    var roles = HeightTable<(makers: [NodeID], inCommittee: Bool)>()
    /// When the first notarized block of each height was known.
    var notarizedAt = HeightTable<SimInstant>()
    /// Blocks whose validation waits for their height's beacon or their parent's notarization.
    var pendingBlocks: [Block] = []
    /// Beacons received before the one they follow.
    var pendingBeacons = HeightTable<SHA256Digest>()
    /// Items to propose, oldest first, until a finalized block holds them.
    var payloadQueue: [PayloadItem] = []
    /// The finalized chain from height 1 (kept to serve catch-up requests, and what a
    /// restarted replica replays from its checkpoint).
    public private(set) var finalizedChain: [Block] = []
    /// Who signed the notarization of each notarized block above the finalized height, and
    /// the finalization of the finalized tip (to pass them on when asked).
    var notarizationSigners: [SHA256Digest: [NodeID]] = [:]
    var tipFinalizationSigners: [NodeID] = []
    /// When the notarized height last grew, and when this node last asked for catch-up.
    var lastProgressAt: SimInstant = .zero
    var lastCatchUpRequestAt: SimInstant?
    /// The wake-up the last step asked for.
    public private(set) var wakeUpAt: SimInstant?
    /// The highest height with a notarized block known (the current round is one above).
    public private(set) var notarizedHeight: Height = 0
    /// The highest finalized height.
    public private(set) var finalizedHeight: Height = 0
    /// The highest height certified for this replica (none before execution certifies one).
    public private(set) var certifiedHeight: Height = 0
    /// The digest of the block finalized at ``finalizedHeight``.
    public private(set) var finalizedTip: SHA256Digest

    /// Node `id` of a subnet whose genesis block is `genesis`; the beacon of height 0 is
    /// derived from the genesis block.
    public init(id: NodeID, configuration: ConsensusConfiguration, genesis: Block) {
        self.id = id
        self.configuration = configuration
        self.genesis = genesis
        finalizedTip = genesis.digest
        blocks[genesis.digest] = genesis
        var height0 = HeightPool()
        height0.blocks = [genesis]
        height0.notarized = [genesis.digest]
        height0.finalized = genesis.digest
        pool[0] = height0
        var hasher = SHA256()
        hasher.update(string: "ICSim.beacon.genesis.v1")
        hasher.update(digest: genesis.digest)
        let beacon = hasher.finalize()
        beacons[0] = (beacon, .zero)
        notarizedAt[0] = .zero
        roles[1] = makeRoles(after: beacon)
    }

    /// Handles `input` at `now`.
    public mutating func handle(_ input: ConsensusInput, now: SimInstant) -> ConsensusStep {
        var step = ConsensusStep()
        var changed = true
        switch input {
        case .artifact(let artifact, let from): changed = take(artifact, from: from, now, &step)
        case .artifacts(let artifacts, let from):
            changed = false
            for artifact in artifacts { changed = take(artifact, from: from, now, &step) || changed }
        case .wakeUp: break
        case .payload(let items):
            // Payload matters only when this node proposes, which a wake-up brings about.
            payloadQueue += items
            changed = false
        case .certified(let height):
            changed = height > certifiedHeight
            certifiedHeight = max(certifiedHeight, height)
        }
        // Artifacts that changed nothing cannot make a rule fire: the rules reached their
        // fixpoint at the last step, and those that wait for time have a wake-up.
        guard changed else {
            step.wakeUpAt = wakeUpAt
            return step
        }
        progress(now, &step)
        requestCatchUpIfStuck(now, &step)
        wakeUpAt = nextWakeUp(now)
        step.wakeUpAt = wakeUpAt
        return step
    }

    /// The round this node works on: one above its notarized height.
    public var round: Height { notarizedHeight + 1 }

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
            return true
        case .beaconShare(let height, let signer):
            guard height > 0, beacons[height] == nil else { return false }
            return pool[height].beaconShares.insert(signer)
        case .beacon(let height, let value):
            guard beacons[height] == nil, pendingBeacons[height] != value else { return false }
            pendingBeacons[height] = value
            return true
        case .notarizationShare(let height, let block, let signer):
            guard height > finalizedHeight, !pool[height].notarized.contains(block) else { return false }
            return pool[height].notarizationShares[block, default: []].insert(signer)
        case .notarization(let height, let block, let signers):
            guard height > finalizedHeight, signers.count >= configuration.threshold,
                  !pool[height].notarizationsReceived.contains(block) else { return false }
            pool[height].notarizationsReceived.insert(block)
            if notarizationSigners[block] == nil { notarizationSigners[block] = signers }
            return true
        case .finalizationShare(let height, let block, let signer):
            guard height > finalizedHeight else { return false }
            return pool[height].finalizationShares[block, default: []].insert(signer)
        case .finalization(let height, let block, let signers):
            guard height > finalizedHeight, signers.count >= configuration.threshold,
                  !pool[height].finalizationsReceived.contains(block) else { return false }
            pool[height].finalizationsReceived.insert(block)
            pool[height].finalizationSigners[block] = signers
            return true
        case .catchUpRequest, .catchUp, .blockAdvert, .blockRequest:
            return false  // handled before they get here
        case .certificationShare, .certification:
            return false  // the certifier's, not consensus's
        }
    }

    // MARK: - Progress

    /// Applies every rule that can fire, until none can.
    mutating func progress(_ now: SimInstant, _ step: inout ConsensusStep) {
        var changed = true
        while changed {
            changed = false
            changed = acceptBeacons(now, &step) || changed
            changed = validatePendingBlocks(&step) || changed
            changed = aggregateNotarizations(now, &step) || changed
            changed = signBeaconShare(&step) || changed
            changed = propose(now, &step) || changed
            changed = notarize(now, &step) || changed
            changed = signFinalizationShares(&step) || changed
            changed = aggregateFinalizations(&step) || changed
        }
    }

    /// The beacon of `height` follows from the one before it (a unique threshold signature):
    /// SHA-256 of a label, the previous beacon and the height.
    func beaconValue(after previous: SHA256Digest, height: Height) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(string: "ICSim.beacon.v1")
        hasher.update(digest: previous)
        hasher.update(uint64LittleEndian: height)
        return hasher.finalize()
    }

    /// Makes beacons from f + 1 shares, and accepts received ones that follow a known beacon.
    mutating func acceptBeacons(_ now: SimInstant, _ step: inout ConsensusStep) -> Bool {
        var changed = false
        while let previous = beacons[beaconHeight]?.value {
            let height = beaconHeight + 1
            let shares = pool[height].beaconShares.count
            guard shares >= configuration.beaconThreshold || pendingBeacons[height] != nil else { break }
            let value = beaconValue(after: previous, height: height)
            if shares >= configuration.beaconThreshold {
                step.outputs.append(.broadcast(.beacon(height: height, value: value)))
            } else if pendingBeacons[height] != value {
                break
            }
            beacons[height] = (value, now)
            beaconHeight = height
            roles[height + 1] = makeRoles(after: value)
            pendingBeacons[height] = nil
            changed = true
        }
        return changed
    }

    /// The roles of the height above a beacon: its f + 1 ranked makers (index = rank), a
    /// prefix of a shuffle of the node list seeded by the beacon; and whether this node is in
    /// its committee (every node when n = 3f + 1, else the first c of another such shuffle).
    func makeRoles(after beacon: SHA256Digest) -> (makers: [NodeID], inCommittee: Bool) {
        let seed = RandomSeed(digest: beacon)
        var stream = seed.stream("block makers")
        var nodes = (0..<configuration.nodeCount).map(NodeID.init)
        stream.shuffle(&nodes)
        let makers = Array(nodes.prefix(configuration.rankedMakers))
        guard configuration.nodeCount != configuration.committeeSize else { return (makers, true) }
        var committeeStream = seed.stream("committee")
        var committee = (0..<configuration.nodeCount).map(NodeID.init)
        committeeStream.shuffle(&committee)
        return (makers, committee.prefix(configuration.committeeSize).contains(id))
    }

    /// The ranked makers of `height`; `nil` until the beacon below it is known.
    @inline(__always)
    func makers(at height: Height) -> [NodeID]? {
        roles[height]?.makers
    }

    /// Whether this node notarizes and finalizes at `height`; `nil` until the beacon below it
    /// is known.
    @inline(__always)
    func isInCommittee(at height: Height) -> Bool? {
        roles[height]?.inCommittee
    }

    /// Validates pending blocks whose beacon and parent are now known: the maker has the
    /// block's rank, the parent is notarized, the payload is within the limits. A maker with
    /// two different blocks at one height is disqualified there.
    mutating func validatePendingBlocks(_ step: inout ConsensusStep) -> Bool {
        var adverts: [ConsensusOutput] = []
        defer { step.outputs += adverts }
        var changed = false
        var stillPending: [Block] = []
        for block in pendingBlocks {
            guard block.height > finalizedHeight else { changed = true; continue }
            guard let makers = makers(at: block.height),
                  pool[block.height - 1].notarized.contains(block.parent) else {
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
        if let earlier = pool[block.height].makers[block.maker], earlier != block.digest {
            pool[block.height].disqualified.insert(block.maker)
        }
        if pool[block.height].makers[block.maker] == nil { pool[block.height].makers[block.maker] = block.digest }
        pool[block.height].insert(block)
        blocks[block.digest] = block
    }

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
            guard !pool[height].notarized.isEmpty else { break }
            notarizedHeight = height
            lastProgressAt = now
            if notarizedAt[height] == nil { notarizedAt[height] = now }
            height += 1
        }
        return changed
    }

    /// Marks the valid blocks of `height` with c - f shares or a received notarization as
    /// notarized, broadcasting the notarizations this node aggregated.
    mutating func markNotarized(at height: Height, _ step: inout ConsensusStep) -> Bool {
        var changed = false
        for block in pool[height].blocks where !pool[height].notarized.contains(block.digest) {
            let shares = pool[height].notarizationShares[block.digest]?.count ?? 0
            let received = pool[height].notarizationsReceived.contains(block.digest)
            guard shares >= configuration.threshold || received else { continue }
            pool[height].notarized.append(block.digest)
            if !received {
                let signers = (pool[height].notarizationShares[block.digest] ?? []).lowest(configuration.threshold)
                notarizationSigners[block.digest] = signers
                step.outputs.append(.broadcast(.notarization(height: height, block: block.digest, signers: signers)))
            }
            changed = true
        }
        return changed
    }

    /// Signs the beacon share of the current round once the beacon before it and a notarized
    /// block below it are known.
    mutating func signBeaconShare(_ step: inout ConsensusStep) -> Bool {
        let height = round
        guard beacons[height - 1] != nil, beacons[height] == nil, !pool[height].sentBeaconShare else { return false }
        pool[height].sentBeaconShare = true
        pool[height].beaconShares.insert(id)
        step.outputs.append(.broadcast(.beaconShare(height: height, signer: id)))
        return true
    }

    /// When the current round started: the later of the previous height's first notarization
    /// and its beacon; `nil` until both are known.
    @inline(__always)
    func roundStart() -> SimInstant? {
        let previous = round - 1
        guard let notarized = notarizedAt[previous], let beacon = beacons[previous]?.at else { return nil }
        return max(notarized, beacon)
    }

    /// This node's rank in the current round, if it has one.
    @inline(__always)
    func myRank() -> Int? {
        makers(at: round)?.firstIndex(of: id)
    }

    /// Proposes a block once the block-maker delay of its rank has passed, unless it already
    /// proposed this round or saw a valid proposal of a lower rank.
    mutating func propose(_ now: SimInstant, _ step: inout ConsensusStep) -> Bool {
        let height = round
        guard let rank = myRank(), let start = roundStart(), now >= start + configuration.blockMakerDelay(rank: rank),
              !pool[height].proposed, !pool.read(height, { $0.hasBlock(rankBelow: rank) }),
              let parent = pool.read(height - 1, { $0.lowestRankNotarized() }) else { return false }
        let block = Block(height: height, parent: parent, rank: rank, maker: id, payload: payload(extending: parent))
        pool[height].proposed = true
        accept(block)
        step.outputs.append(.broadcast(.proposal(block)))
        return true
    }

    /// Payload for a block extending `parent`: the oldest items not yet finalized and not in
    /// the unfinalized blocks it extends, within the block limits. (Items leave the queue when
    /// a block holding them is finalized, so an item in a block that loses is proposed again.)
    func payload(extending parent: SHA256Digest) -> [PayloadItem] {
        var pending: Set<UInt64> = []
        if let parentBlock = blocks[parent], parentBlock.height > finalizedHeight, let chain = ancestry(of: parentBlock) {
            for block in chain { for item in block.payload { pending.insert(item.id) } }
        }
        var taken: [PayloadItem] = []
        var bytes = 0
        for item in payloadQueue where !pending.contains(item.id) {
            guard taken.count < configuration.payloadItemsMax, bytes + item.sizeBytes <= configuration.payloadBytesMax else { break }
            bytes += item.sizeBytes
            taken.append(item)
        }
        return taken
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
        for block in pool[height].blocks where block.rank == rank && !pool[height].disqualified.contains(block.maker)
            && !pool[height].signedNotarization.contains(block.digest) {
            pool[height].signedNotarization.append(block.digest)
            pool[height].notarizationShares[block.digest, default: []].insert(id)
            step.outputs.append(.broadcast(.notarizationShare(height: height, block: block.digest, signer: id)))
            changed = true
        }
        return changed
    }

    /// Signs a finalization share at each height above the finalized one where this node is a
    /// notary, has not signed one, sees exactly one notarized block, and signed no
    /// notarization share for another block.
    mutating func signFinalizationShares(_ step: inout ConsensusStep) -> Bool {
        var changed = false
        var height = finalizedHeight + 1
        while height <= notarizedHeight {
            defer { height += 1 }
            guard isInCommittee(at: height) == true, !pool[height].sentFinalizationShare,
                  pool[height].notarized.count == 1, let block = pool[height].notarized.first,
                  pool[height].signedNotarization.allSatisfy({ $0 == block }) else { continue }
            pool[height].sentFinalizationShare = true
            pool[height].finalizationShares[block, default: []].insert(id)
            step.outputs.append(.broadcast(.finalizationShare(height: height, block: block, signer: id)))
            changed = true
        }
        return changed
    }

    /// Finalizes a block with c - f finalization shares (or a received finalization) and,
    /// with it, its ancestors above the finalized height; outputs them in height order.
    mutating func aggregateFinalizations(_ step: inout ConsensusStep) -> Bool {
        var height = notarizedHeight
        while height > finalizedHeight {
            defer { height -= 1 }
            for block in pool[height].blocks {
                let shares = pool[height].finalizationShares[block.digest]?.count ?? 0
                let received = pool[height].finalizationsReceived.contains(block.digest)
                guard shares >= configuration.threshold || received, let chain = ancestry(of: block) else { continue }
                if received {
                    tipFinalizationSigners = pool[height].finalizationSigners[block.digest] ?? []
                } else {
                    let signers = (pool[height].finalizationShares[block.digest] ?? []).lowest(configuration.threshold)
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
        let included = Set(chain.flatMap { $0.payload.map(\.id) })
        if !included.isEmpty { payloadQueue.removeAll { included.contains($0.id) } }
        for block in chain {
            pool[block.height].finalized = block.digest
            notarizationSigners[block.digest] = nil
        }
        finalizedChain += chain
        finalizedHeight = last.height
        finalizedTip = last.digest
        step.outputs.append(.finalized(chain))
        prune()
    }

    /// Asks `advertiser` for a block this node has not seen (once per block).
    mutating func requestIfMissing(_ height: Height, _ digest: SHA256Digest, from advertiser: NodeID, _ step: inout ConsensusStep) {
        guard height > finalizedHeight, blocks[digest] == nil, !pool[height].requested.contains(digest),
              !pendingBlocks.contains(where: { $0.digest == digest }) else { return }
        pool[height].requested.insert(digest)
        step.outputs.append(.send(.blockRequest(height: height, block: digest), to: advertiser))
    }

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

    /// Forgets what finalization made useless: everything below the finalized height (its
    /// block stays, as the tip new blocks must descend from, and so do the beacon and the
    /// notarization time the next round's start may need).
    mutating func prune() {
        let keep = finalizedHeight
        var height = pool.base
        while height < keep {
            for block in pool[height].blocks { blocks[block.digest] = nil }
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

    // MARK: - Wake-ups

    /// When a delay of the current round next runs out: this node's block-maker delay, or the
    /// notary delay of the lowest-ranked block it could sign.
    @inline(__always)  // called once per step; a call would copy the node
    func nextWakeUp(_ now: SimInstant) -> SimInstant? {
        var next: SimInstant?
        func consider(_ time: SimInstant) {
            if time > now, time < next ?? .max { next = time }
        }
        consider(max(lastProgressAt, lastCatchUpRequestAt ?? lastProgressAt) + configuration.catchUpInterval)
        guard let start = roundStart() else { return next }
        let height = round
        if let rank = myRank(), !pool[height].proposed, !pool.read(height, { $0.hasBlock(rankBelow: rank) }) {
            consider(start + configuration.blockMakerDelay(rank: rank))
        }
        if isInCommittee(at: height) == true, let rank = pool.read(height, { $0.lowestEligibleRank() }),
           rank <= pool.read(height, { $0.lowestRankSignedEligible() }) ?? Int.max, pool.read(height, { $0.hasUnsigned(rank: rank) }) {
            consider(start + notaryDelay(rank: rank))
        }
        return next
    }
}

/// A node's artifacts at one height. Its maps and sets hold a few entries each (one per
/// block), so they are searched linearly; what is iterated (blocks, notarized digests) is kept
/// in arrays in a fixed order.
struct HeightPool: Sendable {
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

    mutating func insert(_ block: Block) {
        let index = blocks.firstIndex { ($0.rank, $0.digest) > (block.rank, block.digest) } ?? blocks.count
        blocks.insert(block, at: index)
    }

    // Plain loops, not closures: a closure would capture (copy) the whole pool.

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

    /// The notarized block of lowest rank (then digest): the parent a maker extends.
    func lowestRankNotarized() -> SHA256Digest? {
        for block in blocks where notarized.contains(block.digest) { return block.digest }
        return nil
    }
}
