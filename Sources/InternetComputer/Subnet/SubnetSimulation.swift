import SimCore
import Consensus
import ExecutionLayer

/// A subnet of ICC nodes on the simulated network, as a ``SimulationModel``: the shell that
/// routes messages and timers between its ``Replica``s and the network model. Each replica
/// owns everything one node has (its consensus node behind its Byzantine wrapper, its
/// certifier, its execution queue, its checkpoints and faults); the shell carries out what a
/// replica's step asks (broadcasts through the network model, wake-ups through the
/// scheduler, finalized blocks to execution, the checkers and the metrics), and the checkers
/// and metrics sit outside the replicas.
public struct SubnetSimulation: SimulationModel {
    /// The configuration.
    public let configuration: SubnetConfiguration
    /// The replicas, by node index.
    public internal(set) var replicas: [Replica]
    /// Safety: no two different blocks finalized at one height.
    public private(set) var safety = SafetyChecker()
    /// What happened.
    public internal(set) var metrics: SubnetMetrics
    /// Liveness: after the last fault ends, every node's finalized height grows again within
    /// ``LivenessChecker/bound``.
    public private(set) var liveness: LivenessChecker
    /// The subnet's replicated state machine (executed once per height, shared by the
    /// replicas that do not keep their own copy).
    public internal(set) var execution: SubnetExecution
    /// When each height was first certified by a replica, and any conflict.
    public internal(set) var certification = CertificationRecord()
    /// The ingress messages users submit: the configuration's, then those submitted during the
    /// run (``enqueue(_:)``), by the index their `submit` events carry.
    public private(set) var ingress: [SubmittedIngress]
    /// Replicas whose certified height grew during the event being handled (told after it).
    var certifiedNotices: [Int] = []
    /// Certifications replicas aggregated during the event being handled, to send once it is
    /// handled: (aggregator, certification).
    var certificationsToSend: [(node: Int, artifact: Artifact)] = []
    /// Replicas that finalized a height before the subnet executed it (a Byzantine node can
    /// be ahead of every honest one), by height: they sign when it is executed.
    var awaitingExecution: [Height: [Int]] = [:]
    /// When each replica has each ingress message in its pool (gossiped, validated), by
    /// message ID, while a block may still carry it (``Dissemination``).
    var ingressArrivals = IngressArrivals()
    /// The synchronous calls waiting for their answers' certification (``SyncWait``): by
    /// message while it is unanswered, then per replica by the height that answered it; how
    /// many waits were recorded; and the waits answered during the event being handled.
    var syncWaitsByMessage: [UInt64: [SyncWait]] = [:]
    var syncWaitsByHeight: [[Height: [SyncWait]]] = []
    var syncWaitsRecorded = 0
    var answeredWaits: [AnsweredWait] = []
    /// Changes to what makes a replica healthy to the boundary node: bumped when a replica's
    /// certified height rises and when a crash is injected or healed (configured downtimes
    /// are fixed from the start). The boundary node's healthy replicas are cached against it.
    package internal(set) var replicaHealthChanges: UInt64 = 0
    /// Stream slices other subnets may now read (published as heights are certified), until
    /// whoever connects the subnets takes them (``takeOutbox()``).
    var outbox: [StreamSlice] = []
    var network: NetworkModel
    /// The beacons and roles the replicas computed last, lent to each replica it steps so the
    /// subnet computes each height's once (``BeaconMemo``).
    var beaconMemo = BeaconMemo()
    /// The payload items the honest replicas wait to propose, recorded once for all of them
    /// and lent to each it steps (``SharedPayload``; Byzantine replicas keep their own).
    var sharedPayload: SharedPayload
    /// Each replica as ``takeSharedPayload(node:_:)`` last left it, while that tells that
    /// doing it again changes nothing (``SettledReplica``; `nil`: do it).
    var settledReplicas: [SettledReplica?] = []
    /// Whether a delivery that changes nothing at an honest replica skips the replica's step
    /// (``takeWithoutStep(_:at:_:)``), and an item offered to a settled replica skips the
    /// wake-up and round bookkeeping (``SettledReplica``); off only in the tests that compare
    /// both ways.
    var skipsUnchangedSteps = true
    /// The step every replica's consensus node writes its outputs into, and the arrivals the
    /// network model computes for each send: reused, so that neither allocates an array
    /// (``run(_:_:at:_:)``, ``send(_:from:to:at:_:)``).
    var reusableStep = ConsensusStep()
    var reusableArrivals: [NetworkModel.Arrival] = []

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
        network = NetworkModel(configuration: configuration.network, jitter: root.stream("network jitter"), faults: root.stream("network faults"))
        ingress = configuration.ingress
        liveness = LivenessChecker(configuration: configuration)
        do {
            execution = try SubnetExecution(canisters: configuration.canisters, round: configuration.round, checkpoints: configuration.checkpoints,
                                            ingressTimeToLive: configuration.ingressTimeToLive,
                                            comparesReplicas: configuration.executesOnEveryReplica,
                                            connection: connection, queriedCanisters: configuration.queriedCanisters)
        } catch {
            preconditionFailure("validate the configuration first: \(error)")
        }
        let state = execution.state
        replicas = (0..<configuration.consensus.nodeCount).map { Replica(index: $0, configuration: configuration, genesis: genesis, state: state) }
        sharedPayload = SharedPayload(replicaCount: replicas.count)
        settledReplicas = Array(repeating: nil, count: replicas.count)
        for node in replicas.indices where replicas[node].isHonest { replicas[node].consensus.sharePayload(&sharedPayload) }
        metrics = SubnetMetrics(honest: replicas.map(\.isHonest), recordsTimeline: configuration.recordsTimeline)
        syncWaitsByHeight = Array(repeating: [:], count: replicas.count)
    }

    /// Messages the network lost to faults.
    public var messagesLost: UInt64 { network.messagesLost }

    /// Wakes every node at time zero, and each crashed or paused node when it comes back.
    public mutating func start(_ scheduler: inout Scheduler<Event>) {
        for node in replicas.indices { scheduleWakeUp(node, at: .zero, &scheduler) }
        for fault in configuration.nodeFaults where fault.isDown(at: fault.start) {
            if case .crash = fault.kind { scheduler.schedule(.restart(node: fault.node), at: fault.end) }
            scheduler.schedule(.wakeUp(node: fault.node), at: fault.end)
        }
        for (index, submission) in configuration.ingress.enumerated() {
            scheduler.schedule(.submit(index: index), at: submission.at)
        }
    }

    /// Whether node `index` is crashed or paused at `time`.
    @inline(__always)  // called per event; a call would copy the whole shell
    func isDown(_ index: Int, at time: SimInstant) -> Bool {
        replicas[index].isDown(at: time)
    }

    public mutating func handle(_ event: Event, scheduler: inout Scheduler<Event>) {
        handleEvent(event, &scheduler)
        // Certifications aggregated while handling it go to the aggregators' peers.
        while let node = certificationsToSend.first?.node {
            let time = max(scheduler.now, replicas[node].certificationProcessor.busyUntil)
            sendAsStep(takeCertifications(of: node, time), node: node, time, &scheduler)
        }
        // Replicas whose state became certified further learn it now (it shapes their
        // notary delay); telling one may not make another's grow, so one pass suffices.
        while let node = certifiedNotices.popLast() {
            guard !isDown(node, at: scheduler.now) else { continue }
            // Its consensus reads the certified height when it next runs (no work of its own).
            let time = max(scheduler.now, replicas[node].consensusProcessor.busyUntil)
            run(node, .certified(replicas[node].certifier.certifiedHeight), at: time, &scheduler)
        }
    }

    mutating func handleEvent(_ event: Event, _ scheduler: inout Scheduler<Event>) {
        switch event {
        case .deliver(let to, let from, let message):
            deliver(message, to: Int(to), from: Int(from), &scheduler)
        case .wakeUp(let node):
            if let handle = replicas[node].wakeUp, scheduler.scheduledTime(of: handle) == nil { replicas[node].wakeUp = nil }
            guard !isDown(node, at: scheduler.now) else { return }
            // An idle processor notices a timer only when it next runs.
            let noticed = replicas[node].consensusProcessor.noticed(scheduler.now, interval: processing.idlePollInterval)
            guard noticed <= scheduler.now else {
                scheduleWakeUp(node, at: noticed, &scheduler)
                return
            }
            run(node, .wakeUp, at: replicas[node].consensusProcessor.take(arrivingAt: scheduler.now, cost: .zero), &scheduler)
        case .delayedSend(let from, let to, let message):
            send(message, from: Int(from), to: to.map(Int.init), at: scheduler.now, &scheduler)
        case .submit(let index):
            let submission = ingress[index]
            guard execution.submit(submission) else { return releaseWaits(forRefused: submission.message.id, scheduler.now) }
            gossip(submission, &scheduler)
        case .executed:
            break
        case .restart(let node):
            guard !isDown(node, at: scheduler.now) else { return }
            restartReplica(node, scheduler.now)
        case .shareReady(let node, let height):
            guard !isDown(node, at: scheduler.now) else { return }
            signAwaited(height, node: node, scheduler.now, &scheduler)
        case .streamSlice(let slice):
            offer(execution.receive(slice), arrivalsRow: nil, &scheduler)
        }
    }

    /// Adds a message users submit during the run: the index its `submit` event carries.
    mutating func enqueue(_ submission: SubmittedIngress) -> Int {
        ingress.append(submission)
        return ingress.count - 1
    }

    /// Whether the event just handled published slices or answered waits, for whoever
    /// connects the subnets to take (``takeOutbox()``, ``takeAnsweredWaits()``).
    var hasPublished: Bool { !outbox.isEmpty || !answeredWaits.isEmpty }

    /// The stream slices published since the last call, for the subnets they are for.
    mutating func takeOutbox() -> [StreamSlice] {
        defer { outbox = [] }
        return outbox
    }

    /// Gives `input` to replica `index`, whose consensus processor takes it at `now` (virtual
    /// time, at or after the event being handled: the processor may be busy until then), and
    /// carries out what it asks; what it makes leaves once its processor made it.
    mutating func run(_ index: Int, _ input: ConsensusInput, at now: SimInstant, _ scheduler: inout Scheduler<Event>) {
        // The step is the shell's reusable one, taken out while in use (a run nested in this
        // one would find an empty step, not this one's outputs) and emptied when put back.
        var step = ConsensusStep()
        swap(&step, &reusableStep)
        defer {
            step.outputs.removeAll(keepingCapacity: true)
            swap(&step, &reusableStep)
        }
        replicas[index].step(input, now: now, memo: &beaconMemo, payload: &sharedPayload, into: &step)
        var broadcasts: [Artifact] = []
        var sends: [(to: Int, artifacts: [Artifact])] = []
        var next = 0
        // Certifications the node aggregated (from shares it just received, or from its own
        // share signed in this step) leave with the step's message. (An index into the array,
        // not a slice: appending to a slice copies it.)
        while true {
            if next == step.outputs.count, certificationsToSend.contains(where: { $0.node == index }) {
                step.outputs += takeCertifications(of: index, now)
            }
            guard next < step.outputs.count else { break }
            let output = step.outputs[next]
            next += 1
            switch output {
            case .broadcast(let artifact):
                // Room for the outputs left at once: the array becomes the message's, and
                // growing it append by append reallocated it (about 6,600 times in 60 s at 13 nodes).
                if broadcasts.isEmpty { broadcasts.reserveCapacity(step.outputs.count - next + 1) }
                broadcasts.append(artifact)
            case .send(let artifact, let to):
                if let slot = sends.firstIndex(where: { $0.to == to.index }) {
                    sends[slot].artifacts.append(artifact)
                } else {
                    sends.append((to.index, [artifact]))
                }
            case .finalized(let blocks):
                step.outputs += finalized(blocks, node: index, now, &scheduler)
            }
        }
        // What the step sends leaves as one message per peer, once made: its broadcasts to
        // everyone, then what it addressed to single peers.
        let made = creationCost(of: broadcasts) + sends.reduce(.zero) { $0 + creationCost(of: $1.artifacts) }
        let departure = made > .zero ? replicas[index].consensusProcessor.extend(by: made, from: now) : now
        // An honest replica is read without calling a method on it (which copies it whole).
        let delay = replicas[index].isHonest ? .zero : replicas[index].outputDelay(at: now)
        if !broadcasts.isEmpty {
            send(Message(broadcasts, from: index, processing: processing, dissemination: configuration.dissemination), from: index, to: replicas[index].peers, at: departure, after: delay, &scheduler)
        }
        for (to, artifacts) in sends {
            send(Message(artifacts, from: index, processing: processing, dissemination: configuration.dissemination), from: index, to: [to], at: departure, after: delay, &scheduler)
        }
        setWakeUp(index, step.wakeUpAt, &scheduler)
        metrics.recordRound(node: index, height: replicas[index].consensus.notarizedHeight, at: now)
    }

    /// Replica `index` finalized `blocks`: the checkers and metrics observe them, and the
    /// replica executes (or shares the subnet's execution of) and certifies each; one ahead of
    /// the subnet's execution waits for it. The certification shares it signs now.
    mutating func finalized(_ blocks: [Block], node index: Int, _ now: SimInstant, _ scheduler: inout Scheduler<Event>) -> [ConsensusOutput] {
        var shares: [ConsensusOutput] = []
        let synced = stateSyncIfBehind(index, through: blocks.last?.height ?? 0, now)
        for block in blocks {
            observeFinalized(block, node: index, now, &scheduler)
            guard block.height > synced else { continue }
            guard block.height <= execution.executedHeight else {
                awaitingExecution[block.height, default: []].append(index)
                continue
            }
            execution.execute(block, onReplica: &replicas[index].ownExecution, node: index)
            if executionEnds(block.height, node: index, now, &scheduler) { shares += certificationShare(for: block.height, node: index, now) }
        }
        return shares
    }

    /// What the shell does with a block node `index` finalized: the checkers, the metrics and
    /// the subnet's execution follow honest nodes only (its first honest finalization
    /// executes a height, and replicas that finalized it earlier execute and sign then).
    mutating func observeFinalized(_ block: Block, node index: Int, _ now: SimInstant, _ scheduler: inout Scheduler<Event>) {
        guard replicas[index].isHonest else { return }
        safety.observe(block, node: index, at: now)
        liveness.observe(node: index, at: now)
        metrics.recordFinalized(block, node: index, at: now)
        if let executed = execution.execute(block, at: now) {
            fileWaits(answeredAt: block.height)
            for item in block.payload { ingressArrivals.remove(item.id) }
            scheduler.schedule(.executed(height: block.height, digest: executed.digest), at: now + executed.duration)
            for node in awaitingExecution.removeValue(forKey: block.height) ?? [] {
                execution.execute(block, onReplica: &replicas[node].ownExecution, node: node)
                // A replica that is down signs nothing (as when its share comes due while down).
                if executionEnds(block.height, node: node, now, &scheduler), !isDown(node, at: now) {
                    signAwaited(block.height, node: node, now, &scheduler)
                }
            }
        }
    }

    /// Sends at `departure`, or holds the artifact back `delay` more (a delayer).
    mutating func send(_ message: Message, from sender: Int, to peers: [Int], at departure: SimInstant, after delay: SimDuration,
                       _ scheduler: inout Scheduler<Event>) {
        guard delay > .zero else { return send(message, from: sender, to: peers, at: departure, &scheduler) }
        scheduler.schedule(.delayedSend(from: Int32(sender), to: peers.map { Int32($0) }, message: message), at: departure + delay)
    }

    /// Makes replica `index`'s one pending wake-up be at `time` (or none). Most steps ask for
    /// the one already scheduled, and then the queue is left alone.
    mutating func setWakeUp(_ index: Int, _ requested: SimInstant?, _ scheduler: inout Scheduler<Event>) {
        // Never at or before now: a wake-up must let time move on.
        let time = requested.map { max(replicas[index].virtualTime(ofLocal: $0), scheduler.now + .nanoseconds(1)) }
        if let handle = replicas[index].wakeUp {
            // The handle is pending at the time kept with it (see `Replica.wakeUpDue`).
            assert(scheduler.scheduledTime(of: handle) == replicas[index].wakeUpDue, "replica \(index)'s wake-up is pending when kept")
            guard replicas[index].wakeUpDue != time else { return }
            _ = scheduler.cancel(handle)
        }
        guard let time else { return replicas[index].wakeUp = nil }
        scheduleWakeUp(index, at: time, &scheduler)
    }

    /// Schedules replica `index`'s wake-up at `time` and keeps its handle and time (any
    /// wake-up kept before is forgotten, not cancelled).
    mutating func scheduleWakeUp(_ index: Int, at time: SimInstant, _ scheduler: inout Scheduler<Event>) {
        replicas[index].wakeUp = scheduler.schedule(.wakeUp(node: index), at: time)
        replicas[index].wakeUpDue = time
    }

    /// Sends `message` from `sender` to `peers` through the network model, leaving at
    /// `departure` (now, or when the sender's processor has made it).
    mutating func send(_ message: Message, from sender: Int, to peers: [Int], at departure: SimInstant, _ scheduler: inout Scheduler<Event>) {
        var arrivals: [NetworkModel.Arrival] = []
        swap(&arrivals, &reusableArrivals)
        defer { swap(&arrivals, &reusableArrivals) }
        network.send(message.sizeBytes, from: sender, to: peers, at: departure, into: &arrivals)
        if let delivery = message.proposal.map({ proposalDelivery(of: $0, broadcast: peers.count > 1) }) {
            for index in arrivals.indices {
                arrivals[index].time = readyTime(delivery, sentBy: sender, to: arrivals[index].peer, arrival: arrivals[index].time)
            }
        }
        // One batch: the copies run as if scheduled one by one, in this order, but wait in the
        // queue as one entry (its earliest copy not yet delivered), each made from the one
        // delivery and its receiver when it comes due.
        scheduler.scheduleBatch(.deliver(to: 0, from: Int32(sender), message: message), count: arrivals.count,
                                time: { arrivals[$0].time }, tag: { UInt16(arrivals[$0].peer) })
        for artifact in message.artifacts { metrics.recordSent(artifact, copies: peers.count, at: departure) }
    }
}
