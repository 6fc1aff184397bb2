import Testing
import SimCore
import Wasm
import Consensus
import ExecutionLayer
@testable import InternetComputer
import ICSimTestSupport

/// Byzantine nodes wrap honest ones and rewrite their outputs. With at most f of them, of any
/// behaviour or mix, safety holds and the honest nodes keep finalizing; with f + 1 colluding
/// double signers and an equivocating maker bridging a split, the safety checker reports the
/// fork (ICC is safe only up to f, and the checker sees it).
@Suite("Byzantine nodes")
struct ByzantineTests {
    static func run(_ configuration: SubnetConfiguration, for seconds: Int64) -> SubnetSimulation {
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        _ = simulation.run(.until(.zero + .seconds(seconds)))
        return simulation.model
    }

    static let behaviors: [ByzantineBehavior] = [
        .silent, .withholdShares, .withholdProposals, .equivocatingMaker(groups: []), .doubleSigner,
        .delayer(.seconds(2)), .invalidProposer, .selective([0, 1, 2]), .withholdAdverts,
        .twins(groups: [[0, 1, 2, 4, 5], [7, 8, 10, 11]]),
    ]

    /// f = 4 of 13 nodes with one behaviour, two seeds each.
    @Test(arguments: behaviors, [1, 2] as [UInt64])
    func fByzantineNodesOfOneKindCannotBreakSafetyOrStopProgress(behavior: ByzantineBehavior, seed: UInt64) {
        var configuration = SubnetConfiguration(nodeCount: 13, seed: seed)
        configuration.byzantine = [3, 6, 9, 12].map { ByzantineAssignment(node: $0, behaviors: [behavior]) }
        let subnet = Self.run(configuration, for: 60)
        #expect(subnet.safety.violation == nil, "\(behavior): \(String(describing: subnet.safety.violation))")
        #expect(subnet.metrics.finalizedHeightMin > 10, "\(behavior): honest nodes finalized \(subnet.metrics.finalizedHeightMin)")
    }

    /// A mix of behaviours, with loss and a partition that heals: safe, and live after the faults.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func aMixUnderFaultsStaysSafeAndRecovers(seed: UInt64) throws {
        var configuration = SubnetConfiguration(nodeCount: 13, seed: seed)
        configuration.byzantine = [
            ByzantineAssignment(node: 1, behaviors: [.equivocatingMaker(groups: []), .doubleSigner]),
            ByzantineAssignment(node: 5, behaviors: [.withholdShares]),
            ByzantineAssignment(node: 7, behaviors: [.delayer(.milliseconds(700))]),
            ByzantineAssignment(node: 11, behaviors: [.silent]),
        ]
        configuration.network.faults = [
            NetworkFault(.loss(try Probability.percent(10)), from: .zero + .seconds(5), until: .zero + .seconds(30)),
            NetworkFault(.partition(isolated: [0, 2]), from: .zero + .seconds(10), until: .zero + .seconds(25)),
        ]
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        let end = simulation.model.liveness.faultsEnd + simulation.model.liveness.bound
        _ = simulation.run(.until(end))
        #expect(simulation.model.safety.violation == nil)
        #expect(simulation.model.liveness.stalledNodes(at: end).filter { simulation.model.replicas[$0].isHonest }.isEmpty)
    }

    /// f + 1 = 5 Byzantine nodes, each an equivocating maker (one block to each side), a
    /// double signer and silent about blocks (no adverts: neither side may learn of the other's
    /// block), bridge a split of the 8 honest nodes into two groups of 4: each side has 4
    /// honest + 5 Byzantine = 9 shares, a quorum, for its own block, and finalizes it.
    @Test func fPlusOneColludersForkAndTheCheckerSeesIt() throws {
        let byzantine = [0, 1, 2, 3, 4]
        let left = [5, 6, 7, 8]
        let right = [9, 10, 11, 12]
        var configuration = SubnetConfiguration(nodeCount: 13, seed: 3)
        configuration.allowsMoreThanFByzantine = true
        configuration.byzantine = byzantine.map {
            ByzantineAssignment(node: $0, behaviors: [.equivocatingMaker(groups: [left + byzantine, right + byzantine]), .doubleSigner, .withholdAdverts])
        }
        configuration.network.faults = [NetworkFault(.split(groups: [left, right]), from: .zero, until: .zero + .seconds(120))]
        let subnet = Self.run(configuration, for: 120)
        let violation = try #require(subnet.safety.violation, "5 colluders should fork the chain")
        #expect(left.contains(violation.firstNode) != left.contains(violation.secondNode), "the two sides disagree: \(violation)")
    }

    /// The same attack by only f = 4 colluders cannot fork: the side with 4 honest nodes has
    /// 8 shares, one short of a quorum.
    @Test func fColludersCannotFork() {
        let byzantine = [0, 1, 2, 3]
        let left = [4, 5, 6, 7]
        let right = [8, 9, 10, 11, 12]
        var configuration = SubnetConfiguration(nodeCount: 13, seed: 3)
        configuration.byzantine = byzantine.map {
            ByzantineAssignment(node: $0, behaviors: [.equivocatingMaker(groups: [left + byzantine, right + byzantine]), .doubleSigner, .withholdAdverts])
        }
        configuration.network.faults = [NetworkFault(.split(groups: [left, right]), from: .zero, until: .zero + .seconds(60))]
        let subnet = Self.run(configuration, for: 60)
        #expect(subnet.safety.violation == nil)
        #expect(subnet.metrics.finalizedHeights[8] > 10, "the side with a quorum goes on")
    }

    /// Twins at f + 1 = 2 of 4 nodes, each running one copy with node 2 and one with node 3,
    /// while a split keeps 2 and 3 apart: each side has two twin copies and one honest node,
    /// c - f = 3 signers, and finalizes its own blocks.
    @Test func fPlusOneTwinsForkAndTheCheckerSeesIt() throws {
        var configuration = SubnetConfiguration(nodeCount: 4, seed: 7)
        configuration.allowsMoreThanFByzantine = true
        configuration.byzantine = [0, 1].map { ByzantineAssignment(node: $0, behaviors: [.twins(groups: [[2], [3]])]) }
        configuration.network.faults = [NetworkFault(.split(groups: [[2], [3]]), from: .zero, until: .zero + .seconds(60))]
        let subnet = Self.run(configuration, for: 60)
        let violation = try #require(subnet.safety.violation, "two twins should fork the chain")
        #expect(Set([violation.firstNode, violation.secondNode]) == [2, 3], "the two honest nodes disagree: \(violation)")
    }

    /// One twin (f = 1 of 4) under the same split cannot fork: the side of node 3 has one twin
    /// copy and node 3, short of a quorum, while nodes 1 and 2 and the other copy go on.
    @Test func oneTwinCannotFork() {
        var configuration = SubnetConfiguration(nodeCount: 4, seed: 7)
        configuration.byzantine = [ByzantineAssignment(node: 0, behaviors: [.twins(groups: [[1, 2], [3]])])]
        configuration.network.faults = [NetworkFault(.split(groups: [[1, 2], [3]]), from: .zero, until: .zero + .seconds(60))]
        let subnet = Self.run(configuration, for: 60)
        #expect(subnet.safety.violation == nil)
        #expect(subnet.metrics.finalizedHeights[1] > 20, "the side with a quorum goes on: \(subnet.metrics.finalizedHeights)")
        #expect(subnet.metrics.finalizedHeights[3] <= 1, "the other side cannot: \(subnet.metrics.finalizedHeights)")
    }

    /// Behaviours that name nodes are checked against the subnet.
    @Test func behavioursNamingMissingNodesAreProblems() {
        var configuration = SubnetConfiguration(nodeCount: 4)
        configuration.byzantine = [ByzantineAssignment(node: 0, behaviors: [.twins(groups: [[1, 9]]), .selective([-1]), .delayer(.nanoseconds(-5))])]
        #expect(configuration.problems() == [
            "byzantine[0].behaviors[0]: node 9 does not exist (4 nodes: 0-3)",
            "byzantine[0].behaviors[0]: twins: needs at least two groups, found 1",
            "byzantine[0].behaviors[1]: node -1 does not exist (4 nodes: 0-3)",
            "byzantine[0].behaviors[2]: delayer: the delay is negative (-5 ns)",
        ])
        configuration.byzantine = [ByzantineAssignment(node: 0, behaviors: [.twins(groups: [[1, 2], [2, 3]])])]
        #expect(configuration.problems() == ["byzantine[0].behaviors[0]: twins: node 2 is in more than one group"])
    }

    @Test func moreThanFByzantineNeedsTheOptIn() {
        var configuration = SubnetConfiguration(nodeCount: 4)
        configuration.byzantine = [0, 1].map { ByzantineAssignment(node: $0, behaviors: [.silent]) }
        #expect(configuration.problems() == ["byzantine: 2 Byzantine nodes, more than f = 1; set allowsMoreThanFByzantine to run it anyway"])
        configuration.allowsMoreThanFByzantine = true
        #expect(configuration.problems().isEmpty)
        configuration.byzantine.append(ByzantineAssignment(node: 9, behaviors: []))
        #expect(configuration.problems().count == 2)
    }
}
