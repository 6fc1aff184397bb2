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
    /// Payload to put in the node's proposals made from `availableAt` on (ingress messages
    /// and stream slices; an ingress message is in the node's pool once gossip brought it and
    /// the node validated it).
    case payload([PayloadItem], availableAt: SimInstant)
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

    /// A step with `outputs` and the wake-up `wakeUpAt` (none by default).
    public init(outputs: [ConsensusOutput] = [], wakeUpAt: SimInstant? = nil) {
        self.outputs = outputs
        self.wakeUpAt = wakeUpAt
    }
}

/// One node's Internet Computer Consensus (ICC) as a pure state machine: artifacts and
/// wake-ups in, artifacts to broadcast or send, wake-ups and finalized blocks out. It reads no
/// clock: the shell passes the time on the node's own clock with each input (virtual time,
/// unless the node's clock drifts), and wake-ups are asked for in that time. Docs/Consensus.md
/// describes the rules it follows (Docs/Model.md, "ICC consensus").
public struct ConsensusNode: Sendable {
    // 27 stored properties: one node's whole protocol state; each table is looked up per artifact.
    // They are in the order a delivery reads them: the heights, flags and times that
    // ``takeWithoutStep(_:now:)`` and ``receive(_:)`` test, the pools and beacons they look
    // in, then what only steps read. In a run of many subnets the replicas do not fit a
    // core's L2 cache, and a delivery that finds these in few adjacent cache lines misses it
    // less (Docs/PerformanceHistory.md, consensus's seventh round).

    /// The highest finalized height.
    public internal(set) var finalizedHeight: Height = 0
    /// The highest height with a notarized block known (the current round is one above).
    public internal(set) var notarizedHeight: Height = 0
    /// The highest height whose beacon is known.
    var beaconHeight: Height = 0
    /// The rules whose inputs changed since the rules last reached their fixpoint (all of
    /// them until the first step): the first pass of ``progress(_:_:)`` runs only these and
    /// the rules that wait for time (``RuleSet``).
    var rulesToRun = RuleSet.all
    /// Whether the first pass of a step runs only ``rulesToRun`` and the rules that wait for
    /// time (the default), or every rule (the tests that compare both ways turn it off).
    package var schedulesRules = true
    /// Whether a block, a finalization, or a finalization share that brought its block to the
    /// threshold arrived, or the notarized or finalized height moved, since ``aggregateFinalizations(_:)`` last looked (only those
    /// can let it finalize).
    var finalizationPending = true
    /// The wake-up the last step asked for.
    public private(set) var wakeUpAt: SimInstant?
    /// When the last step that ran the rules (and asked for ``wakeUpAt``) did so.
    var settledAt: SimInstant = .zero
    /// When the notarized height last grew, and when this node last asked for catch-up.
    var lastProgressAt: SimInstant = .zero
    var lastCatchUpRequestAt: SimInstant?
    var pool = PoolTable()
    var beacons = HeightTable<(value: SHA256Digest, at: SimInstant)>()
    /// Beacons received before the one they follow.
    var pendingBeacons = HeightTable<SHA256Digest>()
    /// The subnet's parameters.
    public let configuration: ConsensusConfiguration
    /// This node.
    public let id: NodeID
    var blocks: [SHA256Digest: Block] = [:]
    /// Blocks whose validation waits for their height's beacon or their parent's notarization.
    var pendingBlocks: [Block] = []
    /// Who signed the notarization of each notarized block above the finalized height, and
    /// the finalization of the finalized tip (to pass them on when asked).
    var notarizationSigners: [SHA256Digest: [NodeID]] = [:]
    var tipFinalizationSigners: [NodeID] = []
    /// Each height's ranked makers and whether this node is in its committee, computed once
    /// when the beacon below it is known.
    var roles = HeightTable<(makers: [NodeID], inCommittee: Bool)>()
    /// When the first notarized block of each height was known.
    var notarizedAt = HeightTable<SimInstant>()
    /// The last beacons and roles computed (by this node, or by the other replicas of its
    /// subnet when the shell lends their memo: ``exchangeBeaconMemo(_:)``).
    var beaconMemo = BeaconMemo()
    /// Items to propose, oldest first, each with when it may be proposed, until a finalized
    /// block holds them.
    var payloadQueue = PayloadQueue()
    /// The finalized chain from height 1 (kept to serve catch-up requests, and what a
    /// restarted replica replays from its checkpoint).
    public internal(set) var finalizedChain: [Block] = []
    /// The highest height certified for this replica (none before execution certifies one).
    public private(set) var certifiedHeight: Height = 0
    /// The digest of the block finalized at ``finalizedHeight``.
    public internal(set) var finalizedTip: SHA256Digest
    /// The genesis block (height 0, notarized and finalized from the start).
    public let genesis: Block

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
        handle(input, now: now, into: &step)
        return step
    }

    /// ``handle(_:now:)`` into `step`, whose outputs and wake-up it replaces, keeping the
    /// outputs' storage: the shell passes one step to every node it runs, so that a step that
    /// outputs something allocates no array for it.
    public mutating func handle(_ input: ConsensusInput, now: SimInstant, into step: inout ConsensusStep) {
        step.outputs.removeAll(keepingCapacity: true)
        step.wakeUpAt = nil
        var changed = true
        switch input {
        case .artifact(let artifact, let from): changed = take(artifact, from: from, now, &step)
        case .artifacts(let artifacts, let from):
            changed = false
            for artifact in artifacts { changed = take(artifact, from: from, now, &step) || changed }
        case .wakeUp: break
        case .payload(let items, let availableAt):
            // Payload matters only when this node proposes, which a wake-up brings about.
            for item in items { payloadQueue.append(item, availableAt: availableAt) }
            changed = false
        case .certified(let height):
            changed = height > certifiedHeight
            certifiedHeight = max(certifiedHeight, height)
        }
        // Artifacts that changed nothing cannot make a rule fire: the rules reached their
        // fixpoint at the last step, and those that wait for time have a wake-up.
        guard changed else {
            step.wakeUpAt = wakeUpAt
            return
        }
        progress(now, &step)
        requestCatchUpIfStuck(now, &step)
        wakeUpAt = nextWakeUp(now)
        settledAt = now
        step.wakeUpAt = wakeUpAt
    }

    /// The round this node works on: one above its notarized height.
    public var round: Height { notarizedHeight + 1 }

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
        if let rank = myRank(), !pool.read(height, { $0.proposed }), !pool.read(height, { $0.hasBlock(rankBelow: rank) }) {
            consider(start + configuration.blockMakerDelay(rank: rank))
        }
        if isInCommittee(at: height) == true, let rank = pool.read(height, { $0.lowestEligibleRank() }),
           rank <= pool.read(height, { $0.lowestRankSignedEligible() }) ?? Int.max, pool.read(height, { $0.hasUnsigned(rank: rank) }) {
            consider(start + notaryDelay(rank: rank))
        }
        return next
    }
}
