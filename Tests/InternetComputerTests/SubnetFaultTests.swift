import Testing
import SimCore
import Wasm
import Consensus
import ExecutionLayer
@testable import InternetComputer
import ICSimTestSupport

/// Honest subnets under network faults: safety always holds; once the faults end every node
/// finalizes again within the liveness bound; a partition with a quorum on one side keeps
/// that side finalizing, one without a quorum stalls everyone until it heals.
@Suite("Subnet faults")
struct SubnetFaultTests {
    static func subnet(_ faults: [NetworkFault], seed: UInt64 = 5) -> Simulation<SubnetSimulation> {
        var configuration = SubnetConfiguration(nodeCount: 13, seed: seed)
        configuration.network.faults = faults
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        return simulation
    }

    static func seconds(_ value: Int64) -> SimInstant { .zero + .seconds(value) }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func lossStaysSafeAndLive(seed: UInt64) throws {
        let loss = try Probability.percent(25)
        var simulation = Self.subnet([NetworkFault(.loss(loss), from: Self.seconds(5), until: Self.seconds(45))], seed: seed)
        let end = simulation.model.liveness.faultsEnd + simulation.model.liveness.bound + .seconds(5)
        _ = simulation.run(.until(end))
        let model = simulation.model
        #expect(model.safety.violation == nil)
        #expect(model.liveness.stalledNodes(at: end).isEmpty, "stalled: \(model.liveness.stalledNodes(at: end))")
        #expect(model.messagesLost > 1_000)
        #expect(model.metrics.finalizedHeightMin > 40)
    }

    /// f nodes cut off for 30 s: the other 9 (a quorum of 13) keep finalizing; after the heal
    /// the 4 catch up.
    @Test func aMinorityPartitionCatchesUpAfterTheHeal() {
        var simulation = Self.subnet([NetworkFault(.partition(isolated: [0, 4, 8, 12]), from: Self.seconds(10), until: Self.seconds(40))])
        _ = simulation.run(.until(Self.seconds(12)))
        let before = simulation.model.metrics.finalizedHeights
        _ = simulation.run(.until(Self.seconds(39)))
        let during = simulation.model.metrics.finalizedHeights
        #expect(during[1] > before[1] + 20, "the majority keeps going: \(before[1]) -> \(during[1])")
        #expect(during[0] <= before[0] + 2, "the minority cannot: \(before[0]) -> \(during[0])")
        let end = simulation.model.liveness.faultsEnd + simulation.model.liveness.bound
        _ = simulation.run(.until(end))
        let model = simulation.model
        #expect(model.safety.violation == nil)
        #expect(model.liveness.stalledNodes(at: end).isEmpty)
        let heights = model.metrics.finalizedHeights
        #expect((heights.max() ?? 0) - (heights.min() ?? 0) <= 2, "all close together again: \(heights)")
    }

    /// A 7/6 split leaves no side with 9 nodes: nobody finalizes until the heal, then all do.
    @Test func aSplitWithoutAQuorumStallsUntilTheHeal() {
        var simulation = Self.subnet([NetworkFault(.partition(isolated: [0, 2, 4, 6, 8, 10]), from: Self.seconds(10), until: Self.seconds(40))])
        _ = simulation.run(.until(Self.seconds(12)))
        let before = simulation.model.metrics.finalizedHeights.max() ?? 0
        _ = simulation.run(.until(Self.seconds(39)))
        #expect((simulation.model.metrics.finalizedHeights.max() ?? 0) <= before + 2)
        let end = simulation.model.liveness.faultsEnd + simulation.model.liveness.bound
        _ = simulation.run(.until(end))
        #expect(simulation.model.safety.violation == nil)
        #expect(simulation.model.liveness.stalledNodes(at: end).isEmpty)
        #expect(simulation.model.metrics.finalizedHeightMin > before + 5)
    }

    /// f nodes that hear everyone but cannot be heard for 30 s (a one-way partition): the
    /// others, a quorum, go on; the f, who receive everything, keep up or catch up; after the
    /// heal all are live.
    @Test func aOneWayPartitionOfFNodes() {
        let mute = [0, 1, 2, 3]
        var simulation = Self.subnet([NetworkFault(.oneWay(from: mute, to: Array(4...12)), from: Self.seconds(10), until: Self.seconds(40))])
        _ = simulation.run(.until(Self.seconds(11)))
        let before = simulation.model.metrics.finalizedHeights
        _ = simulation.run(.until(Self.seconds(39)))
        #expect(simulation.model.metrics.finalizedHeights[8] > before[8] + 20, "the quorum goes on")
        let end = simulation.model.liveness.faultsEnd + simulation.model.liveness.bound
        _ = simulation.run(.until(end))
        #expect(simulation.model.safety.violation == nil)
        #expect(simulation.model.liveness.stalledNodes(at: end).isEmpty)
    }

    /// f nodes crash for 20 s, two others pause for 15 s, three clocks drift (two fast, one
    /// slow), and messages are duplicated and reordered: safe, and every node live after.
    @Test(arguments: [1, 2] as [UInt64])
    func crashesPausesDriftDuplicationAndReordering(seed: UInt64) throws {
        var configuration = SubnetConfiguration(nodeCount: 13, seed: seed)
        let at = Self.seconds
        configuration.nodeFaults = [
            NodeFault(node: 1, .crash, from: at(10), until: at(30)), NodeFault(node: 4, .crash, from: at(12), until: at(32)),
            NodeFault(node: 7, .crash, from: at(14), until: at(34)), NodeFault(node: 10, .crash, from: at(16), until: at(36)),
            NodeFault(node: 2, .pause, from: at(40), until: at(55)), NodeFault(node: 3, .pause, from: at(42), until: at(57)),
            NodeFault(node: 5, .clockDrift(numerator: 2, denominator: 1), from: .zero, until: at(60)),
            NodeFault(node: 6, .clockDrift(numerator: 3, denominator: 2), from: .zero, until: at(60)),
            NodeFault(node: 8, .clockDrift(numerator: 1, denominator: 2), from: .zero, until: at(60)),
        ]
        configuration.network.faults = [
            NetworkFault(.duplication(try Probability.percent(20)), from: .zero, until: at(60)),
            NetworkFault(.reordering(.milliseconds(300)), from: .zero, until: at(60)),
        ]
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        _ = simulation.run(.until(at(20)))
        let crashedAt20 = simulation.model.metrics.finalizedHeights[1]
        let end = simulation.model.liveness.faultsEnd + simulation.model.liveness.bound
        _ = simulation.run(.until(end))
        let model = simulation.model
        #expect(model.safety.violation == nil)
        #expect(model.liveness.stalledNodes(at: end).isEmpty, "stalled: \(model.liveness.stalledNodes(at: end))")
        #expect(model.metrics.droppedAtDownNodes > 100)
        #expect(model.metrics.finalizedHeights[1] > crashedAt20 + 20, "the crashed node caught up")
    }

    @Test func faultsNamingMissingNodesAreReported() {
        var configuration = SubnetConfiguration(nodeCount: 13)
        configuration.network.faults = [NetworkFault(.partition(isolated: [3, 17]), from: .zero, until: Self.seconds(1))]
        #expect(configuration.problems() == ["faults[0].isolated: node 17 does not exist (13 nodes: 0-12)"])
    }
}

@Suite("Network configuration")
struct NetworkConfigurationTests {
    @Test func badLatencyMatricesAreNamedNotFatal() {
        #expect(throws: ConfigurationError(field: "oneWay", message: "1 rows for 2 regions")) {
            _ = try LatencyMatrix(regions: ["a", "b"], oneWay: [[.zero, .zero]])
        }
        #expect(throws: ConfigurationError(field: "oneWay[1][0]", message: "a negative delay")) {
            _ = try LatencyMatrix(regions: ["a", "b"], oneWay: [[.zero, .zero], [.milliseconds(-1), .zero]])
        }
        #expect(throws: ConfigurationError.self) { _ = try LatencyMatrix(regions: [], oneWay: []) }
    }

    /// The preset's delays are half the published round trips (Frankfurt-Tokyo 236.6 ms).
    @Test func presetDelaysAreHalfTheRoundTrips() {
        let matrix = LatencyMatrix.cloudRegions
        let frankfurt = matrix.regions.firstIndex(of: "eu-central") ?? -1
        let tokyo = matrix.regions.firstIndex(of: "ap-northeast") ?? -1
        #expect(matrix.oneWay[frankfurt][tokyo] == .microseconds(118_300))
        #expect(matrix.oneWay[tokyo][frankfurt] == matrix.oneWay[frankfurt][tokyo])
        #expect(matrix.oneWay[tokyo][tokyo] == .microseconds(500))
    }

    /// A 4 MiB block to 12 peers at 300 Mbit/s leaves the uplink after about 1.34 s.
    @Test func bandwidthSerializesABroadcast() {
        var network = NetworkModel(configuration: NetworkConfiguration(nodeCount: 13), jitter: RandomSeed(1).stream("j"), faults: RandomSeed(1).stream("f"))
        let arrivals = network.send(4 << 20, from: 0, to: Array(1...12), at: .zero).map(\.time)
        let last = arrivals.max() ?? .zero
        #expect(last - .zero > .milliseconds(1_340) && last - .zero < .milliseconds(1_340 + 170))
    }
}
