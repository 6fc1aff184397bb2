import Foundation
import Testing
import ICSim
@testable import InternetComputer
@testable import Scenarios
@testable import ScenarioReports
import ICSimTestSupport

/// Many seeds per case: for each kind of Byzantine behaviour (and a mix), every seed draws
/// which f nodes deviate and a fault schedule (loss, partitions and splits that heal, one-way
/// cuts, extra delay, duplication, reordering, an honest node crashing, another pausing, a
/// third with a drifting clock). Whatever the draw, honest nodes never finalize different
/// blocks at a height, and every honest node finalizes again within the liveness bound once
/// the faults end.
@Suite("Seed sweeps")
struct SeedSweepTests {
    /// The deviation every Byzantine node of a run follows (`mixed`: one drawn per node).
    enum Case: String, CaseIterable, Sendable {
        case silent, withholdShares, withholdProposals, equivocatingMaker, doubleSigner, delayer
        case invalidProposer, selective, withholdAdverts, twins, mixed
    }

    /// 7 nodes and seeds 1 to 8; long sweeps by hand set `ICSIM_SWEEP_NODES` (4 or more) and
    /// `ICSIM_SWEEP_SEEDS`: `ICSIM_SWEEP_SEEDS=500 swift test -c release --filter SeedSweep`.
    static let nodeCount = max(4, setting("ICSIM_SWEEP_NODES") ?? 7)
    static let seedsPerCase: [UInt64] = Array(1...UInt64(max(1, setting("ICSIM_SWEEP_SEEDS") ?? 8)))

    static func setting(_ name: String) -> Int? {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) }
    }

    @Test(arguments: Case.allCases)
    func safeAndLiveOverManySeeds(kind: Case) throws {
        for seed in Self.seedsPerCase {
            let configuration = try Self.configuration(kind, seed: seed)
            #expect(configuration.problems().isEmpty, "seed \(seed): \(configuration.problems())")
            var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
            simulation.model.start(&simulation.scheduler)
            let end = simulation.model.liveness.faultsEnd + simulation.model.liveness.bound + .seconds(1)
            _ = simulation.run(.until(end))
            let model = simulation.model
            let description = Self.describe(configuration)
            #expect(model.safety.violation == nil, "\(kind) seed \(seed): \(String(describing: model.safety.violation)); \(description)")
            let stalled = model.liveness.stalledNodes(at: end).filter { model.replicas[$0].isHonest }
            #expect(stalled.isEmpty, "\(kind) seed \(seed): honest nodes \(stalled) stalled; \(description)")
        }
    }

    /// Runs that found bugs in longer sweeps, kept: 13 nodes, four silent, seed 43 (an honest
    /// node that finalized a height from shares while crashed had missed its beacon, and the
    /// pruned beacon table left it unable to accept later beacons: every honest node stalled);
    /// 7 nodes, equivocating makers, seed 6 (catch-up answers now carry every valid block, so
    /// all learn that the leader equivocated).
    @Test(arguments: [(Case.silent, 43 as UInt64, 13), (.equivocatingMaker, 6, 7)])
    func runsThatFoundBugs(kind: Case, seed: UInt64, nodeCount: Int) throws {
        var simulation = Simulation(model: SubnetSimulation(configuration: try Self.configuration(kind, seed: seed, nodeCount: nodeCount)))
        simulation.model.start(&simulation.scheduler)
        let end = simulation.model.liveness.faultsEnd + simulation.model.liveness.bound + .seconds(1)
        _ = simulation.run(.until(end))
        #expect(simulation.model.safety.violation == nil)
        #expect(simulation.model.liveness.stalledNodes(at: end).filter { simulation.model.replicas[$0].isHonest }.isEmpty)
    }

    /// The run `seed` draws for `kind`.
    static func configuration(_ kind: Case, seed: UInt64, nodeCount: Int = nodeCount) throws -> SubnetConfiguration {
        var configuration = SubnetConfiguration(nodeCount: nodeCount, seed: seed)
        var draw = RandomSeed(seed).stream("seed sweep \(kind.rawValue)")
        var nodes = Array(0..<nodeCount)
        draw.shuffle(&nodes)
        let faulty = Array(nodes.prefix(configuration.consensus.faultsTolerated))
        let honest = Array(nodes.dropFirst(faulty.count))
        configuration.byzantine = faulty.map { node in
            ByzantineAssignment(node: node, behaviors: [behavior(kind, node: node, nodeCount: nodeCount, &draw)])
        }
        configuration.network.faults = try networkFaults(nodeCount: nodeCount, &draw)
        configuration.nodeFaults = nodeFaults(honest: honest, &draw)
        return configuration
    }

    static func behavior(_ kind: Case, node: Int, nodeCount: Int, _ draw: inout RandomStream) -> ByzantineBehavior {
        let others = (0..<nodeCount).filter { $0 != node }
        let half = draw.sample(others.count / 2, of: others)
        let rest = others.filter { !half.contains($0) }
        switch kind {
        case .silent: return .silent
        case .withholdShares: return .withholdShares
        case .withholdProposals: return .withholdProposals
        case .equivocatingMaker: return .equivocatingMaker(groups: [half, rest])
        case .doubleSigner: return .doubleSigner
        case .delayer: return .delayer(.milliseconds(Int64(draw.int(in: 100...3_000))))
        case .invalidProposer: return .invalidProposer
        case .selective: return .selective(half)
        case .withholdAdverts: return .withholdAdverts
        case .twins: return .twins(groups: [half, rest])
        case .mixed:
            let kinds = Case.allCases.filter { $0 != .mixed }
            return behavior(kinds[draw.int(in: 0..<kinds.count)], node: node, nodeCount: nodeCount, &draw)
        }
    }

    /// A window somewhere in the first 25 s, 1 to 15 s long.
    static func window(_ draw: inout RandomStream) -> (start: SimInstant, end: SimInstant) {
        let start = SimInstant.zero + .milliseconds(Int64(draw.int(in: 0...25_000)))
        return (start, start + .milliseconds(Int64(draw.int(in: 1_000...15_000))))
    }

    /// Each kind of network fault with probability 1/2.
    static func networkFaults(nodeCount: Int, _ draw: inout RandomStream) throws -> [NetworkFault] {
        var faults: [NetworkFault] = []
        func add(_ kind: NetworkFault.Kind, _ draw: inout RandomStream) {
            let (start, end) = window(&draw)
            faults.append(NetworkFault(kind, from: start, until: end))
        }
        let nodes = Array(0..<nodeCount)
        if draw.int(in: 0...1) == 1 { add(.loss(try Probability.percent(UInt64(draw.int(in: 5...30)))), &draw) }
        if draw.int(in: 0...1) == 1 { add(.partition(isolated: draw.sample(draw.int(in: 1...3), of: nodes)), &draw) }
        if draw.int(in: 0...1) == 1 {
            let left = draw.sample(draw.int(in: 2...4), of: nodes)
            add(.split(groups: [left, nodes.filter { !left.contains($0) }]), &draw)
        }
        if draw.int(in: 0...1) == 1 { add(.oneWay(from: draw.sample(2, of: nodes), to: draw.sample(3, of: nodes)), &draw) }
        if draw.int(in: 0...1) == 1 { add(.extraDelay(.milliseconds(Int64(draw.int(in: 10...500)))), &draw) }
        if draw.int(in: 0...1) == 1 { add(.duplication(try Probability.percent(10)), &draw) }
        if draw.int(in: 0...1) == 1 { add(.reordering(.milliseconds(Int64(draw.int(in: 1...200)))), &draw) }
        return faults
    }

    /// One honest node crashes and restarts, another pauses, a third's clock drifts.
    static func nodeFaults(honest: [Int], _ draw: inout RandomStream) -> [NodeFault] {
        let rates = [(1, 2), (2, 3), (3, 2), (2, 1)]
        let (rateNumerator, rateDenominator) = rates[draw.int(in: 0..<rates.count)]
        let crash = window(&draw)
        let pause = window(&draw)
        let drift = window(&draw)
        return [
            NodeFault(node: honest[0], .crash, from: crash.start, until: crash.end),
            NodeFault(node: honest[1], .pause, from: pause.start, until: pause.end),
            NodeFault(node: honest[2], .clockDrift(numerator: rateNumerator, denominator: rateDenominator), from: drift.start, until: drift.end),
        ]
    }

    /// What was drawn, to reproduce a failure.
    static func describe(_ configuration: SubnetConfiguration) -> String {
        "byzantine \(configuration.byzantine.map { "\($0.node): \($0.behaviors)" }), "
            + "network faults \(configuration.network.faults.map { "\($0.kind) \($0.start)-\($0.end)" }), "
            + "node faults \(configuration.nodeFaults.map { "\($0.node) \($0.kind) \($0.start)-\($0.end)" })"
    }
}
