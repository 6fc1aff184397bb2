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
    /// IC's actual XNet latency is not in ../shared/MODEL.md).
    public var xnetDelay: SimDuration = .milliseconds(100)

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

/// Several subnets in one virtual time: each subnet is a ``SubnetSimulation`` with its own
/// event queue, and the subnet with the earliest next event steps first (ties: the lower
/// subnet number), so the interleaving is deterministic. When a subnet certifies a height,
/// the new messages of its streams (and its signals) travel to their destination subnets,
/// which include them in blocks and induct them when they execute those blocks.
public struct InternetComputerSimulation {
    /// The configuration.
    public let configuration: InternetComputerConfiguration
    /// The subnets' simulations, by subnet number.
    public private(set) var subnets: [Simulation<SubnetSimulation>]
    /// Stream slices delivered from one subnet to another.
    public private(set) var slicesDelivered = 0
    /// Each subnet's next event time (`nil`: none pending), kept beside the subnets so that
    /// finding the next subnet to step reads a small array, not every subnet's queue.
    var nextTimes = NextEventTree(times: [])

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
        nextTimes = NextEventTree(times: subnets.map(\.scheduler.nextEventTime))
    }

    /// The current virtual time (the latest any subnet reached).
    public var now: SimInstant { subnets.map(\.now).max() ?? .zero }

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
        nextTimes.first?.time
    }

    /// Handles the earliest pending event of all subnets (ties: the lower subnet) if it is due
    /// by `time`, and sends the stream slices the step published; whether there was one.
    public mutating func step(notAfter time: SimInstant) -> Bool {
        guard let next = nextSubnet(notAfter: time) else { return false }
        let (now, nextTime, slices) = Self.step(&subnets[next])
        nextTimes.update(next, to: nextTime)
        guard !slices.isEmpty else { return true }
        let arrival = now + configuration.xnetDelay
        for slice in slices where subnets.indices.contains(slice.destination) {
            nextTimes.update(slice.destination, to: Self.schedule(.streamSlice(slice), at: arrival, on: &subnets[slice.destination]))
            slicesDelivered += 1
        }
        return true
    }

    /// Steps `subnet` (in place: reading its fields through `subnets[i]` would copy the whole
    /// simulation): its time after the step, its next event's time, and the stream slices the
    /// step published.
    static func step(_ subnet: inout Simulation<SubnetSimulation>) -> (now: SimInstant, next: SimInstant?, slices: [StreamSlice]) {
        subnet.step()
        return (subnet.now, subnet.scheduler.nextEventTime, subnet.model.takeOutbox())
    }

    /// Moves every subnet's clock to `time` (the end of a run), once no event is due before.
    public mutating func finish(at time: SimInstant) {
        for index in subnets.indices { _ = subnets[index].run(.until(time)) }
    }

    /// Schedules the arrival of ingress `message` at subnet `subnet`'s replicas at `time`
    /// (users reach it through ``call(_:toSubnet:at:)``).
    mutating func submit(_ message: IngressMessage, toSubnet subnet: Int, at time: SimInstant) {
        let index = subnets[subnet].model.enqueue(SubmittedIngress(at: time, message))
        nextTimes.update(subnet, to: Self.schedule(.submit(index: index), at: time, on: &subnets[subnet]))
    }

    /// Schedules `event` on `subnet` (in place); the subnet's next event time after.
    static func schedule(_ event: SubnetSimulation.Event, at time: SimInstant, on subnet: inout Simulation<SubnetSimulation>) -> SimInstant? {
        subnet.scheduler.schedule(event, at: time)
        return subnet.scheduler.nextEventTime
    }

    /// The subnet whose next event comes first, if one is due by `time`.
    func nextSubnet(notAfter time: SimInstant) -> Int? {
        guard let first = nextTimes.first, first.time <= time else { return nil }
        return first.subnet
    }

    /// The trace hash of the whole run: the subnets' trace hashes folded in subnet order
    /// (each subnet's trace holds the stream slices it received, so equal hashes mean equal
    /// runs).
    public var traceHash: String {
        var hash = TraceHash()
        for (index, subnet) in subnets.enumerated() {
            hash.fold(time: subnet.now, record: TraceRecord(kind: Self.subnetKind, actor: UInt32(index), payloadDigest: subnet.traceHash.value))
        }
        return hash.hexDigest
    }

    package static let subnetKind = EventKind(code: 200, name: "subnet trace")

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

/// The subnets' next event times as a tournament tree: each inner node holds the better of
/// its two children (the earlier time; on a tie, the lower subnet), so the root is the subnet
/// to step next, and changing one subnet's time costs log2(subnets) comparisons instead of a
/// scan of every subnet per event.
struct NextEventTree: Sendable {
    /// Each subnet's next event time (`nil`: none pending).
    private(set) var times: [SimInstant?]
    /// Leaves at `leafCount + subnet`, inner nodes above (index 1 is the root); each holds a
    /// subnet number, or -1 for none.
    private var tree: [Int32]
    private let leafCount: Int

    init(times: [SimInstant?]) {
        self.times = times
        var count = 1
        while count < max(times.count, 1) { count *= 2 }
        leafCount = count
        tree = Array(repeating: -1, count: 2 * count)
        for subnet in times.indices { tree[count + subnet] = Int32(subnet) }
        for node in stride(from: count - 1, through: 1, by: -1) { tree[node] = better(tree[2 * node], tree[2 * node + 1]) }
    }

    /// The subnet whose next event comes first, and when.
    var first: (subnet: Int, time: SimInstant)? {
        guard tree.count > 1, tree[1] >= 0, let time = times[Int(tree[1])] else { return nil }
        return (Int(tree[1]), time)
    }

    /// Subnet `subnet`'s next event is now at `time`.
    mutating func update(_ subnet: Int, to time: SimInstant?) {
        times[subnet] = time
        var node = (leafCount + subnet) / 2
        while node >= 1 {
            tree[node] = better(tree[2 * node], tree[2 * node + 1])
            node /= 2
        }
    }

    /// The subnet to step first of `a` and `b`.
    private func better(_ a: Int32, _ b: Int32) -> Int32 {
        guard a >= 0, let left = times[Int(a)] else { return b >= 0 && times[Int(b)] != nil ? b : -1 }
        guard b >= 0, let right = times[Int(b)] else { return a }
        return right < left ? b : a
    }
}
