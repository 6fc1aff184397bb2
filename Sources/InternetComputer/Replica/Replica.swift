import SimCore
import Consensus
import ExecutionLayer

/// Everything one node of a subnet has: its consensus node behind its Byzantine wrapper, its
/// certifier, its execution queue, its own state and checkpoint, and its faults. The subnet
/// shell (``SubnetSimulation``) routes messages and timers between replicas and the network
/// model; nothing else holds a replica's state.
public struct Replica: Sendable {
    // The stored properties are in the order a delivery reads them: what every delivery
    // reads first (its processors, wake-up, downtimes, whether it is honest or drifts), then
    // the consensus node (whose own hot properties come first), then what only steps, faults
    // and execution read. A subnet of many replicas does not fit a core's L2 cache when run
    // with 36 others (mainnet-topology), and a delivery that reads a replica's fields from
    // few adjacent cache lines misses the cache less (Docs/PerformanceHistory.md).

    /// The node's index in its subnet.
    public let index: Int
    /// Its consensus and certification processor threads (Docs/Model.md, "Replica
    /// processing").
    var consensusProcessor = ArtifactProcessor()
    var certificationProcessor = ArtifactProcessor()
    /// Its one pending wake-up, and when it is due (virtual time; meaningful while
    /// ``wakeUp`` is set). The shell keeps the time beside the handle so that a step asking
    /// for the wake-up already scheduled is told so without reading the queue's slot (a cache
    /// miss on most deliveries at mainnet scale): a handle kept here is pending at that time,
    /// except between its event's pop and the wake-up's handler, which clears it first.
    var wakeUp: EventHandle?
    var wakeUpDue: SimInstant = .zero
    /// Its crashes and pauses.
    var downtimes: [NodeFault]
    /// Whether it runs the honest code alone for the whole run (no Byzantine wrapper: the
    /// checkers and metrics follow honest nodes only). Kept beside the fields every delivery
    /// reads, so that testing it does not read the wrapper's.
    public let isHonest: Bool
    /// Whether its clock drifts (``drift`` is not `nil`), for the same reason, and its clock
    /// drift if it has one: beside the flag, because the compiler loads the drift before
    /// testing the flag (after the consensus node, where it was, that load missed the cache
    /// on most deliveries at mainnet scale).
    let drifts: Bool
    let drift: ClockDrift?
    /// Its consensus state machine (for a Byzantine node, the honest node its wrapper drives).
    public internal(set) var consensus: ConsensusNode
    /// Its Byzantine wrapper (`nil` for an honest node; never set to or from `nil` after
    /// the replica is made).
    public internal(set) var byzantine: ByzantineWrapper?
    /// When the wrapper deviates, if not for the whole run.
    let byzantineWindow: (start: SimInstant, end: SimInstant)?
    /// Its state certification.
    public internal(set) var certifier: Certifier
    /// When its execution of what it finalized so far ends, and the last height it has
    /// executed or queued.
    var executionBusyUntil: SimInstant = .zero
    var queuedHeight: Height = 0
    /// Heights it has executed whose certification share its certifier has not signed yet,
    /// with when their execution ended (its certifier signs them when it next runs).
    var awaitingSignature: [(height: Height, executedAt: SimInstant)] = []
    /// Its peers (every other node), in index order.
    let peers: [Int]
    /// Its own copy of the state, with per-replica execution (`nil`: it shares the subnet's).
    var ownExecution: ReplicaExecution?

    /// Node `index` of a subnet configured by `configuration`, at genesis `genesis`, with its
    /// own copy of `state` when every replica executes.
    init(index: Int, configuration: SubnetConfiguration, genesis: Block, state: ReplicatedState) {
        let count = configuration.consensus.nodeCount
        precondition(index >= 0 && index < count, "node \(index) of \(count)")
        self.index = index
        consensus = ConsensusNode(id: NodeID(index), configuration: configuration.consensus, genesis: genesis)
        let assignment = configuration.byzantine.first { $0.node == index }
        byzantine = assignment.map { ByzantineWrapper(id: NodeID(index), nodeCount: count, behaviors: $0.behaviors) }
        isHonest = assignment == nil
        byzantineWindow = assignment.flatMap { assignment in
            assignment.from == .zero && assignment.until == nil
                ? nil : (assignment.from, assignment.until ?? SimInstant.zero + .nanoseconds(Int64.max / 2))
        }
        certifier = Certifier(nodeCount: count, threshold: configuration.consensus.threshold)
        downtimes = configuration.nodeFaults.filter { $0.node == index && $0.isDowntime }
        drift = configuration.nodeFaults.lazy.compactMap { ClockDrift($0) }.first { $0.node == index }
        drifts = drift != nil
        ownExecution = configuration.executesOnEveryReplica ? ReplicaExecution(genesis: state) : nil
        peers = (0..<count).filter { $0 != index }
    }

    /// Whether it is crashed or paused at `time`.
    @inline(__always)  // called per event; a call would copy the whole replica
    func isDown(at time: SimInstant) -> Bool {
        // A plain loop over indices (no iterator to retain the array): most replicas have no
        // downtimes, and this runs for every event and for each replica a message is gossiped to.
        var index = 0
        while index < downtimes.count {
            if downtimes[index].isDown(at: time) { return true }
            index += 1
        }
        return false
    }

    /// Its Byzantine wrapper if it deviates at `time` (within its assignment's window);
    /// outside it the node runs the honest code alone.
    @inline(__always)  // called per event; a call would copy the whole replica
    func deviating(at time: SimInstant) -> ByzantineWrapper? {
        guard let byzantine else { return nil }
        guard let window = byzantineWindow else { return byzantine }
        return window.start <= time && time < window.end ? byzantine : nil
    }

    /// Its clock at virtual time `time` (see ``ClockDrift``).
    @inline(__always)  // called per event; a call would copy the whole replica
    func localTime(_ time: SimInstant) -> SimInstant {
        drifts ? drift?.localTime(time) ?? time : time
    }

    /// The virtual time at which its clock reads `local`.
    @inline(__always)  // called per event; a call would copy the whole replica
    func virtualTime(ofLocal local: SimInstant) -> SimInstant {
        drifts ? drift?.virtualTime(ofLocal: local) ?? local : local
    }

    /// Gives `input` to its consensus node at virtual time `now` (through its wrapper while it
    /// deviates; both change in place): `step` becomes what the node asks for (an honest
    /// node's outputs reuse its storage). The node works with `memo`, its subnet's memo of
    /// beacons and roles, and its subnet's shared payload (if it reads it), for the step.
    mutating func step(_ input: ConsensusInput, now: SimInstant, memo: inout BeaconMemo, payload: inout SharedPayload, into step: inout ConsensusStep) {
        consensus.exchangeBeaconMemo(&memo)
        consensus.exchangeSharedPayload(&payload)
        defer {
            consensus.exchangeBeaconMemo(&memo)
            consensus.exchangeSharedPayload(&payload)
        }
        let local = localTime(now)
        guard var wrapper = deviating(at: now) else { return consensus.handle(input, now: local, into: &step) }
        step = wrapper.handle(input, now: local, node: &consensus)
        byzantine = wrapper
    }

    /// Its outputs made outside a step (a certification share, a certification it
    /// aggregated), as its wrapper rewrites them at `now` (an honest node's unchanged).
    @inline(__always)  // called per event; a call would copy the whole replica
    func rewrite(_ outputs: [ConsensusOutput], at now: SimInstant) -> [ConsensusOutput] {
        deviating(at: now)?.rewrite(outputs) ?? outputs
    }

    /// How long its wrapper holds back what it sends at `now` (zero for an honest node).
    @inline(__always)  // called per event; a call would copy the whole replica
    func outputDelay(at now: SimInstant) -> SimDuration {
        deviating(at: now)?.outputDelay ?? .zero
    }
}

/// A replica's own copy of the state, with per-replica execution: the state after the last
/// height it executed, the digests it has not signed yet, and its last checkpoint (its state
/// at the last height divisible by the checkpoint interval), which a restart goes back to.
struct ReplicaExecution: Sendable {
    var state: ReplicatedState
    var height: Height
    var unsigned: [(height: Height, digest: SHA256Digest)] = []
    var checkpoint: (state: ReplicatedState, height: Height)

    /// A replica at genesis, with `state`.
    init(genesis state: ReplicatedState) {
        self.state = state
        height = 0
        checkpoint = (state, 0)
    }

    /// A replica whose state is `checkpoint` (restarted from it, or fetched in state sync).
    init(checkpoint: (state: ReplicatedState, height: Height)) {
        state = checkpoint.state
        height = checkpoint.height
        self.checkpoint = checkpoint
    }

    /// The digest it signs for `height`; older unsigned ones (its node crashed meanwhile) are
    /// dropped with it.
    mutating func takeDigest(at height: Height) -> SHA256Digest? {
        guard let slot = unsigned.firstIndex(where: { $0.height == height }) else { return nil }
        let digest = unsigned[slot].digest
        unsigned.removeFirst(slot + 1)
        return digest
    }
}
