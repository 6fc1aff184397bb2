import SimCore
import Consensus
import ExecutionLayer
import Wasm

/// A canister a subnet starts with, installed at genesis.
public struct CanisterSetup: Hashable, Sendable {
    /// Its ID.
    public var id: CanisterID
    /// Its module.
    public var wasm: [UInt8]
    /// The argument of its `canister_init`.
    public var initArgument: [UInt8] = []
    /// Its cycles.
    public var cycles: Cycles
    /// Its controllers.
    public var controllers: [Principal] = [.user(0)]
    /// Its compute allocation in percent (0-100): a share of rounds it is guaranteed, paid for
    /// by the second.
    public var computeAllocationPercent = 0
    /// Its environment variables (a setting, read with `ic0.env_var_*`; its init sees them).
    public var environmentVariables = EnvironmentVariables()

    /// Canister `id` running `wasm`, with `cycles`.
    public init(id: CanisterID, wasm: [UInt8], initArgument: [UInt8] = [], cycles: Cycles = Cycles(1_000_000_000_000)) {
        self.id = id
        self.wasm = wasm
        self.initArgument = initArgument
        self.cycles = cycles
    }
}

/// The subnet's replicated state machine, as the shell runs it: each finalized height is
/// executed once, when the first honest node finalizes it, and the state is shared by every
/// replica that reaches that height (honest replicas execute the same blocks to the same
/// state). Each replica then takes the round's duration before it signs the height's
/// certification share (``SubnetSimulation``).
public struct SubnetExecution: Sendable {
    // About 20 stored properties: the executed state with its components (ingress lifecycle,
    // streams, query snapshots, the round executor), then the per-height history and counters
    // the reports and checkers read (hashes, times, durations, checkpoint writes, restarts).
    /// The state after the last executed height.
    public private(set) var state = ReplicatedState()
    /// The last executed height.
    public private(set) var executedHeight: Height = 0
    /// Every ingress message's life: submission, expiry, induction, answer, certification.
    public private(set) var ingress: IngressLifecycle
    /// Instructions executed, over all rounds and cores.
    public private(set) var instructions: UInt64 = 0
    /// Rounds executed.
    public private(set) var rounds = 0
    /// Slices of long messages that paused at a round's end (deterministic time slicing).
    public private(set) var messagesSliced = 0
    /// The state's digest after each executed height, as certified (index 0: height 1):
    /// canister metadata, not memory.
    public private(set) var stateHashes: [SHA256Digest] = []
    /// The digest with canister memory, at checkpoint heights (every `checkpointInterval`;
    /// every height with per-replica execution, which compares them), by height (looked up
    /// only).
    public private(set) var fullStateHashes: [Height: SHA256Digest] = [:]
    /// Checkpoints, restarts and state sync.
    public let checkpointing: CheckpointConfiguration
    /// Heights between checkpoints.
    var checkpointInterval: Height { max(checkpointing.intervalHeights, 1) }
    /// At each checkpoint height (looked up only): the bytes written (memory chunks written
    /// since the last checkpoint) and the bytes the checkpoint holds (memory in use).
    public private(set) var checkpointWrites: [Height: (writtenBytes: UInt64, sizeBytes: UInt64)] = [:]
    /// Replicas that fetched a checkpoint from their peers instead of replaying.
    public private(set) var stateSyncs = 0
    /// When each height was executed (its block's time for every replica), and how long its
    /// round takes a replica, part by part, a checkpoint's write included (index 0: height 1).
    public private(set) var executionTimes: [SimInstant] = []
    public private(set) var roundTimes: [RoundTime] = []
    /// Whether replicas execute every height on their own copies of the state
    /// (``Replica``), which are compared with the subnet's after each height.
    let comparesReplicas: Bool
    /// Restarts from a checkpoint, and the heights they replayed (with per-replica execution).
    public private(set) var restarts = 0
    public private(set) var heightsReplayed = 0
    /// The first replica whose state differed from the subnet's after a height: the node, the
    /// height, and the two digests.
    public private(set) var disagreement: (node: Int, height: Height, expected: SHA256Digest, actual: SHA256Digest)?
    let executor: RoundExecutor
    /// Stream slices other subnets sent, and what this subnet published of its own streams.
    var streams = StreamExchange()
    /// The states of the canisters users query, at recent heights (``QuerySnapshots``).
    var querySnapshots: QuerySnapshots
    /// Virtual time zero as IC time (nanoseconds since 1970): 2026-01-01T00:00:00Z.
    public static let epochNanos: UInt64 = 1_767_225_600_000_000_000

    /// A subnet's execution with `canisters` installed at genesis; with `comparesReplicas`,
    /// replicas also execute every height on their own copies of the state.
    init(canisters: [CanisterSetup], round: RoundConfiguration, checkpoints: CheckpointConfiguration = CheckpointConfiguration(),
         ingressTimeToLive: SimDuration = .seconds(300), comparesReplicas: Bool = false,
         connection: (subnet: Int, routing: RoutingTable)? = nil, queriedCanisters: [CanisterID] = []) throws(Reject) {
        // Canisters see the subnet's ID (`ic0.subnet_self_copy`): derived from its index.
        var round = round
        round.execution.subnet = SubnetIdentity.principal(index: UInt64(max(connection?.subnet ?? 0, 0)))
        executor = RoundExecutor(configuration: round)
        checkpointing = checkpoints
        ingress = IngressLifecycle(timeToLive: ingressTimeToLive)
        let installed = Self.install(canisters, round: round)
        if let (_, reject) = installed.problems.first { throw reject }
        state.add(installed.states)
        if let connection { state.connect(subnet: connection.subnet, routing: connection.routing) }
        self.comparesReplicas = comparesReplicas
        let genesis = state
        querySnapshots = QuerySnapshots(queriedCanisters: queriedCanisters, genesis: genesis)
    }

    /// Replica `node`, with its own copy of the state (`replica`; nothing happens without
    /// one), executes `block` if it is its next height, at the time the subnet executed it,
    /// and its state's digest is compared with the subnet's (the first difference is kept).
    mutating func execute(_ block: Block, onReplica replica: inout ReplicaExecution?, node: Int) {
        guard var own = replica, block.height == own.height + 1, Int(block.height) <= stateHashes.count else { return }
        let time = executionTimes[Int(block.height) - 1]
        _ = executor.executeRound(ingress: ingress.messages(of: block), slices: streams.slices(of: block), timeNanos: Self.timeNanos(time), on: &own.state)
        own.height = block.height
        own.unsigned.append((block.height, own.state.stateHash()))
        _ = own.state.takeCertifiedChanges()  // its round's time is the subnet's
        let full = own.state.stateHash(includingMemory: true)
        if let expected = fullStateHashes[block.height], full != expected, disagreement == nil {
            disagreement = (node, block.height, expected, full)
        }
        if block.height % checkpointInterval == 0 { own.checkpoint = (own.state, block.height) }
        replica = own
    }

    /// Replica `node` restarted after a crash (counted); with its own copy of the state
    /// (`replica`) it goes back to its last checkpoint and replays the finalized blocks after
    /// it (`chain`, its finalized chain from height 1) up to what the subnet executed,
    /// comparing digests as it goes.
    mutating func restart(_ replica: inout ReplicaExecution?, node: Int, chain: [Block]) {
        restarts += 1
        guard let own = replica else { return }
        replica = ReplicaExecution(checkpoint: own.checkpoint)
        for block in chain.dropFirst(Int(own.checkpoint.height)) where block.height <= executedHeight {
            execute(block, onReplica: &replica, node: node)
            heightsReplayed += 1
        }
    }

    /// The digest of the subnet's state after `height` (`nil` if not executed).
    func stateHash(at height: Height) -> SHA256Digest? {
        Int(height) <= stateHashes.count && height >= 1 ? stateHashes[Int(height) - 1] : nil
    }

    /// `height` was certified at `time`: its answers become visible (no earlier than its
    /// round ended).
    mutating func certify(height: Height, at time: SimInstant) {
        querySnapshots.certified(height)
        ingress.certified(height: height, at: time)
    }

    /// IC time (nanoseconds since 1970) at virtual time `time`.
    package static func timeNanos(_ time: SimInstant) -> UInt64 {
        epochNanos + UInt64(max(time.nanosecondsSinceStart, 0))
    }

    /// Installs `canisters`, compiling each distinct module once (canisters running the same
    /// module share its code): the canisters installed, and the index and reject of each that
    /// could not be.
    package static func install(_ canisters: [CanisterSetup], round: RoundConfiguration) -> (states: [CanisterState], problems: [(Int, Reject)]) {
        // Prepared once per module: the canisters running it share its export tables.
        var modules: [SHA256Digest: Result<PreparedModule, Reject>] = [:]
        var states: [CanisterState] = []
        var problems: [(Int, Reject)] = []
        // Canisters installed from the same bytes (often the very same array) hash them once.
        var last: (wasm: [UInt8], hash: SHA256Digest)?
        for (index, setup) in canisters.enumerated() {
            let hash = last.flatMap { $0.wasm == setup.wasm ? $0.hash : nil } ?? SHA256.hash(setup.wasm)
            last = (setup.wasm, hash)
            let compiled = modules[hash] ?? CanisterExecutor.compile(setup.wasm, for: setup.id, limits: round.execution.moduleLimits)
                .map { PreparedModule($0, moduleHash: hash) }
            modules[hash] = compiled
            var canister = CanisterState(id: setup.id, controllers: setup.controllers, cycles: setup.cycles)
            canister.computeAllocationPercent = setup.computeAllocationPercent
            canister.environmentVariables = setup.environmentVariables
            let result = compiled.flatMap { module in
                CanisterExecutor(configuration: round.execution).install(
                    .install, prepared: module, argument: setup.initArgument,
                    caller: setup.controllers.first ?? .anonymous, timeNanos: epochNanos, on: &canister)
            }
            switch result {
            case .success: states.append(canister)
            case .failure(let reject): problems.append((index, reject))
            }
        }
        return (states, problems)
    }

    /// Takes a submitted message into the ingress lifecycle, after the receiving replica ran
    /// the canister's `canister_inspect_message` on the latest executed state; whether the
    /// message goes on into blocks (a rejected one is answered at once).
    mutating func submit(_ submission: SubmittedIngress) -> Bool {
        guard let message = ingress.submit(submission) else { return false }
        // A missing canister is rejected at induction; most canisters inspect nothing.
        guard state.inspectsMessages(message.receiver), let canister = state.canister(message.receiver) else { return true }
        guard let reject = CanisterExecutor(configuration: executor.configuration.execution).inspect(
            message.method, argument: message.argument, caller: message.sender, timeNanos: Self.timeNanos(submission.at), on: canister) else { return true }
        ingress.refused(message.id, reject, at: submission.at)
        return false
    }

    /// Executes `block` if it is the next height, at `time`: the state's digest after it, and
    /// how long the round takes a replica (``RoundTime``: induction, execution, finalization,
    /// hashing the certified state's changes, and at a checkpoint height writing the
    /// checkpoint).
    mutating func execute(_ block: Block, at time: SimInstant) -> (digest: SHA256Digest, duration: SimDuration)? {
        guard block.height == executedHeight + 1 else { return nil }
        executedHeight = block.height
        let report = executor.executeRound(ingress: ingress.messages(of: block), slices: streams.slices(of: block), timeNanos: Self.timeNanos(time), on: &state)
        executionTimes.append(time)
        rounds += 1
        messagesSliced += report.messagesPaused
        instructions += report.instructionsPerCore.reduce(0, +)
        let answeredAt = time + .nanoseconds(report.time.executedNanos)
        ingress.executed(height: block.height, answered: report.answered.map(\.id), expired: report.expired, at: answeredAt)
        let digest = state.stateHash()
        stateHashes.append(digest)
        var roundTime = report.time
        roundTime.hashingNanos = executor.configuration.time.hashingNanos(state.takeCertifiedChanges())
        if comparesReplicas || block.height % checkpointInterval == 0 {
            fullStateHashes[block.height] = state.stateHash(includingMemory: true)
        }
        if block.height % checkpointInterval == 0 {
            let written = state.takeChunksWritten() * UInt64(LinearMemory.chunkBytes)
            checkpointWrites[block.height] = (written, state.memoryBytesInUse)
            roundTime.checkpointNanos = CheckpointConfiguration.transferTime(written, bytesPerSecond: checkpointing.diskBytesPerSecond).nanoseconds
        }
        roundTimes.append(roundTime)
        if state.routing != nil { streams.record(state.streamHeads, at: block.height) }
        querySnapshots.executed(block.height, state)
        return (digest, .nanoseconds(roundTime.totalNanos))
    }

    /// How long executing `height` takes a replica: its round, and at a checkpoint height
    /// writing the checkpoint (zero for a height not executed).
    func executionDuration(at height: Height) -> SimDuration {
        guard height >= 1 && Int(height) <= roundTimes.count else { return .zero }
        return .nanoseconds(roundTimes[Int(height) - 1].totalNanos)
    }

    /// How long each executed round took a replica (index 0: height 1), a checkpoint's write
    /// included.
    public var roundDurations: [SimDuration] { roundTimes.map { .nanoseconds($0.totalNanos) } }

    /// The time of all rounds executed, part by part.
    public var roundTimeTotal: RoundTime { roundTimes.reduce(RoundTime()) { $0.adding($1) } }

    /// How long a replica takes to load the checkpoint of `height` from disk (`sync`: to
    /// fetch it from peers).
    func checkpointLoadTime(at height: Height, sync: Bool) -> SimDuration {
        let bytes = checkpointWrites[height]?.sizeBytes ?? 0
        return CheckpointConfiguration.transferTime(
            bytes, bytesPerSecond: sync ? checkpointing.stateSyncBytesPerSecond : checkpointing.diskBytesPerSecond)
    }

    /// A replica fetched the checkpoint of `height` from a peer (state sync, counted). With
    /// its own copy of the state (`replica`), that copy becomes the peer's checkpoint of that
    /// height (`peer`); whether there was one to fetch.
    mutating func sync(_ replica: inout ReplicaExecution?, to height: Height, from peer: (state: ReplicatedState, height: Height)?) -> Bool {
        stateSyncs += 1
        guard replica != nil else { return true }
        guard let peer, peer.height == height else { return false }
        replica = ReplicaExecution(checkpoint: peer)
        return true
    }

    /// Takes a slice another subnet sent: the payload item that stands for it in blocks.
    mutating func receive(_ slice: StreamSlice) -> PayloadItem {
        streams.receive(slice)
    }

    /// What `height`'s certification lets other subnets read (``StreamExchange/publish(through:from:)``).
    mutating func publish(through height: Height) -> [StreamSlice] {
        streams.publish(through: height, from: state)
    }

    /// The answers in the order they came.
    public var outcomes: [(id: UInt64, outcome: IngressOutcome)] {
        ingress.outcomes(history: state.ingressHistory)
    }

    /// What became of message `id` (`nil` until it is answered).
    public func outcome(of id: UInt64) -> IngressOutcome? {
        ingress.outcome(of: id, history: state.ingressHistory)
    }

    /// The height that answered message `id` (`nil` until it is answered, `.some(nil)` if
    /// answered on submission): ``outcome(of:)``'s height, read without its status.
    func answerHeight(of id: UInt64) -> Height?? {
        ingress.answerHeight(of: id)
    }
}
