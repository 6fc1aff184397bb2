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
    /// What each replica's artifact processors spend on consensus and certification work,
    /// and their rhythm (Docs/Model.md, "Replica processing").
    public var processing = ProcessingConfiguration.internetComputer
    /// How its P2P layer spreads ingress and blocks (Docs/Model.md, "Dissemination").
    public var dissemination = DisseminationConfiguration.internetComputer
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
    /// expiry itself: 5 minutes, the IC's maximum (Docs/Model.md, "Ingress expiry"). A block
    /// whose time is later does not induct it, and a call not answered (and certified) by
    /// then ends expired for its user.
    public var ingressTimeToLive: SimDuration = .seconds(300)
    /// The limits on update calls before they reach the ingress pool: the boundary node's rate
    /// limit, each replica's HTTP handler's concurrency and ingress pool's size (the IC's by
    /// default; ``IngressAdmissionConfiguration``).
    public var ingressAdmission = IngressAdmissionConfiguration()
    /// The canisters users query: the subnet keeps their states at the heights replicas have
    /// certified recently, so that a query runs against the state the replica it reaches has
    /// certified (``QuerySnapshots``; the HTTP interface's `query`). Empty by default.
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
        var problems = consensus.problems() + network.problems(nodeCount: consensus.nodeCount) + processing.problems() + dissemination.problems()
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
        problems += ingressAdmission.problems().map { "ingressAdmission.\($0)" }
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
        // The IDs seen, in an ``ItemPositions`` (IDs come nearly in order: mostly array reads,
        // where a `Set` hashed each of a benchmark's 600,000 with SipHash); fields read in
        // place (a copy of each submission retained its message's storage).
        var messages = ItemPositions()
        for index in ingress.indices {
            let at = ingress[index].at, expiryNanos = ingress[index].message.expiryNanos, id = ingress[index].message.id
            if at < .zero { problems.append("ingress[\(index)].at: before time zero") }
            let latest = SubnetExecution.timeNanos(at + ingressTimeToLive)
            if expiryNanos != .max, expiryNanos > latest {
                problems.append("ingress[\(index)].message.expiryNanos: \(expiryNanos) is more than ingressTimeToLive "
                    + "(\(ingressTimeToLive)) after its submission (at most \(latest))")
            }
            if id >= StreamPublication.firstSliceID {
                problems.append("ingress[\(index)].message.id: \(id) is too large (message IDs are below 2^63)")
            }
            if messages.place(of: id) != nil {
                problems.append("ingress[\(index)].message.id: message \(id) is submitted twice")
            } else {
                messages.updateValue(index, forKey: id)
            }
        }
        return problems
    }
}

/// How replicas checkpoint their state, and what restarting and state sync cost.
public struct CheckpointConfiguration: Hashable, Sendable {
    /// Heights between checkpoints: 500 (Docs/Model.md, "Checkpoints, state sync": the DKG interval).
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
