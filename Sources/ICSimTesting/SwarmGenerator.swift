import ICSim

/// What a swarm run may vary.
public struct SwarmOptions: Hashable, Sendable {
    /// Nodes per subnet; `nil` draws 4, 7 or 13 for each run.
    public var nodes: Int?
    /// The longest fault phase; each run draws its own, from a fifth of this up to it.
    public var faultPhaseMax: SimDuration = .seconds(90)
    /// Time given after the liveness bound has passed (the bound itself is computed per run
    /// from the subnet's parameters, so the convergence phase always covers it).
    public var convergenceSlack: SimDuration = .seconds(5)

    /// Defaults: random subnet sizes, fault phases of up to 90 virtual seconds.
    public init(nodes: Int? = nil) {
        self.nodes = nodes
    }
}

/// Swarm testing (Groce et al., ISSTA 2012): each seed makes a random scenario in which a
/// random subset of the fault kinds is enabled at all, so that runs differ in what they
/// combine rather than each run mixing everything thinly. A run has two phases: faults (each
/// fault starts and ends inside the fault phase; at most f nodes per subnet are ever
/// Byzantine, crashed or paused), then convergence with every fault healed, long enough for
/// the liveness check to judge every honest node. The scenario expects safety and liveness;
/// the nothing-lost check always runs. Everything is drawn from the seed's own stream, so a
/// seed names its scenario on every machine.
public enum SwarmGenerator {
    /// The fault kinds a run may enable.
    public static let faultKinds = ["crash", "pause", "byzantine", "clockDrift", "loss", "partition", "split", "oneWay",
                                    "extraDelay", "duplication", "reordering"]

    /// The scenario of `seed`.
    public static func scenario(seed: UInt64, options: SwarmOptions = SwarmOptions()) -> Scenario {
        var draw = SwarmDraw(random: RandomSeed(seed).stream("swarm"))
        var scenario = Scenario(name: "swarm-\(seed)")
        scenario.seed = seed
        let subnetCount = draw.chance(1, in: 4) ? 2 : 1
        scenario.subnets = (0..<subnetCount).map { index in draw.subnet(index: index, nodes: options.nodes) }
        (scenario.canisters, scenario.clients) = draw.workload(subnets: scenario.subnets)
        let faultPhase = draw.duration(from: options.faultPhaseMax / 5, to: options.faultPhaseMax)
        let enabled = faultKinds.filter { _ in draw.chance(1, in: 2) }
        scenario.faults = draw.faults(enabled, subnets: scenario.subnets, phase: faultPhase)
        scenario.duration = faultPhase + convergence(scenario, slack: options.convergenceSlack)
        scenario.description = "swarm seed \(seed): faults until \(faultPhase), then convergence; enabled: "
            + (enabled.isEmpty ? "no faults" : enabled.joined(separator: ", "))
        return scenario
    }

    /// The longest liveness bound among the scenario's subnets, plus `slack`.
    static func convergence(_ scenario: Scenario, slack: SimDuration) -> SimDuration {
        guard let modules = try? scenario.modules(readFile: { _ in nil }) else { return .seconds(60) }
        let configuration = scenario.configuration(modules: modules)
        let bound = configuration.subnets.map { LivenessChecker(configuration: $0).bound }.max() ?? .zero
        let millis = (bound + slack).nanoseconds / 1_000_000 + 1
        return .milliseconds(millis)
    }
}

/// The draws a swarm scenario is made of.
struct SwarmDraw {
    var random: RandomStream

    mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        random.int(in: 0..<denominator) < numerator
    }

    mutating func pick<T>(_ options: [T]) -> T {
        options[random.int(in: 0..<options.count)]
    }

    /// A duration in `low...high`, in whole milliseconds.
    mutating func duration(from low: SimDuration, to high: SimDuration) -> SimDuration {
        let lowMillis = Int(low.nanoseconds / 1_000_000), highMillis = Int(high.nanoseconds / 1_000_000)
        return .milliseconds(Int64(random.int(in: lowMillis...max(lowMillis, highMillis))))
    }

    mutating func subnet(index: Int, nodes: Int?) -> ScenarioSubnet {
        var subnet = ScenarioSubnet(name: index == 0 ? "app" : "app\(index + 1)")
        subnet.nodes = nodes ?? pick([4, 7, 13])
        subnet.unitDelay = pick([nil, .milliseconds(300), .milliseconds(600), .seconds(2)])
        subnet.initialNotaryDelay = pick([nil, .milliseconds(100), .milliseconds(800)])
        subnet.payloadItemsMax = pick([nil, 5, 100])
        subnet.checkpointIntervalHeights = pick([nil, 20, 100])
        subnet.ingressTimeToLive = pick([nil, .seconds(30), .seconds(120)])
        let regions = LatencyMatrix.cloudRegions.regions
        subnet.network = .cloudRegions(chance(1, in: 2) ? nil : random.sample(random.int(in: 1...regions.count), of: regions))
        subnet.executesOnEveryReplica = chance(1, in: 8)
        return subnet
    }

    /// A counter on the first subnet with updates and queries; with two subnets, a caller on
    /// the second that increments the counter across subnets.
    mutating func workload(subnets: [ScenarioSubnet]) -> ([ScenarioCanister], [ClientSpecification]) {
        var canisters = [ScenarioCanister(name: "counter", wasm: .builtin("counter"))]
        canisters[0].subnet = subnets[0].name
        var clients: [ClientSpecification] = []
        let updates: ClientLoad = chance(2, in: 3) ? .openLoop(ratePerSecond: Double(random.int(in: 1...40)), poisson: chance(1, in: 2))
            : .closedLoop(users: random.int(in: 1...5), thinkTime: duration(from: .milliseconds(10), to: .seconds(1)))
        clients.append(client("updates", .update, "counter", "inc", updates))
        if chance(2, in: 3) {
            let users = ClientLoad.closedLoop(users: random.int(in: 1...10), thinkTime: duration(from: .milliseconds(50), to: .seconds(1)))
            clients.append(client("reads", .query, "counter", "get", users))
        }
        if subnets.count > 1 {
            var caller = ScenarioCanister(name: "caller", wasm: .builtin("caller"))
            caller.subnet = subnets[1].name
            canisters.append(caller)
            let principal = Scenario.canisterID(0).principal.bytes
            var remote = client("remote", .update, "caller", "call", .openLoop(ratePerSecond: Double(random.int(in: 1...10)), poisson: true))
            remote.argument = .fixed([UInt8(principal.count)] + principal + Array("inc".utf8))
            clients.append(remote)
        }
        return (canisters, clients)
    }

    mutating func client(_ name: String, _ call: CallKind, _ canister: String, _ method: String, _ load: ClientLoad) -> ClientSpecification {
        var client = ClientSpecification(name: name, call: call, canister: canister, method: method, load: load)
        client.from = duration(from: .zero, to: .seconds(5))
        return client
    }

    /// Up to six faults of the enabled kinds, each inside `phase`. Crashes, pauses and
    /// Byzantine behaviour fall on a set of at most f nodes per subnet drawn first.
    mutating func faults(_ kinds: [String], subnets: [ScenarioSubnet], phase: SimDuration) -> [ScenarioFault] {
        guard !kinds.isEmpty else { return [] }
        let faulty = subnets.map { subnet in
            random.sample(random.int(in: 0...((subnet.nodeCount - 1) / 3)), from: subnet.nodeCount).sorted()
        }
        var byzantine = subnets.map { _ in [Int]() }
        var drifting = subnets.map { _ in [Int]() }
        var faults: [ScenarioFault] = []
        for _ in 0..<random.int(in: 1...6) {
            let subnetIndex = random.int(in: 0..<subnets.count)
            let nodeCount = subnets[subnetIndex].nodeCount
            let kind: ScenarioFault.Kind?
            switch pick(kinds) {
            case "crash": kind = someOf(faulty[subnetIndex]).map { .crash(nodes: $0) }
            case "pause": kind = someOf(faulty[subnetIndex]).map { .pause(nodes: $0) }
            case "byzantine":
                let candidates = faulty[subnetIndex].filter { !byzantine[subnetIndex].contains($0) }
                guard let node = candidates.isEmpty ? nil : pick(candidates) else { continue }
                byzantine[subnetIndex].append(node)
                kind = .byzantine(nodes: [node], behaviors: behaviors(node: node, nodeCount: nodeCount))
            case "clockDrift":
                let steady = (0..<nodeCount).filter { !drifting[subnetIndex].contains($0) }
                let (numerator, denominator) = pick([(1, 2), (9, 10), (11, 10), (3, 2), (2, 1)])
                let nodes = someOf(steady)
                kind = nodes.map { .clockDrift(nodes: $0, numerator: numerator, denominator: denominator) }
                drifting[subnetIndex] += nodes ?? []
            case let name: kind = networkFault(name, nodeCount: nodeCount)
            }
            guard let kind else { continue }
            faults.append(timed(kind, subnet: subnets[subnetIndex].name, phase: phase))
        }
        return faults
    }

    /// `kind` from a random time in the fault phase to a later one in it; twins, which the
    /// model runs for a whole run only, from start to end (a Byzantine node is not judged for
    /// liveness, and the others must stay live beside it).
    mutating func timed(_ kind: ScenarioFault.Kind, subnet: String, phase: SimDuration) -> ScenarioFault {
        if case .byzantine(_, let behaviors) = kind, behaviors.contains(where: { if case .twins = $0 { true } else { false } }) {
            return ScenarioFault(kind, subnet: subnet)
        }
        let at = duration(from: .zero, to: phase - .seconds(1))
        return ScenarioFault(kind, subnet: subnet, at: at, until: duration(from: at + .milliseconds(500), to: phase))
    }

    /// A fault of the network, by kind name.
    mutating func networkFault(_ name: String, nodeCount: Int) -> ScenarioFault.Kind {
        let nodes = Array(0..<nodeCount)
        switch name {
        case "loss": return .loss(percent(1...30))
        case "partition": return .partition(nodes: random.sample(random.int(in: 1...max(1, nodeCount - 1)), of: nodes).sorted())
        case "split":
            var shuffled = nodes
            random.shuffle(&shuffled)
            let cut = random.int(in: 1...max(1, nodeCount - 1))
            return .split(groups: [Array(shuffled[..<cut]).sorted(), Array(shuffled[cut...]).sorted()])
        case "oneWay":
            let from = random.sample(random.int(in: 1...nodeCount), of: nodes).sorted()
            return .oneWay(from: from, to: random.sample(random.int(in: 1...nodeCount), of: nodes).sorted())
        case "extraDelay": return .extraDelay(duration(from: .milliseconds(10), to: .seconds(2)))
        case "duplication": return .duplication(percent(1...20))
        default: return .reordering(duration(from: .milliseconds(1), to: .milliseconds(500)))
        }
    }

    /// One or two Byzantine behaviours for `node`.
    mutating func behaviors(node: Int, nodeCount: Int) -> [ByzantineBehavior] {
        let peers = (0..<nodeCount).filter { $0 != node }
        var chosen: [ByzantineBehavior] = []
        for _ in 0..<random.int(in: 1...2) {
            let half = random.sample(peers.count / 2, of: peers).sorted()
            let behavior: ByzantineBehavior = switch random.int(in: 0..<10) {
            case 0: .silent
            case 1: .withholdShares
            case 2: .withholdProposals
            case 3: .equivocatingMaker(groups: [])
            case 4: .doubleSigner
            case 5: .delayer(duration(from: .milliseconds(100), to: .seconds(3)))
            case 6: .invalidProposer
            case 7: .selective(half)
            case 8: .withholdAdverts
            default: .twins(groups: [half, peers.filter { !half.contains($0) }])
            }
            if !chosen.contains(behavior) { chosen.append(behavior) }
        }
        return chosen
    }

    /// A non-empty random subset of `nodes` (sorted), or `nil` if `nodes` is empty.
    mutating func someOf(_ nodes: [Int]) -> [Int]? {
        nodes.isEmpty ? nil : random.sample(random.int(in: 1...nodes.count), of: nodes).sorted()
    }

    mutating func percent(_ range: ClosedRange<Int>) -> Probability {
        (try? Probability(numerator: UInt64(random.int(in: range)), denominator: 100)) ?? .never
    }
}
