import SimCore
import Consensus
import ExecutionLayer

/// Several subnets that call each other's canisters: each subnet's configuration, and how
/// long a stream slice takes from the source's certified state into the destination's
/// replicas.
public struct InternetComputerConfiguration: Hashable, Sendable {
    /// The subnets, numbered from 0 in this order. Each keeps its own seed, consensus,
    /// network, faults, canisters and ingress; a canister ID belongs to one subnet only.
    public var subnets: [SubnetConfiguration]
    /// From a height's certification on the source subnet to its stream slice reaching the
    /// destination's replicas: 100 ms by default (an assumption: one request and response
    /// between data centers, as a destination's block maker pulls slices over HTTPS; the
    /// IC's actual XNet latency is not in our sources: Docs/Model.md, "Cross-subnet streams").
    public var xnetDelay: SimDuration = .milliseconds(100)
    /// Each subnet's replicas' query service, by subnet (a subnet past the end of the list has
    /// the IC's defaults: ``queryService(ofSubnet:)``).
    public var queryServices: [QueryServiceConfiguration] = []
    /// Each subnet's boundary node, by subnet (a subnet past the end of the list has every
    /// replica at the default delay: ``boundaryNode(ofSubnet:)``).
    public var boundaryNodes: [BoundaryNodeConfiguration] = []

    /// `subnets`, each with its own configuration.
    public init(subnets: [SubnetConfiguration]) {
        self.subnets = subnets
    }

    /// `count` subnets of `nodeCount` nodes with the IC's defaults, each with a seed derived
    /// from `seed`.
    public init(subnetCount count: Int, nodeCount: Int = 13, seed: UInt64 = 1) {
        let root = RandomSeed(seed)
        subnets = (0..<max(count, 0)).map { index in
            SubnetConfiguration(nodeCount: nodeCount, seed: root.derive("subnet", index: UInt64(index)).digest.w0)
        }
    }

    /// Where canisters live, from each subnet's canisters.
    public var routing: RoutingTable {
        RoutingTable(canistersBySubnet: subnets.map { $0.canisters.map(\.id) })
    }

    /// What is wrong with the configuration (empty when usable), each problem naming its
    /// field: each subnet's own problems (canisters installed on trial), canister IDs used by
    /// two subnets, ingress message IDs repeated across subnets.
    public func problems() -> [String] {
        problems(installingCanisters: true)
    }

    /// What is wrong; without `installingCanisters`, everything but whether each canister
    /// installs.
    package func problems(installingCanisters: Bool) -> [String] {
        var problems: [String] = subnets.isEmpty ? ["subnets: at least one subnet is needed"] : []
        if xnetDelay < .zero { problems.append("xnetDelay: must not be negative") }
        problems += queryServiceProblems()
        problems += boundaryNodeProblems()
        var owner: [CanisterID: Int] = [:]
        var messages: [UInt64: Int] = [:]
        for (index, subnet) in subnets.enumerated() {
            problems += subnet.problems(installingCanisters: installingCanisters).map { "subnets[\(index)].\($0)" }
            for (position, canister) in subnet.canisters.enumerated() {
                if let other = owner[canister.id], other != index {
                    problems.append("subnets[\(index)].canisters[\(position)].id: canister \(canister.id) is already on subnet \(other)")
                } else {
                    owner[canister.id] = index
                }
            }
            for (position, submission) in subnet.ingress.enumerated() {
                if let other = messages[submission.message.id], other != index {
                    problems.append("subnets[\(index)].ingress[\(position)].message.id: message \(submission.message.id) is also submitted to subnet \(other)")
                } else {
                    messages[submission.message.id] = index
                }
            }
        }
        return problems
    }
}

/// Several subnets in one virtual time, with their users: each subnet is a
/// ``SubnetSimulation`` with its own event queue and trace, one lane of the kernel's
/// ``LaneMerge``; the users (``InternetComputerUsers``, a scenario's clients) are lane 0. The
/// lane with the earliest next event steps first (ties: the users, then the lower subnet
/// number), so the interleaving is deterministic. When a subnet certifies a height,
/// the new messages of its streams (and its signals) travel to their destination subnets,
/// which include them in blocks and induct them when they execute those blocks.
public struct InternetComputerSimulation {
    /// The configuration.
    public let configuration: InternetComputerConfiguration
    /// The subnets' simulations, by subnet number.
    public internal(set) var subnets: [Simulation<SubnetSimulation>]
    /// Stream slices delivered from one subnet to another.
    public internal(set) var slicesDelivered = 0
    /// Windows run (``run(until:users:threads:progressEvery:progress:)``: one subnet's windows,
    /// or the rounds that started stretches of several): a diagnostic, not part of any report
    /// (one-event steps are not counted; with several threads it varies from run to run).
    public internal(set) var windowsRun: UInt64 = 0
    /// Stretches run: each time a subnet ran on its own up to a horizon counts one (a
    /// diagnostic, not part of any report: the subnets' events over it are the events a subnet
    /// runs before another takes the cache; with several threads it varies from run to run).
    public internal(set) var stretchesRun: UInt64 = 0
    /// Every lane's next event time: lane 0 the users', lane s + 1 subnet s's (kept beside
    /// the subnets, so that finding the next to step reads a small array, not every queue).
    var lanes = LaneMerge(times: [])
    /// Each subnet's ingress admission (the boundary node's and the replicas' limits on
    /// update calls), by subnet number.
    var admissions: [IngressAdmission] = []
    /// Each replica's query service, by subnet and node (HTTPInterface.swift, `query`).
    public internal(set) var queryServices: [[QueryService]] = []
    /// Each subnet's boundary node (BoundaryNode/), by subnet number.
    var boundaryNodes: [BoundaryNode] = []
    /// Each subnet's healthy replicas as the boundary node last found them, while they hold
    /// (``HealthyReplicaCache``), by subnet number.
    var healthyReplicaCaches: [HealthyReplicaCache?] = []
    /// Whether a run's crew starts its workers (`false` only in tests, for a crew whose
    /// workers never get a thread).
    var crewStartsWorkers = true
    /// Whether an observer sees every event (``observeEvents(_:)``): windowed runs then stay
    /// on one thread, so the observer is called from one thread, in one order.
    var isObserved = false

    /// The subnets at time zero, started.
    /// - Precondition: `configuration.problems()` is empty (each subnet installs its canisters
    /// once, here; a module that does not install is caught then).
    public init(configuration: InternetComputerConfiguration) {
        let problems = configuration.problems(installingCanisters: false)
        precondition(problems.isEmpty, "validate the configuration first: \(problems)")
        self.configuration = configuration
        let routing = configuration.routing
        subnets = configuration.subnets.enumerated().map { index, subnet in
            var simulation = Simulation(model: SubnetSimulation(configuration: subnet, connection: (index, routing)))
            simulation.model.start(&simulation.scheduler)
            return simulation
        }
        lanes = LaneMerge(times: [nil] + subnets.map(\.scheduler.nextEventTime))
        admissions = configuration.subnets.map(IngressAdmission.init(subnet:))
        boundaryNodes = configuration.subnets.enumerated().map { index, subnet in
            BoundaryNode(configuration: configuration.boundaryNode(ofSubnet: index), network: subnet.network,
                         stream: RandomSeed(subnet.seed).stream("boundary node"))
        }
        healthyReplicaCaches = Array(repeating: nil, count: subnets.count)
        queryServices = configuration.subnets.indices.map { index in
            Array(repeating: QueryService(configuration: configuration.queryService(ofSubnet: index)),
                  count: configuration.subnets[index].consensus.nodeCount)
        }
    }

    /// The current virtual time (the latest any subnet reached).
    public var now: SimInstant {
        // By index: `subnets.map(\.now)` copied every subnet's simulation (a retain and a
        // release of each of its references) for each call, which the clients make per sample.
        var latest = SimInstant.zero
        for index in subnets.indices { latest = max(latest, subnets[index].now) }
        return latest
    }

    /// Events processed, over all subnets.
    public var eventsProcessed: UInt64 { subnets.reduce(0) { $0 + $1.eventsProcessed } }

    /// Runs every subnet until virtual time `time`; the events processed.
    @discardableResult
    public mutating func run(until time: SimInstant) -> UInt64 {
        var processed: UInt64 = 0
        while step(notAfter: time) { processed += 1 }
        finish(at: time)
        return processed
    }

    /// Calls `observer` with every event any subnet handles from now on, with the subnet's
    /// number (for event traces; it must not affect the run).
    public mutating func observeEvents(_ observer: @escaping (Int, TraceEntry) -> Void) {
        for index in subnets.indices { subnets[index].traceObserver = { observer(index, $0) } }
        isObserved = true
    }

    // Accessors for the checkers and the testing tools, which watch the subnets from outside
    // (clients use the HTTP interface, HTTPInterface.swift): reading through
    // `subnets[i].model` from another module copies the subnet's model (every reference in
    // it retained), so the reads they need are methods here.

    /// The finalized height of every node of subnet `subnet`, by node.
    public func finalizedHeights(onSubnet subnet: Int) -> [Height] {
        subnets[subnet].model.replicas.map(\.consensus.finalizedHeight)
    }

    /// Whether node `node` of subnet `subnet` is crashed or paused at `time`.
    public func isDown(_ node: Int, onSubnet subnet: Int, at time: SimInstant) -> Bool {
        subnets[subnet].model.isDown(node, at: time)
    }

    /// Subnet `subnet`'s node count.
    public func nodeCount(onSubnet subnet: Int) -> Int {
        subnets[subnet].model.configuration.consensus.nodeCount
    }

    /// What became of ingress message `id` on subnet `subnet`, and the height node `node`
    /// has certified (what a `read_state` at that replica sees).
    public func ingressOutcome(_ id: UInt64, onSubnet subnet: Int, certifiedAt node: Int) -> (outcome: IngressOutcome?, certifiedHeight: Height) {
        (subnets[subnet].model.execution.outcome(of: id), subnets[subnet].model.replicas[node].certifier.certifiedHeight)
    }

    /// What became of ingress message `id` on subnet `subnet` (`nil` until it is answered).
    public func ingressOutcome(_ id: UInt64, onSubnet subnet: Int) -> IngressOutcome? {
        subnets[subnet].model.execution.outcome(of: id)
    }

    /// The highest height replica `node` of subnet `subnet` had certified at `time`.
    public func certifiedHeight(atNode node: Int, onSubnet subnet: Int, at time: SimInstant) -> Height {
        subnets[subnet].model.replicas[node].certifier.certifiedHeight(at: time)
    }

    /// Ingress messages subnet `subnet` has answered.
    public func answeredCount(onSubnet subnet: Int) -> Int {
        subnets[subnet].model.execution.ingress.answeredCount
    }

    /// When the next event of any subnet is due (`nil`: none is pending).
    public var nextEventTime: SimInstant? {
        lanes.times.dropFirst().compactMap { $0 }.min()
    }

    /// Handles the earliest pending event of all subnets (ties: the lower subnet) if it is due
    /// by `time`; whether there was one.
    public mutating func step(notAfter time: SimInstant) -> Bool {
        var nobody = NoUsers()
        return step(notAfter: time, users: &nobody)
    }

    /// Handles the earliest pending event of the users and the subnets (ties: the users, then
    /// the lower subnet) if it is due by `time`; whether there was one.
    public mutating func step<Users: InternetComputerUsers>(notAfter time: SimInstant, users: inout Users) -> Bool {
        lanes.update(0, to: users.nextEventTime)
        guard let lane = lanes.next(notAfter: time) else { return false }
        if lane == 0 {
            users.step(&self)
        } else {
            let answered = stepSubnet(lane - 1)
            if !answered.isEmpty { users.answersVisible(answered) }
        }
        return true
    }

    /// Steps subnet `index`, and sends the stream slices the step published to their
    /// destinations, which take them `xnetDelay` later: the synchronous calls the step
    /// answered.
    mutating func stepSubnet(_ index: Int) -> [AnsweredWait] {
        var output = WindowOutput()
        Self.step(&subnets[index], number: index, into: &output)
        lanes.update(index + 1, to: output.next)
        deliverSlices(output.slices)
        return output.answers
    }

    /// Steps `subnet`, subnet number `number` (in place: reading its fields through
    /// `subnets[i]` would copy the whole simulation), adding what the step published to
    /// `output` and setting when its next event is due.
    static func step(_ subnet: inout Simulation<SubnetSimulation>, number: Int, into output: inout WindowOutput) {
        subnet.step()
        output.events += 1
        // Most events publish nothing: collecting only when something was published saves
        // two array appends an event (7 % of a mainnet-topology run).
        if subnet.model.hasPublished { collectPublished(of: &subnet, number: number, into: &output) }
        output.next = subnet.scheduler.nextEventTime
    }

    /// Synchronous call `token` waits at replica `node` of subnet `subnet` for the certified
    /// answer to message `id` (the v3 call endpoint holding its connection): `true` if the
    /// answer is visible there already; else the users learn it through
    /// ``InternetComputerUsers/answersVisible(_:)`` when it is.
    /// - Precondition: the subnet and the replica exist.
    public mutating func awaitAnswer(of id: UInt64, onSubnet subnet: Int, atReplica node: Int, token: Int) -> Bool {
        precondition(subnets.indices.contains(subnet), "subnet \(subnet) of \(subnets.count)")
        return subnets[subnet].model.awaitAnswer(id, atReplica: node, token: token)
    }

    /// Moves every subnet's clock to `time` (the end of a run), once no event is due before.
    public mutating func finish(at time: SimInstant) {
        for index in subnets.indices { _ = subnets[index].run(.until(time)) }
    }

    /// Schedules the arrival of ingress `message` at subnet `subnet` at `time`, at replica
    /// `entryReplica` (which gossips it; `nil`: one derived from its ID), as users reach it
    /// through ``call(_:toSubnet:at:)``.
    mutating func submit(_ message: IngressMessage, toSubnet subnet: Int, at time: SimInstant, entryReplica: Int? = nil) {
        let index = subnets[subnet].model.enqueue(SubmittedIngress(at: time, message, entryReplica: entryReplica))
        lanes.update(subnet + 1, to: Self.schedule(.submit(index: index), at: time, on: &subnets[subnet]))
    }

    /// Schedules `event` on `subnet` (in place); the subnet's next event time after.
    static func schedule(_ event: SubnetSimulation.Event, at time: SimInstant, on subnet: inout Simulation<SubnetSimulation>) -> SimInstant? {
        subnet.scheduler.schedule(event, at: time)
        return subnet.scheduler.nextEventTime
    }

    /// The trace hash of the whole run: the subnets' trace hashes folded in subnet order
    /// (each subnet's trace holds the stream slices it received, so equal hashes mean equal
    /// runs).
    public var traceHash: String {
        var hash = TraceHash()
        foldSubnetTraces(into: &hash)
        return hash.hexDigest
    }

    /// Folds each subnet's trace hash into `hash`, in lane order (the subnets' part of a run's
    /// trace hash).
    public func foldSubnetTraces(into hash: inout TraceHash) {
        for (index, subnet) in subnets.enumerated() {
            hash.fold(time: subnet.now, record: TraceRecord(kind: TraceKinds.subnetTrace, actor: UInt32(index), payloadDigest: subnet.traceHash.value))
        }
    }

    /// Every cycle of every subnet: what each subnet accounts for, plus what travels in
    /// streams and is not inducted yet at its destination. Constant as long as no canister is
    /// added from outside and no cycles are minted (`ReplicatedState.cyclesMinted`, by
    /// `provisional_create_canister_with_cycles`).
    public var cyclesAccountedFor: Cycles {
        var total = Cycles.zero
        for source in subnets.indices {
            let state = subnets[source].model.execution.state
            total = total + state.cyclesAccountedFor
            for destination in subnets.indices where destination != source {
                let inducted = subnets[destination].model.execution.state.inducted(from: source)
                total = total + state.cyclesInStream(to: destination, from: inducted)
            }
        }
        return total
    }
}

/// Who uses the subnets in a run: lane 0 of ``InternetComputerSimulation``'s lanes (a
/// scenario's clients). Its events are its own; it reaches the subnets only through the HTTP
/// interface (``InternetComputerSimulation/call(_:toSubnet:at:)``, `query`, `readState`).
public protocol InternetComputerUsers {
    /// When the users' next event is due (`nil`: none is pending).
    var nextEventTime: SimInstant? { get }
    /// Handles the users' next event, at its time, against `ic`.
    mutating func step(_ ic: inout InternetComputerSimulation)
    /// Synchronous calls whose answers became visible at the replicas holding them.
    mutating func answersVisible(_ answered: [AnsweredWait])
    /// The least virtual time from an answer becoming visible (``answersVisible(_:)``) to any
    /// user event that it causes and that reaches a subnet (a call, a query, a read of a
    /// replica's state): the lookahead that lets the subnets run ahead of the users in
    /// windows (``run(until:users:threads:progress:)``). Zero (the default) means none: the
    /// run steps one event at a time.
    var answerLookahead: SimDuration { get }
    /// When the users' next event that reads or changes subnet `subnet` is due (`nil`: none
    /// is pending), for the per-subnet horizons of a windowed run (Docs/Determinism.md,
    /// "Subnets in parallel"). It must never be later than the truth: an event that may read
    /// or change several subnets counts for each. An event handled at `t` that reads or
    /// changes only subnet `k` may schedule events that touch `k` at `t` or later, and events
    /// that touch another subnet only at `t +` ``answerLookahead`` or later. The default,
    /// ``nextEventTime``, says every event touches every subnet (one horizon for all).
    func nextEventTime(touchingSubnet subnet: Int) -> SimInstant?
    /// Whether the users keep to their subnets: an event that reads or changes only subnet
    /// `k` schedules only events that touch `k` alone, and an answer from subnet `k` (its
    /// event touches `k` alone) causes, besides, only events that touch `k` alone, at
    /// ``answerLookahead`` after it or later. Then no users' event can reach a subnet because
    /// of what another did, and a subnet may run until the cross-subnet delay after the
    /// earliest lane and ``answerLookahead`` after its own first answer, instead of
    /// ``answerLookahead`` after the earliest lane (Docs/Determinism.md, "Subnets in
    /// parallel"). `false` (the default) claims nothing.
    var keepToTheirSubnets: Bool { get }
}

extension InternetComputerUsers {
    /// Users without synchronous calls ignore them.
    public mutating func answersVisible(_ answered: [AnsweredWait]) {}
    /// No lookahead.
    public var answerLookahead: SimDuration { .zero }
    /// Every event touches every subnet: the users' next event.
    public func nextEventTime(touchingSubnet subnet: Int) -> SimInstant? { nextEventTime }
    /// No claim: the users may reach any subnet because of what happened at another.
    public var keepToTheirSubnets: Bool { false }
}

/// A synchronous call's wait that ended: the call (the token its user gave
/// ``InternetComputerSimulation/awaitAnswer(of:onSubnet:atReplica:token:)``), on which
/// subnet, when its answer became visible at the replica holding it, and that answer (what
/// `read_state` there told at that moment, which the replica sends on the connection).
public struct AnsweredWait: Hashable, Sendable {
    /// The subnet.
    public var subnet: Int
    /// The user's token for the call.
    public var token: Int
    /// When the answer became visible there.
    public var time: SimInstant
    /// The answer, as the replica saw it then.
    public var status: RequestStatus

    /// Call `token`'s answer `status`, visible at `time` on subnet `subnet`.
    public init(subnet: Int = 0, token: Int, time: SimInstant, status: RequestStatus) {
        self.subnet = subnet
        self.token = token
        self.time = time
        self.status = status
    }
}

/// No users: the subnets run on their own.
struct NoUsers: InternetComputerUsers {
    var nextEventTime: SimInstant? { nil }
    func step(_ ic: inout InternetComputerSimulation) {}
}
