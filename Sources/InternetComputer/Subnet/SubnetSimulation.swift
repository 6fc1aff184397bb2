import SimCore
import Consensus
import ExecutionLayer

/// A subnet to simulate: consensus parameters, the network, and the root seed.
public struct SubnetConfiguration: Hashable, Sendable {
    /// Consensus parameters (node count included).
    public var consensus: ConsensusConfiguration
    /// The network.
    public var network: NetworkConfiguration
    /// The root seed: the subnet's identity (its genesis block) and the network's jitter
    /// derive from it.
    public var seed: UInt64
    /// Byzantine nodes and how each deviates (none by default).
    public var byzantine: [ByzantineAssignment] = []
    /// Crashes, pauses and clock drift of individual nodes (none by default).
    public var nodeFaults: [NodeFault] = []
    /// Whether more than f Byzantine nodes are allowed (to show what breaks beyond the
    /// protocol's assumption); without it, such a configuration is a problem.
    public var allowsMoreThanFByzantine = false
    /// Canisters installed at genesis (none by default: consensus runs with empty blocks).
    public var canisters: [CanisterSetup] = []
    /// Ingress messages users submit, each at its time.
    public var ingress: [SubmittedIngress] = []
    /// How the subnet executes rounds (fees scaled to the node count given at creation).
    public var round = RoundConfiguration()
    /// Whether every honest replica also executes every height it finalizes on its own copy
    /// of the state, and the digests are compared (a determinism self-test of execution;
    /// ``SubnetExecution/disagreement`` reports the first difference). Off by default: the
    /// subnet executes each height once and replicas share the state.
    public var executesOnEveryReplica = false
    /// Checkpoints, restarts and state sync.
    public var checkpoints = CheckpointConfiguration()
    /// How long after its submission an ingress message expires, unless it sets an earlier
    /// expiry itself: 5 minutes, the IC's maximum (../shared/MODEL.md section 2). A block
    /// whose time is later does not induct it, and a call not answered (and certified) by
    /// then ends expired for its user.
    public var ingressTimeToLive: SimDuration = .seconds(300)
    /// The canisters users query: the subnet keeps their states at the heights replicas have
    /// certified recently, so that a query runs against the state the replica it reaches has
    /// certified (``SubnetExecution/queryCanister(_:certifiedHeight:)``). Empty by default.
    public var queriedCanisters: [CanisterID] = []
    /// Whether the metrics keep a timeline of every round, proposal and finalization of every
    /// node (``SubnetMetrics/timeline``), for a trace viewer. Off by default: it grows with
    /// the run.
    public var recordsTimeline = false

    /// The IC's defaults for `nodeCount` nodes spread over the cloud regions.
    public init(nodeCount: Int = 13, seed: UInt64 = 1) {
        consensus = ConsensusConfiguration(nodeCount: nodeCount)
        network = NetworkConfiguration(nodeCount: nodeCount)
        self.seed = seed
        round.fees = CyclesFees(subnetSize: nodeCount)
    }

    /// What is wrong with the configuration (empty when usable), canisters installed on trial
    /// included.
    public func problems() -> [String] {
        problems(installingCanisters: true)
    }

    /// What is wrong with the configuration; without `installingCanisters`, everything but
    /// whether each canister installs (which costs an install of each).
    package func problems(installingCanisters: Bool) -> [String] {
        var problems = consensus.problems() + network.problems(nodeCount: consensus.nodeCount)
        let count = consensus.nodeCount
        var seen: Set<Int> = []
        for (index, assignment) in byzantine.enumerated() {
            if assignment.node < 0 || assignment.node >= count {
                problems.append("byzantine[\(index)].node: node \(assignment.node) does not exist (\(count) nodes: 0-\(count - 1))")
            }
            if !seen.insert(assignment.node).inserted { problems.append("byzantine[\(index)].node: node \(assignment.node) is listed twice") }
            if assignment.behaviors.isEmpty { problems.append("byzantine[\(index)].behaviors: empty") }
            if let until = assignment.until, until < assignment.from { problems.append("byzantine[\(index)].until: before its start") }
            let windowed = assignment.from != .zero || assignment.until != nil
            if windowed, assignment.behaviors.contains(where: { if case .twins = $0 { true } else { false } }) {
                problems.append("byzantine[\(index)].behaviors: twins deviate for the whole run (no from or until)")
            }
            for (position, behavior) in assignment.behaviors.enumerated() {
                problems += behavior.problems(nodeCount: count).map { "byzantine[\(index)].behaviors[\(position)]: \($0)" }
            }
        }
        var drifting: Set<Int> = []
        for (index, fault) in nodeFaults.enumerated() {
            if fault.node < 0 || fault.node >= count {
                problems.append("nodeFaults[\(index)].node: node \(fault.node) does not exist (\(count) nodes: 0-\(count - 1))")
            }
            if fault.end < fault.start { problems.append("nodeFaults[\(index)]: ends before it starts") }
            if case .clockDrift(let numerator, let denominator) = fault.kind {
                if numerator <= 0 || denominator <= 0 {
                    problems.append("nodeFaults[\(index)]: a clock drift rate must be positive, found \(numerator)/\(denominator)")
                }
                if !drifting.insert(fault.node).inserted {
                    problems.append("nodeFaults[\(index)]: node \(fault.node) already has a clock drift (one per node)")
                }
            }
        }
        problems += executionProblems(installingCanisters: installingCanisters)
        if byzantine.count > consensus.faultsTolerated && !allowsMoreThanFByzantine {
            problems.append("byzantine: \(byzantine.count) Byzantine nodes, more than f = \(consensus.faultsTolerated); "
                + "set allowsMoreThanFByzantine to run it anyway")
        }
        return problems
    }
}

extension SubnetConfiguration {
    /// What is wrong with the canisters and the ingress (duplicate IDs, modules that do not
    /// install, messages before time zero or with a repeated ID).
    func executionProblems(installingCanisters: Bool) -> [String] {
        var problems: [String] = []
        var ids: Set<CanisterID> = []
        for (index, setup) in canisters.enumerated() {
            if setup.id.index >> 62 != 0 {
                problems.append("canisters[\(index)].id: \(setup.id.index) is reserved (IDs from 2^62 up are for canisters created during the run and the management canister)")
            }
            if !ids.insert(setup.id).inserted { problems.append("canisters[\(index)].id: canister \(setup.id) is listed twice") }
        }
        for (index, reject) in installingCanisters ? SubnetExecution.install(canisters, round: round).problems : [] {
            problems.append("canisters[\(index)]: \(reject)")
        }
        problems += checkpoints.problems().map { "checkpoints.\($0)" }
        if ingressTimeToLive <= .zero { problems.append("ingressTimeToLive: must be positive, found \(ingressTimeToLive)") }
        var messages: Set<UInt64> = []
        for (index, submission) in ingress.enumerated() {
            if submission.at < .zero { problems.append("ingress[\(index)].at: before time zero") }
            let latest = SubnetExecution.timeNanos(submission.at + ingressTimeToLive)
            if submission.message.expiryNanos != .max, submission.message.expiryNanos > latest {
                problems.append("ingress[\(index)].message.expiryNanos: \(submission.message.expiryNanos) is more than ingressTimeToLive "
                    + "(\(ingressTimeToLive)) after its submission (at most \(latest))")
            }
            if submission.message.id >= StreamPublication.firstSliceID {
                problems.append("ingress[\(index)].message.id: \(submission.message.id) is too large (message IDs are below 2^63)")
            }
            if !messages.insert(submission.message.id).inserted {
                problems.append("ingress[\(index)].message.id: message \(submission.message.id) is submitted twice")
            }
        }
        return problems
    }
}

/// How replicas checkpoint their state, and what restarting and state sync cost.
public struct CheckpointConfiguration: Hashable, Sendable {
    /// Heights between checkpoints: 500 (../shared/MODEL.md section 3, the DKG interval).
    public var intervalHeights: Height = 500
    /// How fast a replica writes a checkpoint (the memory chunks written since the last one)
    /// and reads one back on restart: 1 GB/s (an assumption: an NVMe drive).
    public var diskBytesPerSecond: UInt64 = 1_000_000_000
    /// How fast a replica fetches a checkpoint from its peers in state sync: 125 MB/s (an
    /// assumption: 1 Gbit/s).
    public var stateSyncBytesPerSecond: UInt64 = 125_000_000
    /// A replica that would have to execute more than this many finalized heights to catch
    /// up, across a checkpoint height, fetches that checkpoint instead (state sync): 10 (an
    /// assumption; a replica in step finalizes one to a few heights at a time).
    public var stateSyncLagHeights: Height = 10

    /// The IC's defaults.
    public init() {}

    /// What is wrong (empty when usable).
    func problems() -> [String] {
        var problems: [String] = []
        if intervalHeights < 1 { problems.append("intervalHeights: must be at least 1") }
        if diskBytesPerSecond < 1 { problems.append("diskBytesPerSecond: must be at least 1") }
        if stateSyncBytesPerSecond < 1 { problems.append("stateSyncBytesPerSecond: must be at least 1") }
        return problems
    }

    /// How long moving `bytes` at `bytesPerSecond` takes.
    static func transferTime(_ bytes: UInt64, bytesPerSecond: UInt64) -> SimDuration {
        let rate = max(bytesPerSecond, 1)
        let (seconds, rest) = bytes.quotientAndRemainder(dividingBy: rate)
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanos.overflow, nanos.partialValue < UInt64(Int64.max / 4) else { return .nanoseconds(Int64.max / 4) }
        let fraction = rate.dividingFullWidth(rest.multipliedFullWidth(by: 1_000_000_000)).quotient
        return .nanoseconds(Int64(nanos.partialValue + fraction))
    }
}

/// A fault of one node, from `start` until `end`.
public struct NodeFault: Hashable, Sendable {
    /// What happens to the node.
    public enum Kind: Hashable, Sendable {
        /// It is down: it receives nothing, sends nothing, its timers do not fire; at `end` it
        /// restarts with what it persisted (its finalized chain and the artifacts it stored:
        /// all of its state in this model), and catches up from its peers.
        case crash
        /// It is frozen: like a crash, but it is the same process that resumes (in this model
        /// the two differ only in name: messages that arrive meanwhile are lost either way).
        case pause
        /// Its clock runs fast or slow by the rate numerator / denominator from `start` to
        /// `end` (2/1: twice as fast; 1/2: half as fast), and keeps the offset it gained after:
        /// the node sees that clock, so its delays take d * denominator / numerator of virtual
        /// time while the drift lasts.
        case clockDrift(numerator: Int, denominator: Int)
    }

    /// The node.
    public var node: Int
    /// What happens to it.
    public var kind: Kind
    /// When it starts.
    public var start: SimInstant
    /// When it ends.
    public var end: SimInstant

    /// Node `node`'s fault `kind` during `start ..< end`.
    public init(node: Int, _ kind: Kind, from start: SimInstant, until end: SimInstant) {
        self.node = node
        self.kind = kind
        self.start = start
        self.end = end
    }

    /// Whether the node is down (crashed or paused) at `time`.
    func isDown(at time: SimInstant) -> Bool {
        switch kind {
        case .crash, .pause: start <= time && time < end
        case .clockDrift: false
        }
    }
}

/// A node's clock drift: from `start` to `end` its clock runs at numerator / denominator of
/// virtual time's rate, and after `end` it keeps the offset it gained.
struct ClockDrift: Sendable {
    let node: Int
    let start: SimInstant
    let end: SimInstant
    let numerator: Int64
    let denominator: Int64

    /// The drift `fault` describes, if it is one.
    init?(_ fault: NodeFault) {
        guard case .clockDrift(let numerator, let denominator) = fault.kind else { return nil }
        node = fault.node
        start = fault.start
        end = fault.end
        self.numerator = Int64(numerator)
        self.denominator = Int64(denominator)
    }

    /// The clock's reading at virtual time `time`.
    func localTime(_ time: SimInstant) -> SimInstant {
        guard time > start else { return time }
        let drifting = min(time, end) - start
        return start + Self.scale(drifting, numerator, denominator) + (time > end ? time - end : .zero)
    }

    /// The virtual time at which the clock reads `local` (the inverse of ``localTime(_:)``),
    /// rounded up, so the clock reads at least `local` then.
    func virtualTime(ofLocal local: SimInstant) -> SimInstant {
        guard local > start else { return local }
        let localEnd = localTime(end)
        if local > localEnd { return end + (local - localEnd) }
        return start + Self.scale(local - start, denominator, numerator, roundingUp: true)
    }

    /// `duration * numerator / denominator`, saturating, rounded down or up.
    static func scale(_ duration: SimDuration, _ numerator: Int64, _ denominator: Int64, roundingUp: Bool = false) -> SimDuration {
        let (product, overflow) = duration.nanoseconds.multipliedReportingOverflow(by: numerator)
        guard !overflow else { return .nanoseconds(Int64.max / 4) }
        let quotient = product / denominator + (roundingUp && product % denominator != 0 ? 1 : 0)
        return .nanoseconds(min(quotient, Int64.max / 4))
    }
}

/// A Byzantine node of a subnet and its behaviours.
public struct ByzantineAssignment: Hashable, Sendable {
    /// The node.
    public var node: Int
    /// How it deviates, applied in order.
    public var behaviors: [ByzantineBehavior]
    /// When it starts deviating (time zero by default); before, it runs the honest code.
    public var from: SimInstant = .zero
    /// When it stops deviating (`nil`: never); after, it runs the honest code again with the
    /// state it has (twins deviate for the whole run).
    public var until: SimInstant?

    /// Node `node` deviating by `behaviors`, from `from` until `until` (the whole run by
    /// default).
    public init(node: Int, behaviors: [ByzantineBehavior], from: SimInstant = .zero, until: SimInstant? = nil) {
        self.node = node
        self.behaviors = behaviors
        self.from = from
        self.until = until
    }
}

/// A subnet of ICC nodes on the simulated network, as a ``SimulationModel``: the shell that
/// routes each node's outputs (broadcasts through the network model, wake-ups through the
/// scheduler, finalized blocks to the checkers and metrics). The nodes are pure state
/// machines (``ConsensusNode``); the checker and the metrics sit outside them.
public struct SubnetSimulation: SimulationModel {
    /// The events of a subnet.
    public enum Event: Sendable, Equatable {
        /// A message reaches `to` (after its network delay and the receiver's verification).
        case deliver(to: Int32, from: Int32, message: Message)
        /// A node's wake-up comes due.
        case wakeUp(node: Int)
        /// A delayer releases what it held back.
        case delayedSend(from: Int32, to: [Int32], message: Message)
        /// A user submits ingress message `index` (of the configuration's, then those submitted
        /// during the run: ``ingress``): every replica that is up gets it for its block payload.
        case submit(index: Int)
        /// The execution of `height` ended, leaving a state with `digest` (a marker that puts
        /// execution into the trace hash; nothing happens when it is handled).
        case executed(height: UInt64, digest: SHA256Digest)
        /// A crashed node restarts: with per-replica execution, its replica goes back to its
        /// last checkpoint and replays what it finalized since.
        case restart(node: Int)
        /// Node `node` finished executing `height` (it executes heights in order, each taking
        /// its round's duration) and signs its certification share.
        case shareReady(node: Int, height: UInt64)
        /// A slice of another subnet's stream, read from that subnet's certified state, reaches
        /// the replicas: each that is up takes it for its block payload.
        case streamSlice(StreamSlice)
    }

    /// A message on its way: the artifacts one step of a node sends to one peer (or to every
    /// peer, for broadcasts), which leave together; shared by the copies a broadcast sends,
    /// so events stay small in the queue.
    public final class Message: Sendable, Equatable {
        /// The artifacts, in the order the node produced them.
        public let artifacts: [Artifact]
        /// What identifies them in the trace (computed once for all the copies).
        let traceDigest: UInt64
        /// The artifacts for the consensus node, and the certifications and certification
        /// shares for the certifier, in that order (split once for all the copies).
        let forConsensus: [Artifact]
        let forCertifier: [Artifact]

        init(_ artifacts: [Artifact]) {
            self.artifacts = artifacts
            var forConsensus: [Artifact] = []
            var certifications: [Artifact] = []
            var shares: [Artifact] = []
            for artifact in artifacts {
                switch artifact {
                case .certification: certifications.append(artifact)
                case .certificationShare: shares.append(artifact)
                default: forConsensus.append(artifact)
                }
            }
            self.forConsensus = certifications.isEmpty && shares.isEmpty ? artifacts : forConsensus
            // Certifications first: a replica that learns one ignores the shares for its
            // height, rather than aggregating them into a certification of its own to send.
            forCertifier = certifications + shares
            var hasher = StableHasher()
            for artifact in artifacts { hasher.combine(artifact) }
            traceDigest = hasher.finalize()
        }

        /// Its size on the wire: the sum of its artifacts' sizes.
        var sizeBytes: Int { artifacts.reduce(0) { $0 + $1.sizeBytes } }

        public static func == (lhs: Message, rhs: Message) -> Bool { lhs.artifacts == rhs.artifacts }
    }

    /// The configuration.
    public let configuration: SubnetConfiguration
    /// The nodes' consensus state machines, by index (for a Byzantine node, the honest node
    /// its wrapper drives).
    public private(set) var nodes: [ConsensusNode]
    /// The Byzantine wrappers, by node index (`nil` for an honest node).
    public private(set) var wrappers: [ByzantineWrapper?]
    /// Safety: no two different blocks finalized at one height.
    public private(set) var safety = SafetyChecker()
    /// What happened.
    public private(set) var metrics: SubnetMetrics
    /// Liveness: after the last fault ends, every node's finalized height grows again within
    /// ``LivenessChecker/bound``.
    public private(set) var liveness: LivenessChecker
    /// The subnet's replicated state machine.
    public internal(set) var execution: SubnetExecution
    /// State certification.
    public private(set) var certification: SubnetCertification
    /// The ingress messages users submit: the configuration's, then those submitted during the
    /// run (``enqueue(_:)``), by the index their `submit` events carry.
    public private(set) var ingress: [SubmittedIngress]
    /// Nodes whose certified height grew during the event being handled (told after it).
    var certifiedNotices: [Int] = []
    /// Certifications replicas aggregated during the event being handled, to send once it is
    /// handled: (aggregator, certification).
    var certificationsToSend: [(node: Int, artifact: Artifact)] = []
    /// Nodes that finalized a height before the subnet executed it (a Byzantine node can be
    /// ahead of every honest one), by height: they sign when it is executed.
    var awaitingExecution: [Height: [Int]] = [:]
    /// Stream slices other subnets may now read (published as heights are certified), until
    /// whoever connects the subnets takes them (``takeOutbox()``).
    var outbox: [StreamSlice] = []
    /// When each replica's execution of what it finalized so far ends, and the last height it
    /// has executed or queued.
    var executionBusyUntil: [SimInstant]
    var replicaQueuedHeight: [Height]
    var network: NetworkModel
    var wakeUps: [EventHandle?]
    /// Each node's peers (every other node), in index order.
    let peers: [[Int]]
    /// Each node's clock drift, if it has one.
    let drifts: [ClockDrift?]
    /// When each Byzantine node deviates, if not for the whole run.
    let byzantineWindows: [(start: SimInstant, end: SimInstant)?]

    /// A subnet at time zero; call ``start(_:)`` to schedule the first wake-ups.
    /// - Precondition: `configuration.problems()` is empty.
    public init(configuration: SubnetConfiguration) {
        self.init(configuration: configuration, connection: nil)
    }

    /// A subnet at time zero, as subnet `connection.subnet` of several whose canisters are
    /// placed by `connection.routing` (`nil`: on its own).
    init(configuration: SubnetConfiguration, connection: (subnet: Int, routing: RoutingTable)?) {
        // Canisters are installed once, below; a module that does not install is caught there.
        precondition(configuration.problems(installingCanisters: false).isEmpty,
                     "validate the configuration first: \(configuration.problems(installingCanisters: false))")
        self.configuration = configuration
        let root = RandomSeed(configuration.seed)
        let genesis = Block.genesis(subnet: root.derive("subnet").digest)
        let count = configuration.consensus.nodeCount
        nodes = (0..<count).map { ConsensusNode(id: NodeID($0), configuration: configuration.consensus, genesis: genesis) }
        wrappers = (0..<count).map { index in
            configuration.byzantine.first { $0.node == index }.map {
                ByzantineWrapper(id: NodeID(index), nodeCount: count, behaviors: $0.behaviors)
            }
        }
        byzantineWindows = (0..<count).map { index in
            configuration.byzantine.first { $0.node == index }.flatMap { assignment in
                assignment.from == .zero && assignment.until == nil ? nil : (assignment.from, assignment.until ?? SimInstant.zero + .nanoseconds(Int64.max / 2))
            }
        }
        network = NetworkModel(configuration: configuration.network, jitter: root.stream("network jitter"), faults: root.stream("network faults"))
        wakeUps = Array(repeating: nil, count: count)
        ingress = configuration.ingress
        executionBusyUntil = Array(repeating: .zero, count: count)
        replicaQueuedHeight = Array(repeating: 0, count: count)
        peers = (0..<count).map { node in (0..<count).filter { $0 != node } }
        drifts = (0..<count).map { node in configuration.nodeFaults.lazy.compactMap { ClockDrift($0) }.first { $0.node == node } }
        metrics = SubnetMetrics(honest: wrappers.map { $0 == nil }, recordsTimeline: configuration.recordsTimeline)
        liveness = LivenessChecker(configuration: configuration)
        certification = SubnetCertification(nodeCount: count, threshold: configuration.consensus.threshold)
        do {
            execution = try SubnetExecution(canisters: configuration.canisters, round: configuration.round, checkpoints: configuration.checkpoints,
                                            ingressTimeToLive: configuration.ingressTimeToLive,
                                            replicaCount: configuration.executesOnEveryReplica ? count : nil,
                                            connection: connection, queriedCanisters: configuration.queriedCanisters)
        } catch {
            preconditionFailure("validate the configuration first: \(error)")
        }
    }

    /// Messages the network lost to faults.
    public var messagesLost: UInt64 { network.messagesLost }

    /// Wakes every node at time zero, and each crashed or paused node when it comes back.
    public mutating func start(_ scheduler: inout Scheduler<Event>) {
        for node in nodes.indices { wakeUps[node] = scheduler.schedule(.wakeUp(node: node), at: .zero) }
        for fault in configuration.nodeFaults where fault.isDown(at: fault.start) {
            if case .crash = fault.kind { scheduler.schedule(.restart(node: fault.node), at: fault.end) }
            scheduler.schedule(.wakeUp(node: fault.node), at: fault.end)
        }
        for (index, submission) in configuration.ingress.enumerated() {
            scheduler.schedule(.submit(index: index), at: submission.at)
        }
    }

    /// Whether node `index` is crashed or paused at `time`.
    func isDown(_ index: Int, at time: SimInstant) -> Bool {
        configuration.nodeFaults.contains { $0.node == index && $0.isDown(at: time) }
    }

    public mutating func handle(_ event: Event, scheduler: inout Scheduler<Event>) {
        handleEvent(event, &scheduler)
        // Certifications aggregated while handling it go to the aggregators' peers.
        while let node = certificationsToSend.first?.node {
            sendAsStep(takeCertifications(of: node, scheduler.now), node: node, scheduler.now, &scheduler)
        }
        // Replicas whose state became certified further learn it now (it shapes their
        // notary delay); telling one may not make another's grow, so one pass suffices.
        while let node = certifiedNotices.popLast() {
            guard !isDown(node, at: scheduler.now) else { continue }
            run(node, .certified(certification.certifiedHeights[node]), &scheduler)
        }
    }

    mutating func handleEvent(_ event: Event, _ scheduler: inout Scheduler<Event>) {
        switch event {
        case .deliver(let to, let from, let message):
            guard !isDown(Int(to), at: scheduler.now) else { return metrics.recordDroppedAtDownNode() }
            for artifact in message.forCertifier { takeForCertifier(artifact, at: Int(to), time: scheduler.now) }
            if !message.forConsensus.isEmpty { run(Int(to), .artifacts(message.forConsensus, from: NodeID(Int(from))), &scheduler) }
        case .wakeUp(let node):
            if let handle = wakeUps[node], scheduler.scheduledTime(of: handle) == nil { wakeUps[node] = nil }
            guard !isDown(node, at: scheduler.now) else { return }
            run(node, .wakeUp, &scheduler)
        case .delayedSend(let from, let to, let message):
            send(message, from: Int(from), to: to.map(Int.init), &scheduler)
        case .submit(let index):
            let submission = ingress[index]
            guard execution.submit(submission) else { return }
            let item = PayloadItem(id: submission.message.id, sizeBytes: submission.sizeBytes)
            for node in nodes.indices where !isDown(node, at: scheduler.now) { run(node, .payload([item]), &scheduler) }
        case .executed:
            break
        case .restart(let node):
            guard !isDown(node, at: scheduler.now) else { return }
            restartReplica(node, scheduler.now)
        case .shareReady(let node, let height):
            guard !isDown(node, at: scheduler.now) else { return }
            signLate(height, node: node, scheduler.now, &scheduler)
        case .streamSlice(let slice):
            let item = execution.receive(slice)
            for node in nodes.indices where !isDown(node, at: scheduler.now) { run(node, .payload([item]), &scheduler) }
        }
    }

    /// Adds a message users submit during the run: the index its `submit` event carries.
    mutating func enqueue(_ submission: SubmittedIngress) -> Int {
        ingress.append(submission)
        return ingress.count - 1
    }

    /// The stream slices published since the last call, for the subnets they are for.
    mutating func takeOutbox() -> [StreamSlice] {
        defer { outbox = [] }
        return outbox
    }

    /// Gives `input` to node `index` and carries out what it asks.
    mutating func run(_ index: Int, _ input: ConsensusInput, _ scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        // A Byzantine node's wrapper drives its honest node; both change in place.
        let local = localTime(now, node: index)
        let step: ConsensusStep
        if var wrapper = deviating(index, at: now) {
            step = wrapper.handle(input, now: local, node: &nodes[index])
            wrappers[index] = wrapper
        } else {
            step = nodes[index].handle(input, now: local)
        }
        var broadcasts: [Artifact] = []
        var sends: [(to: Int, artifacts: [Artifact])] = []
        var outputs = step.outputs[...]
        // Certifications the node aggregated (from shares it just received, or from its own
        // share signed in this step) leave with the step's message.
        while true {
            if outputs.isEmpty { outputs += takeCertifications(of: index, now) }
            guard let output = outputs.popFirst() else { break }
            switch output {
            case .broadcast(let artifact): broadcasts.append(artifact)
            case .send(let artifact, let to):
                if let slot = sends.firstIndex(where: { $0.to == to.index }) {
                    sends[slot].artifacts.append(artifact)
                } else {
                    sends.append((to.index, [artifact]))
                }
            case .finalized(let blocks):
                let synced = stateSyncIfBehind(index, through: blocks.last?.height ?? 0, now)
                for block in blocks {
                    observeFinalized(block, node: index, now, &scheduler)
                    guard block.height > synced else { continue }
                    // A replica executes (or shares the subnet's execution) and certifies what it
                    // finalized; one ahead of the subnet's execution waits for it.
                    guard block.height <= execution.executedHeight else {
                        awaitingExecution[block.height, default: []].append(index)
                        continue
                    }
                    if configuration.executesOnEveryReplica { execution.executeOnReplica(index, through: block) }
                    if executionEnds(block.height, node: index, now, &scheduler) { outputs += certificationShare(for: block.height, node: index, now) }
                }
            }
        }
        // What the step sends leaves as one message per peer: its broadcasts to everyone, then
        // what it addressed to single peers.
        let delay = deviating(index, at: now)?.outputDelay ?? .zero
        if !broadcasts.isEmpty {
            send(Message(broadcasts), from: index, to: peers[index], after: delay, &scheduler)
        }
        for (to, artifacts) in sends { send(Message(artifacts), from: index, to: [to], after: delay, &scheduler) }
        setWakeUp(index, step.wakeUpAt, &scheduler)
        metrics.recordRound(node: index, height: nodes[index].notarizedHeight, at: now)
    }

    /// What the shell does with a block node `index` finalized: the checkers, the metrics and
    /// the subnet's execution follow honest nodes only (its first honest finalization
    /// executes a height, and replicas that finalized it earlier execute and sign then).
    mutating func observeFinalized(_ block: Block, node index: Int, _ now: SimInstant, _ scheduler: inout Scheduler<Event>) {
        guard wrappers[index] == nil else { return }
        safety.observe(block, node: index, at: now)
        liveness.observe(node: index, at: now)
        metrics.recordFinalized(block, node: index, at: now)
        if let executed = execution.execute(block, at: now) {
            scheduler.schedule(.executed(height: block.height, digest: executed.digest), after: executed.duration)
            for node in awaitingExecution.removeValue(forKey: block.height) ?? [] {
                if configuration.executesOnEveryReplica { execution.executeOnReplica(node, through: block) }
                // A replica that is down signs nothing (as when its share comes due while down).
                if executionEnds(block.height, node: node, now, &scheduler), !isDown(node, at: now) {
                    signLate(block.height, node: node, now, &scheduler)
                }
            }
        }
    }

    /// Node `node` executes `height` after what it is executing (each height takes its round's
    /// duration): whether that is done now; if not, it signs when its share is ready.
    mutating func executionEnds(_ height: Height, node: Int, _ now: SimInstant, _ scheduler: inout Scheduler<Event>) -> Bool {
        let ready = max(now, executionBusyUntil[node]) + execution.executionDuration(at: height)
        executionBusyUntil[node] = ready
        replicaQueuedHeight[node] = max(replicaQueuedHeight[node], height)
        guard ready > now else { return true }
        scheduler.schedule(.shareReady(node: node, height: height), at: ready)
        return false
    }

    /// A crashed node restarts: its replica loads its last checkpoint from disk and executes
    /// again every height it had finalized since (with per-replica execution, its state goes
    /// back to that checkpoint and replays them); it signs nothing for those heights.
    mutating func restartReplica(_ node: Int, _ now: SimInstant) {
        let queued = replicaQueuedHeight[node]
        let checkpoint = queued - queued % execution.checkpointInterval
        var busy = now + execution.checkpointLoadTime(at: checkpoint, sync: false)
        for height in stride(from: checkpoint + 1, through: queued, by: 1) { busy = busy + execution.executionDuration(at: height) }
        executionBusyUntil[node] = busy
        execution.restartReplica(node, chain: nodes[node].finalizedChain)
    }

    /// Node `node` just finalized up to `top`: when that leaves it more than
    /// `stateSyncLagHeights` heights to execute across a checkpoint height the subnet has
    /// executed, it fetches the latest such checkpoint from its peers instead (state sync) and
    /// executes only what follows it. The height it synced to (0: none).
    mutating func stateSyncIfBehind(_ node: Int, through top: Height, _ now: SimInstant) -> Height {
        let queued = replicaQueuedHeight[node]
        let checkpoint = min(top, execution.executedHeight) / execution.checkpointInterval * execution.checkpointInterval
        guard checkpoint > queued, top - queued > configuration.checkpoints.stateSyncLagHeights,
              execution.syncReplica(node, to: checkpoint) else { return 0 }
        executionBusyUntil[node] = max(now, executionBusyUntil[node]) + execution.checkpointLoadTime(at: checkpoint, sync: true)
        replicaQueuedHeight[node] = checkpoint
        return checkpoint
    }

    /// Node `node` signs its certification share of `height` now, outside a step of its own
    /// (it finalized the height before it was executed, or its execution just ended), and
    /// sends it as a message of its own.
    mutating func signLate(_ height: Height, node: Int, _ now: SimInstant, _ scheduler: inout Scheduler<Event>) {
        let share = certificationShare(for: height, node: node, now)
        sendAsStep(share + takeCertifications(of: node, now), node: node, now, &scheduler)
    }

    /// Sends what node `node` outputs outside a step of its own (already rewritten by its
    /// wrapper, if any) as a step would: its broadcasts together, then each single send.
    mutating func sendAsStep(_ outputs: [ConsensusOutput], node: Int, _ now: SimInstant, _ scheduler: inout Scheduler<Event>) {
        let delay = deviating(node, at: now)?.outputDelay ?? .zero
        var broadcasts: [Artifact] = []
        for output in outputs {
            switch output {
            case .broadcast(let artifact): broadcasts.append(artifact)
            case .send(let artifact, let to): send(Message([artifact]), from: node, to: [to.index], after: delay, &scheduler)
            case .finalized: break
            }
        }
        if !broadcasts.isEmpty { send(Message(broadcasts), from: node, to: peers[node], after: delay, &scheduler) }
    }

    /// Removes from ``certificationsToSend`` the certifications node `index` aggregated, as its
    /// wrapper (if any) makes them.
    mutating func takeCertifications(of index: Int, _ now: SimInstant) -> [ConsensusOutput] {
        guard certificationsToSend.contains(where: { $0.node == index }) else { return [] }
        let mine = certificationsToSend.filter { $0.node == index }.map { ConsensusOutput.broadcast($0.artifact) }
        certificationsToSend.removeAll { $0.node == index }
        return deviating(index, at: now)?.rewrite(mine) ?? mine
    }

    /// Node `index`'s certification share for the state after `block` (which it finalized),
    /// as what it sends: an honest replica broadcasts it; a Byzantine one's wrapper rewrites
    /// it like its other outputs (withheld, sent selectively, ...). The replica counts its own
    /// share if it sends it at all.
    mutating func certificationShare(for height: Height, node index: Int, _ now: SimInstant) -> [ConsensusOutput] {
        guard let digest = execution.digest(at: height, replica: index) else { return [] }
        let share = ConsensusOutput.broadcast(.certificationShare(height: height, state: digest, signer: NodeID(index)))
        let outputs = deviating(index, at: now)?.rewrite([share]) ?? [share]
        if !outputs.isEmpty { certify(digest, height: height, signer: index, at: index, time: now) }
        return outputs
    }

    /// Replica `node` takes a certification share or a certification from a peer.
    mutating func takeForCertifier(_ artifact: Artifact, at node: Int, time: SimInstant) {
        switch artifact {
        case .certificationShare(let height, let state, let signer):
            certify(state, height: height, signer: signer.index, at: node, time: time)
        case .certification(let height, let state, let signers):
            let before = certificationBefore(height, at: node)
            guard certification.accept(certification: state, height: height, signers: signers, at: node, time: time) else { return }
            certified(height, at: node, time: time, before: before)
        default:
            break
        }
    }

    /// Replica `node` takes `signer`'s certification share; when that certifies the height
    /// there, it sends the certification it aggregated to its peers.
    mutating func certify(_ digest: SHA256Digest, height: Height, signer: Int, at node: Int, time: SimInstant) {
        let before = certificationBefore(height, at: node)
        guard let signers = certification.add(share: digest, height: height, signer: signer, at: node, time: time) else { return }
        certificationsToSend.append((node, .certification(height: height, state: digest, signers: signers)))
        certified(height, at: node, time: time, before: before)
    }

    /// What `certified(_:at:time:before:)` compares with: replica `node`'s highest certified
    /// height, and whether any replica had certified `height`.
    func certificationBefore(_ height: Height, at node: Int) -> (highest: Height, anywhere: Bool) {
        (certification.certifiedHeights[node], certification.firstCertification[height] != nil)
    }

    /// `height` became certified at replica `node`: it learns its new certified height, and a
    /// height certified first for the subnet makes that height's answers visible.
    mutating func certified(_ height: Height, at node: Int, time: SimInstant, before: (highest: Height, anywhere: Bool)) {
        if certification.certifiedHeights[node] > before.highest, !certifiedNotices.contains(node) { certifiedNotices.append(node) }
        guard !before.anywhere else { return }
        execution.certify(height: height, at: time)
        if execution.state.routing != nil { outbox += execution.publish(through: height) }
    }

    /// Sends now, or holds the artifact back `delay` (a delayer).
    mutating func send(_ message: Message, from sender: Int, to peers: [Int], after delay: SimDuration, _ scheduler: inout Scheduler<Event>) {
        guard delay > .zero else { return send(message, from: sender, to: peers, &scheduler) }
        scheduler.schedule(.delayedSend(from: Int32(sender), to: peers.map { Int32($0) }, message: message), after: delay)
    }

    /// Makes node `index`'s one pending wake-up be at `time` (or none). Most steps ask for
    /// the one already scheduled, and then the queue is left alone.
    mutating func setWakeUp(_ index: Int, _ requested: SimInstant?, _ scheduler: inout Scheduler<Event>) {
        // Never at or before now: a wake-up must let time move on.
        let time = requested.map { max(virtualTime(ofLocal: $0, node: index), scheduler.now + .nanoseconds(1)) }
        if let handle = wakeUps[index] {
            guard scheduler.scheduledTime(of: handle) != time else { return }
            _ = scheduler.cancel(handle)
        }
        wakeUps[index] = time.map { scheduler.schedule(.wakeUp(node: index), at: $0) }
    }

    /// Node `index`'s Byzantine wrapper if it deviates at `time` (within its assignment's
    /// window); outside it the node runs the honest code alone (it still counts as Byzantine
    /// for the checkers and metrics, which follow honest nodes only).
    func deviating(_ index: Int, at time: SimInstant) -> ByzantineWrapper? {
        guard let wrapper = wrappers[index] else { return nil }
        guard let window = byzantineWindows[index] else { return wrapper }
        return window.start <= time && time < window.end ? wrapper : nil
    }

    /// Node `index`'s clock at virtual time `time` (see ``ClockDrift``).
    func localTime(_ time: SimInstant, node index: Int) -> SimInstant {
        drifts[index]?.localTime(time) ?? time
    }

    /// The virtual time at which node `index`'s clock reads `local`.
    func virtualTime(ofLocal local: SimInstant, node index: Int) -> SimInstant {
        drifts[index]?.virtualTime(ofLocal: local) ?? local
    }

    /// Sends `message` from `sender` to `peers` through the network model.
    mutating func send(_ message: Message, from sender: Int, to peers: [Int], _ scheduler: inout Scheduler<Event>) {
        let arrivals = network.send(message.sizeBytes, from: sender, to: peers, at: scheduler.now)
        let verification = configuration.consensus.verificationDelay
        for arrival in arrivals {
            scheduler.schedule(.deliver(to: Int32(arrival.peer), from: Int32(sender), message: message), at: arrival.time + verification)
        }
        for artifact in message.artifacts { metrics.recordSent(artifact, copies: peers.count, at: scheduler.now) }
    }

    public func traceRecord(for event: Event) -> TraceRecord {
        var hasher = StableHasher()
        switch event {
        case .deliver(let to, let from, let message):
            hasher.combine(UInt64(from))
            hasher.combine(message.traceDigest)
            return TraceRecord(kind: Self.deliveryKind(message), actor: UInt32(to), payloadDigest: hasher.finalize())
        case .wakeUp(let node):
            return TraceRecord(kind: Self.wakeUpKind, actor: UInt32(node), payloadDigest: 0)
        case .delayedSend(let from, let to, let message):
            for peer in to { hasher.combine(UInt64(peer)) }
            hasher.combine(message.traceDigest)
            return TraceRecord(kind: Self.delayedSendKind, actor: UInt32(from), payloadDigest: hasher.finalize())
        case .submit(let index):
            hasher.combine(ingress[index].message.id)
            return TraceRecord(kind: Self.submitKind, actor: 0, payloadDigest: hasher.finalize())
        case .executed(let height, let digest):
            hasher.combine(height)
            hasher.combine(digest.w0)
            hasher.combine(digest.w1)
            return TraceRecord(kind: Self.executedKind, actor: 0, payloadDigest: hasher.finalize())
        case .restart(let node):
            return TraceRecord(kind: Self.restartKind, actor: UInt32(node), payloadDigest: 0)
        case .shareReady(let node, let height):
            hasher.combine(height)
            return TraceRecord(kind: Self.shareReadyKind, actor: UInt32(node), payloadDigest: hasher.finalize())
        case .streamSlice(let slice):
            return TraceRecord(kind: Self.streamSliceKind, actor: UInt32(slice.source), payloadDigest: slice.digest.w0)
        }
    }

    /// The trace kind of a delivery: the kind of its artifact when it carries one, else a
    /// bundle's.
    static func deliveryKind(_ message: Message) -> EventKind {
        guard message.artifacts.count == 1, let artifact = message.artifacts.first else { return bundleDeliveryKind }
        return deliveryKinds[artifact.kind.rawValue]
    }

    /// Trace kinds: a node's wake-up, the delivery of a message of several artifacts, and the
    /// delivery of each kind of artifact (by ``ArtifactKind`` raw value).
    static let wakeUpKind = EventKind(code: 100, name: "wake-up")
    static let delayedSendKind = EventKind(code: 120, name: "delayed send")
    static let submitKind = EventKind(code: 121, name: "submit ingress")
    static let executedKind = EventKind(code: 122, name: "height executed")
    static let restartKind = EventKind(code: 123, name: "node restart")
    static let shareReadyKind = EventKind(code: 125, name: "certification share ready")
    static let streamSliceKind = EventKind(code: 124, name: "stream slice arrives")
    static let bundleDeliveryKind = EventKind(code: 112, name: "deliver several artifacts")
    static let deliveryKinds: [EventKind] = [
        EventKind(code: 101, name: "deliver block proposal"), EventKind(code: 102, name: "deliver beacon share"),
        EventKind(code: 103, name: "deliver beacon"), EventKind(code: 104, name: "deliver notarization share"),
        EventKind(code: 105, name: "deliver notarization"), EventKind(code: 106, name: "deliver finalization share"),
        EventKind(code: 107, name: "deliver finalization"), EventKind(code: 108, name: "deliver catch-up request"),
        EventKind(code: 109, name: "deliver catch-up package"), EventKind(code: 110, name: "deliver block advert"),
        EventKind(code: 111, name: "deliver block request"), EventKind(code: 113, name: "deliver certification share"),
        EventKind(code: 114, name: "deliver certification"),
    ]
}

extension StableHasher {
    /// Folds in everything that identifies `artifact`.
    mutating func combine(_ artifact: Artifact) {
        combine(UInt64(artifact.kind.rawValue))
        combine(artifact.height)
        switch artifact {
        case .proposal(let block): combine(block.digest.w0)
        case .beaconShare(_, let signer): combine(UInt64(signer.index))
        case .beacon(_, let value): combine(value.w0)
        case .notarizationShare(_, let block, let signer), .finalizationShare(_, let block, let signer):
            combine(block.w0)
            combine(UInt64(signer.index))
        case .notarization(_, let block, let signers), .finalization(_, let block, let signers):
            combine(block.w0)
            for signer in signers { combine(UInt64(signer.index)) }
        case .catchUpRequest(_, let requester): combine(UInt64(requester.index))
        case .blockAdvert(_, let block, let maker):
            combine(block.w0)
            combine(UInt64(maker.index))
        case .blockRequest(_, let block): combine(block.w0)
        case .certificationShare(_, let state, let signer):
            combine(state.w0)
            combine(UInt64(signer.index))
        case .certification(_, let state, let signers):
            combine(state.w0)
            for signer in signers { combine(UInt64(signer.index)) }
        case .catchUp(let package):
            for block in package.blocks { combine(block.digest.w0) }
            for signer in package.signers { combine(UInt64(signer.index)) }
        }
    }
}
