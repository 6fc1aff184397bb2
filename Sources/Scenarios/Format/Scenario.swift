import SimCore
import Consensus
import ExecutionLayer
import InternetComputer

/// Everything a scenario file says: the subnets, their canisters, the clients that load them,
/// a timeline of faults, and the expectations that decide whether a run passed. Built in
/// Swift or loaded from JSON (``ScenarioLoader``), and written back out as JSON
/// (``json``); Docs/Scenarios.md documents every field and its default.
public struct Scenario: Hashable, Sendable {
    /// A short name, for reports.
    public var name: String
    /// What the scenario shows, for people.
    public var description = ""
    /// The root seed: every random stream of the run derives from it.
    public var seed: UInt64 = 1
    /// Virtual time to simulate.
    public var duration: SimDuration = .seconds(60)
    /// The subnets, each with a unique name; one 13-node application subnet by default.
    public var subnets: [ScenarioSubnet] = [ScenarioSubnet(name: "app")]
    /// From a height's certification on one subnet to its stream slice reaching another's
    /// replicas (``InternetComputerConfiguration/xnetDelay``).
    public var xnetDelay: SimDuration = .milliseconds(100)
    /// The canisters installed at genesis, each with a unique name.
    public var canisters: [ScenarioCanister] = []
    /// The clients that call canisters (the file's `workload`).
    public var clients: [ClientSpecification] = []
    /// Faults and Byzantine behaviours over time.
    public var faults: [ScenarioFault] = []
    /// What must hold at the end for the run to pass.
    public var expectations = Expectations()

    /// An empty scenario named `name`: one application subnet, no canisters, no load.
    public init(name: String) {
        self.name = name
    }

    /// The subnet named `name`, with its index.
    public func subnet(named name: String) -> (index: Int, subnet: ScenarioSubnet)? {
        subnets.firstIndex { $0.name == name }.map { ($0, subnets[$0]) }
    }

    /// The index of the subnet canister `canister` lives on (the first subnet if it names
    /// none, `nil` if it names one that does not exist).
    public func subnetIndex(of canister: ScenarioCanister) -> Int? {
        guard let name = canister.subnet else { return subnets.isEmpty ? nil : 0 }
        return subnet(named: name)?.index
    }
}

/// The kinds of subnet the IC runs, which set a subnet's default size, delays, instruction
/// limits and fees (Docs/Model.md, "Defaults", "Instruction limits" and "Cycles fees").
public enum SubnetKind: String, Hashable, Sendable, CaseIterable {
    /// An application subnet: 13 nodes, cycles charged.
    case application
    /// A verified application subnet: 13 nodes.
    case verifiedApplication
    /// A system subnet: 13 nodes, no cycles charged, the system instruction limits.
    case system
    /// The fiduciary subnet: 34 nodes.
    case fiduciary
    /// An SNS subnet: 34 nodes.
    case sns
    /// The Bitcoin subnet: 13 nodes.
    case bitcoin
    /// The NNS subnet: 40 nodes, a system subnet.
    case nns

    /// Nodes a subnet of this kind has on mainnet (code: rs/pocket_ic_server `subnet_size`).
    public var defaultNodeCount: Int {
        switch self {
        case .application, .verifiedApplication, .system, .bitcoin: 13
        case .fiduciary, .sns: 34
        case .nns: 40
        }
    }

    /// Whether it is a system subnet: no cycles charged, higher instruction limits.
    public var isSystem: Bool { self == .system || self == .nns }
}

/// A subnet of a scenario. Every unset parameter keeps the IC's default for its kind.
public struct ScenarioSubnet: Hashable, Sendable {
    // 21 stored properties: one per field of a subnet in the scenario format (Docs/Scenarios.md).
    /// Its unique name (faults and canisters refer to it).
    public var name: String
    /// Its kind.
    public var kind: SubnetKind = .application
    /// Its node count (`nil`: the kind's, ``SubnetKind/defaultNodeCount``).
    public var nodes: Int?
    /// How its nodes are placed on the network.
    public var network: ScenarioNetwork = .cloudRegions(nil)
    /// The block-maker delay unit (`nil`: 1 s, 3 s above 13 nodes).
    public var unitDelay: SimDuration?
    /// The notary delay of a rank-0 block (`nil`: 300 ms).
    public var initialNotaryDelay: SimDuration?
    /// Most ingress messages in a block (`nil`: 1,000).
    public var payloadItemsMax: Int?
    /// Most payload bytes in a block (`nil`: 4 MiB).
    public var payloadBytesMax: Int?
    /// Each node's upload bandwidth, bits per second, 0 for unlimited (`nil`: 300 Mbit/s).
    public var uploadBitsPerSecond: Int64?
    /// Instructions a long message runs before it pauses until the next round (deterministic
    /// time slicing; `nil`: 2 billion).
    public var sliceInstructions: UInt64?
    /// Instructions each of the 4 execution cores runs in a round (`nil`: 7 billion, on every
    /// kind of subnet).
    public var roundInstructions: UInt64?
    /// Heights between checkpoints (`nil`: 500).
    public var checkpointIntervalHeights: UInt64?
    /// How long an ingress message lives at most (`nil`: 5 minutes).
    public var ingressTimeToLive: SimDuration?
    /// Most bytes of written pages one canister's heap, and its stable memory, may each hold
    /// in the simulator (`nil`: 1 GiB, ``ExecutionLimits/memoryBytesHeld``). Not an IC limit:
    /// the host's memory is finite; a message that writes more traps.
    public var canisterMemoryHeldMax: UInt64?
    /// The limits on update calls before the ingress pool (`nil`: the IC's,
    /// ``IngressAdmissionConfiguration``).
    public var ingressAdmission: IngressAdmissionConfiguration?
    /// What its replicas' processors spend on consensus work, and their rhythm (`nil`: the
    /// IC's, ``ProcessingConfiguration/internetComputer``).
    public var processing: ScenarioProcessing?
    /// How its P2P layer spreads ingress and blocks (`nil`: the IC's,
    /// ``DisseminationConfiguration/internetComputer``).
    public var dissemination: ScenarioDissemination?
    /// Whether every replica executes every height on its own state and compares digests.
    public var executesOnEveryReplica = false
    /// Whether more than f Byzantine nodes are allowed (an explicit opt-in).
    public var allowsMoreThanFByzantine = false
    /// Its replicas' query service: threads, the HTTP handler's bound, the query cache (the
    /// IC's defaults unless the scenario's `queries` sets them).
    public var queries = QueryServiceConfiguration()
    /// Where its boundary node is (`nil`: the default, ``ScenarioBoundaryNode``).
    public var boundaryNode: ScenarioBoundaryNode?

    /// An application subnet named `name` with the IC's defaults.
    public init(name: String, kind: SubnetKind = .application, nodes: Int? = nil) {
        self.name = name
        self.kind = kind
        self.nodes = nodes
    }

    /// The node count: the one set, or the kind's default.
    public var nodeCount: Int { nodes ?? kind.defaultNodeCount }
}

/// Where a subnet's nodes are and how long messages between them take.
public enum ScenarioNetwork: Hashable, Sendable {
    /// The built-in six cloud regions (``LatencyMatrix/cloudRegions``), or the named subset
    /// of them; nodes are placed round-robin over the regions.
    case cloudRegions([String]?)
    /// The IC's twelve data centres (``LatencyMatrix/icDataCentres``), or the named subset of
    /// them. All twelve (`nil`): one node per data centre in
    /// ``LatencyMatrix/icDataCentreSpreadOrder``, starting at the subnet's index in the
    /// scenario (so subnets start at different data centres), round-robin beyond twelve. A
    /// subset: round-robin over the names in the order given, from the first.
    case icDataCentres([String]?)
    /// An explicit matrix of one-way delays between named regions, and each node's region
    /// (`nil`: round-robin).
    case matrix(regions: [String], oneWay: [[SimDuration]], placement: [Int]?)
}

/// Where a canister's WebAssembly module comes from.
public enum WasmSource: Hashable, Sendable {
    /// A file, its path relative to the scenario file's directory (or absolute).
    case file(String)
    /// A module built into ICSim, by name (``BuiltinCanisters``).
    case builtin(String)
    /// The module's bytes (written out as hexadecimal).
    case bytes([UInt8])
}

/// A canister of a scenario, installed at genesis on its subnet.
public struct ScenarioCanister: Hashable, Sendable {
    /// Its unique name (clients refer to it).
    public var name: String
    /// Its module.
    public var wasm: WasmSource
    /// Its subnet's name (`nil`: the first subnet).
    public var subnet: String?
    /// The argument of its `canister_init`: bytes, or Candid text (``CandidBridge``).
    public var initArgument: CallArgument = .bytes([])
    /// Its controllers (`nil`: one simulated user, as without the key); the first installs
    /// it, and is the caller its `canister_init` sees.
    public var controllers: [Principal]?
    /// The path of its Candid interface (`.did`) file, relative to the scenario file's
    /// directory (or absolute); `nil`: the module's `candid:service` section, if any.
    public var did: String?
    /// Its environment variables (a canister setting, read with `ic0.env_var_*`): none by
    /// default; at most 20, names and values of at most 128 bytes.
    public var environmentVariables = EnvironmentVariables()
    /// Its cycles balance at genesis: 10^15 by default (an assumption: plenty for a run).
    public var cycles: UInt64 = 1_000_000_000_000_000
    /// Its compute allocation in percent (0-100).
    public var computeAllocationPercent = 0

    /// Canister `name` running `wasm`.
    public init(name: String, wasm: WasmSource, subnet: String? = nil) {
        self.name = name
        self.wasm = wasm
        self.subnet = subnet
    }
}

/// What a call's argument is, call after call.
public enum ArgumentGenerator: Hashable, Sendable {
    /// The same bytes every time.
    case fixed([UInt8])
    /// `prefix`, then the client's call number (0, 1, 2, ...; modulo `modulo` when set) as 8
    /// little-endian bytes.
    case sequence(prefix: [UInt8], modulo: UInt64?)
    /// `prefix`, then `bytes` bytes from the client's random stream.
    case random(prefix: [UInt8], bytes: Int)
    /// The same bytes every time: this Candid text, encoded before the run (``CandidBridge``).
    case candid(String)
}

/// How a client's calls arrive.
public enum ClientLoad: Hashable, Sendable {
    /// Open loop: calls arrive at `ratePerSecond` whatever happens to earlier ones, evenly
    /// spaced or as a Poisson process.
    case openLoop(ratePerSecond: Double, poisson: Bool)
    /// Closed loop: `users` users, each waiting for its call's answer and then `thinkTime`
    /// before its next call.
    case closedLoop(users: Int, thinkTime: SimDuration)
    /// One scripted user making these calls in order, each once the previous one was
    /// answered (replied, rejected or expired).
    case scripted([CallStep])
}

/// Whether a client's calls are update calls (through consensus, answered through certified
/// state) or queries (answered by one replica).
public enum CallKind: String, Hashable, Sendable, CaseIterable {
    /// Ingress update calls.
    case update
    /// Queries.
    case query
}

/// A client of a scenario: who calls which method of which canister, how often, and when.
/// A scripted client (``ClientLoad/scripted(_:)``) takes its calls, methods and arguments
/// from its steps; its `canister` is the steps' default target (empty when every step names
/// its own), and its `call`, `method` and `argument` are unused.
public struct ClientSpecification: Hashable, Sendable {
    /// Its unique name (reports and expectations refer to it).
    public var name: String
    /// Update calls or queries.
    public var call: CallKind
    /// The target canister's name.
    public var canister: String
    /// The method called.
    public var method: String
    /// Who its users are (`nil`: one simulated user principal per user, as without the key).
    public var caller: Principal?
    /// The argument of each call.
    public var argument: ArgumentGenerator = .fixed([])
    /// How calls arrive.
    public var load: ClientLoad
    /// When the client starts calling (virtual time).
    public var from: SimDuration = .zero
    /// When it stops starting new calls (`nil`: the end of the run).
    public var until: SimDuration?
    /// One-way delay from the client to the boundary node (to a replica, for a client that
    /// bypasses it): 40 ms by default (an assumption; see Docs/Model.md).
    public var networkDelay: SimDuration = .milliseconds(40)
    /// Extra delay of each message between the client and the boundary node (or replica),
    /// uniform from zero up to this: 10 ms by default (an assumption).
    public var networkJitter: SimDuration = .milliseconds(10)
    /// Where its requests enter the IC: through the subnet's boundary node by default.
    public var entry: ClientEntry = .boundaryNode
    /// How long after submitting an update call the client first asks a replica for the
    /// call's certified status (`read_state`), when it polls: 500 ms, ic-agent's initial
    /// polling interval; each wait after is 1.4 times the last, at most 1 s (or this, if
    /// longer).
    public var pollInterval: SimDuration = .milliseconds(500)
    /// How its agent makes update calls: the synchronous (v3) call by default.
    public var agent: AgentCallMode = .synchronous
    /// How long a replica holds a synchronous call's connection waiting for the certified
    /// answer before it answers 202 and the agent polls: 10 s, the replica's
    /// `ingress_message_certificate_timeout_seconds`.
    public var syncCallTimeout: SimDuration = .seconds(10)

    /// A client called `name` making `call`s to `method` of `canister` with `load`.
    public init(name: String, call: CallKind, canister: String, method: String, load: ClientLoad) {
        self.name = name
        self.call = call
        self.canister = canister
        self.method = method
        self.load = load
    }

    /// A scripted client called `name` making `steps`, on `canister` unless a step names its
    /// own.
    public init(name: String, canister: String? = nil, steps: [CallStep]) {
        self.init(name: name, call: .update, canister: canister ?? "", method: "", load: .scripted(steps))
    }

    /// Its steps, if it is a scripted client.
    public var steps: [CallStep]? {
        if case .scripted(let steps) = load { return steps }
        return nil
    }
}

/// A fault of a scenario's timeline: what happens on which subnet, from `at` until `until`.
public struct ScenarioFault: Hashable, Sendable {
    /// What happens.
    public enum Kind: Hashable, Sendable {
        /// The nodes crash, and restart from what they persisted at `until`.
        case crash(nodes: [Int])
        /// The nodes freeze, and resume at `until`.
        case pause(nodes: [Int])
        /// The nodes' clocks run at numerator / denominator of real time.
        case clockDrift(nodes: [Int], numerator: Int, denominator: Int)
        /// Each message is lost with this probability.
        case loss(Probability)
        /// The nodes are cut off from the others, both ways.
        case partition(nodes: [Int])
        /// Messages between different groups are lost.
        case split(groups: [[Int]])
        /// Messages from `from` to `to` are lost (the other way works).
        case oneWay(from: [Int], to: [Int])
        /// Each message takes this much longer.
        case extraDelay(SimDuration)
        /// Each message is delivered twice with this probability.
        case duplication(Probability)
        /// Each message takes a random extra delay below this bound.
        case reordering(SimDuration)
        /// The nodes deviate from the protocol by `behaviors`.
        case byzantine(nodes: [Int], behaviors: [ByzantineBehavior])
    }

    /// What happens.
    public var kind: Kind
    /// The subnet's name (`nil`: the first subnet).
    public var subnet: String?
    /// When it starts.
    public var at: SimDuration = .zero
    /// When it ends (`nil`: never, within the run).
    public var until: SimDuration?

    /// A fault of `kind` on `subnet` from `at` until `until`.
    public init(_ kind: Kind, subnet: String? = nil, at: SimDuration = .zero, until: SimDuration? = nil) {
        self.kind = kind
        self.subnet = subnet
        self.at = at
        self.until = until
    }

    /// The nodes it names (empty for faults of the whole network).
    public var nodes: [Int] {
        switch kind {
        case .crash(let nodes), .pause(let nodes), .clockDrift(let nodes, _, _), .partition(let nodes), .byzantine(let nodes, _): nodes
        case .split(let groups): groups.flatMap { $0 }
        case .oneWay(let from, let to): from + to
        case .loss, .extraDelay, .duplication, .reordering: []
        }
    }

    /// Its name in scenario files.
    public var kindName: String {
        switch kind {
        case .crash: "crash"
        case .pause: "pause"
        case .clockDrift: "clockDrift"
        case .loss: "loss"
        case .partition: "partition"
        case .split: "split"
        case .oneWay: "oneWay"
        case .extraDelay: "extraDelay"
        case .duplication: "duplication"
        case .reordering: "reordering"
        case .byzantine: "byzantine"
        }
    }
}

/// What must hold at the end of a run; each that fails makes the run fail (exit code 1).
public struct Expectations: Hashable, Sendable {
    /// Whether every subnet stays safe (no two blocks finalized at one height): `true` by
    /// default; `false` expects a violation (a scenario that shows what breaks beyond f).
    public var safety = true
    /// Whether every honest node finalizes again within the liveness bound after the last
    /// fault ends (``LivenessChecker``).
    public var liveness = true
    /// Whether every call ends replied or rejected by the end of the run (none expired, none
    /// still waiting).
    public var allCallsAnswered = false
    /// Bounds on latency quantiles.
    public var latency: [LatencyBound] = []
    /// Lower bounds on throughput.
    public var throughput: [ThroughputBound] = []
    /// Bounds on subnets' block rates (finalized heights per second).
    public var blockRate: [BlockRateBound] = []

    /// The defaults: safety and liveness.
    public init() {}
}

/// Where a client's requests enter the IC (Docs/Model.md, "Clients").
public enum ClientEntry: String, Hashable, Sendable, CaseIterable {
    /// Through the subnet's boundary node, which picks the replica (and retries queries and
    /// `read_state` elsewhere).
    case boundaryNode
    /// Straight to the subnet's replicas in turn (the next one up), as DFINITY's load
    /// generator drives one agent per node (rs/tests/consensus/utils/src/performance.rs):
    /// for benchmarks; no boundary node, no retry.
    case roundRobin
}

/// How an agent makes update calls (Docs/Model.md, "Clients").
public enum AgentCallMode: String, Hashable, Sendable, CaseIterable {
    /// The synchronous call (`/api/v3/canister/.../call`): the replica answers on the call's
    /// own connection once the answer is certified there, or with 202 after its timeout, and
    /// the agent then polls.
    case synchronous = "v3"
    /// The asynchronous call (`/api/v2/canister/.../call`): 202 at once, then `read_state`
    /// polls with backoff.
    case polling = "v2"
}

/// Which calls a bound is about: a client's, or all calls of a kind.
public enum CallSelector: Hashable, Sendable, CustomStringConvertible {
    /// One client's calls, by its name.
    case client(String)
    /// All update calls or all queries.
    case kind(CallKind)

    public var description: String {
        switch self {
        case .client(let name): "client \"\(name)\""
        case .kind(let kind): "all \(kind.rawValue) calls"
        }
    }
}

/// An upper bound on a latency quantile of answered calls, and optionally a lower one (a
/// calibration's range).
public struct LatencyBound: Hashable, Sendable {
    /// Which calls.
    public var calls: CallSelector
    /// The quantile in per mille (500: the median, 990: p99, 999: p99.9, 1000: the maximum).
    public var perMille: Int
    /// The upper bound.
    public var maximum: SimDuration
    /// The lower bound, if any.
    public var minimum: SimDuration?

    /// Quantile `perMille`/1000 of `calls` must be at most `maximum` (and at least `minimum`).
    public init(calls: CallSelector, perMille: Int, maximum: SimDuration, minimum: SimDuration? = nil) {
        self.calls = calls
        self.perMille = perMille
        self.maximum = maximum
        self.minimum = minimum
    }
}

/// Bounds on a subnet's block rate: the height every honest node finalized, per second of
/// the run.
public struct BlockRateBound: Hashable, Sendable {
    /// The subnet's name.
    public var subnet: String
    /// The least blocks per second.
    public var minimumPerSecond: Double
    /// The most blocks per second (`nil`: no upper bound).
    public var maximumPerSecond: Double?

    /// Subnet `subnet` must finalize at `minimumPerSecond` or more, and at `maximumPerSecond`
    /// or less when it is set.
    public init(subnet: String, minimumPerSecond: Double, maximumPerSecond: Double? = nil) {
        self.subnet = subnet
        self.minimumPerSecond = minimumPerSecond
        self.maximumPerSecond = maximumPerSecond
    }
}

/// A lower bound, and optionally an upper one, on the rate of replied calls over the
/// clients' active window.
public struct ThroughputBound: Hashable, Sendable {
    /// Which calls.
    public var calls: CallSelector
    /// The least replied calls per second.
    public var minimumPerSecond: Double
    /// The most replied calls per second (`nil`: no upper bound), for a measurement that must
    /// land in a range (a calibration).
    public var maximumPerSecond: Double?

    /// `calls` must be replied at `minimumPerSecond` or more, and at `maximumPerSecond` or
    /// less when it is set.
    public init(calls: CallSelector, minimumPerSecond: Double, maximumPerSecond: Double? = nil) {
        self.calls = calls
        self.minimumPerSecond = minimumPerSecond
        self.maximumPerSecond = maximumPerSecond
    }
}
