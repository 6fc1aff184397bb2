import Testing
import SimCore
@testable import InternetComputer

/// The boundary node (Docs/Model.md, "Clients"): where it is, which replicas it counts
/// healthy, and how it routes: update calls among the f + 1 closest healthy replicas, queries
/// and `read_state` to up to three distinct healthy ones.
@Suite("Boundary node routing")
struct BoundaryNodeTests {
    /// One 13-node subnet on the IC's data centres (from Brussels), its boundary node in the
    /// data centre of node 0, with `faults`.
    static func dataCentreSubnet(faults: [NodeFault] = []) -> InternetComputerSimulation {
        var configuration = InternetComputerConfiguration(subnetCount: 1, nodeCount: 13, seed: 5)
        configuration.subnets[0].network = .icDataCentres(nodeCount: 13)
        configuration.subnets[0].nodeFaults = faults
        configuration.boundaryNodes = [BoundaryNodeConfiguration(placement: .region(configuration.subnets[0].network.placement[0]))]
        return InternetComputerSimulation(configuration: configuration)
    }

    /// The `count` nodes closest to Brussels, from the published table (ties by node number).
    static func closest(_ count: Int, among nodes: [Int]) -> Set<Int> {
        let network = NetworkConfiguration.icDataCentres(nodeCount: 13)
        let brussels = LatencyMatrix.icDataCentres.regions.firstIndex(of: "Brussels") ?? -1
        let sorted = nodes.sorted {
            (LatencyMatrix.icDataCentres.oneWay[brussels][network.placement[$0]], $0) < (LatencyMatrix.icDataCentres.oneWay[brussels][network.placement[$1]], $1)
        }
        return Set(sorted.prefix(count))
    }

    @Test func theDelaysAreTheTablesFromTheBoundaryNodesDataCentre() {
        let ic = Self.dataCentreSubnet()
        let network = NetworkConfiguration.icDataCentres(nodeCount: 13)
        #expect(ic.boundaryNodeDelay(toReplica: 0, onSubnet: 0) == LatencyMatrix.icWithinDataCentreDelay)
        // Node 3 is in Geneva: 17.65 ms round trip from Brussels.
        #expect(LatencyMatrix.icDataCentreNames[network.placement[3]] == "Geneva")
        #expect(ic.boundaryNodeDelay(toReplica: 3, onSubnet: 0) == .microseconds(8_825))
    }

    @Test func updateCallsGoOnlyToTheFPlusOneClosestHealthyReplicas() {
        var ic = Self.dataCentreSubnet()
        var counts = Array(repeating: 0, count: 13)
        for _ in 0..<2_000 { if let node = ic.routeCall(toSubnet: 0, at: .zero) { counts[node] += 1 } }
        let chosen = Set(counts.indices.filter { counts[$0] > 0 })
        // 13 healthy nodes: f = 4, so the 5 closest (Brussels twice, Zurich, Geneva, Munich).
        #expect(chosen == Self.closest(5, among: Array(0..<13)))
        #expect(chosen.allSatisfy { counts[$0] > 300 }, "uniform among them: \(counts)")
    }

    @Test func aReplicaDownLeavesTheClosestSetAndFIsCountedOverTheHealthy() {
        // Nodes 0 and 12 (Brussels) and 3 (Geneva) crash: 10 healthy, f = 3, the 4 closest of them.
        let crashes = [0, 12, 3].map { NodeFault(node: $0, .crash, from: .zero, until: .zero + .seconds(100)) }
        var ic = Self.dataCentreSubnet(faults: crashes)
        let healthy = ic.healthyReplicas(onSubnet: 0, at: .zero + .seconds(1))
        #expect(healthy == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11])
        var chosen = Set<Int>()
        for _ in 0..<1_000 { if let node = ic.routeCall(toSubnet: 0, at: .zero + .seconds(1)) { chosen.insert(node) } }
        #expect(chosen == Self.closest(4, among: healthy))
    }

    @Test func readsGoToThreeDistinctHealthyReplicasInRandomOrder() {
        var ic = Self.dataCentreSubnet(faults: [NodeFault(node: 7, .crash, from: .zero, until: .zero + .seconds(100))])
        var firsts = Set<Int>()
        for _ in 0..<1_000 {
            let route = ic.routeRead(toSubnet: 0, at: .zero + .seconds(1))
            #expect(route.count == 3 && Set(route.nodes).count == 3 && !route.nodes.contains(7))
            firsts.formUnion(route.current.map { [$0] } ?? [])
        }
        #expect(firsts == Set(0..<13).subtracting([7]), "every healthy replica, near or far, is tried first sometimes")
    }

    /// The healthy replicas the routes use are cached between changes of the subnet's
    /// certified heights and crashes: at every event of a run whose boundary node allows no
    /// lag at all (so each certification at a replica changes the set), before and after a
    /// crash is injected and healed, the cache tells what walking the replicas tells.
    @Test func theCachedHealthyReplicasAreTheReplicasHealthyNow() {
        var configuration = InternetComputerConfiguration(subnetCount: 1, nodeCount: 7, seed: 3)
        var boundary = BoundaryNodeConfiguration()
        boundary.replicaHeightLagMax = 0
        configuration.boundaryNodes = [boundary]
        var ic = InternetComputerSimulation(configuration: configuration)
        var sets = Set<[Int]>()
        var steps = 0
        while ic.step(notAfter: .zero + .seconds(12)) {
            steps += 1
            let now = ic.now
            if steps == 1_500 {
                let crashed = ic.crash(node: 2, onSubnet: 0, at: now)
                #expect(crashed)
            }
            if steps == 2_500 {
                let restarted = ic.restart(node: 2, onSubnet: 0, at: now)
                #expect(restarted)
            }
            let cached = ic.cachedHealthyReplicas(onSubnet: 0, at: now)
            #expect(cached == ic.healthyReplicas(onSubnet: 0, at: now), "event \(steps) at \(now)")
            sets.insert(cached)
        }
        #expect(steps > 3_000)
        #expect(sets.count > 5, "the healthy set changed \(sets.count) times")
    }

    @Test func aReadRouteIsThePartialShuffleOfItsStream() {
        let seed = RandomSeed(7)
        var node = BoundaryNode(configuration: BoundaryNodeConfiguration(), network: NetworkConfiguration(nodeCount: 13), stream: seed.stream("r"))
        var reference = seed.stream("r")
        for healthy in [Array(0..<13), [4, 9], [11], [], Array(2..<9)] {
            // The reference: the first min(3, n) steps of a Fisher-Yates shuffle of a copy.
            var candidates = healthy
            let count = min(candidates.count, BoundaryNodeRoute.replicasMax)
            for position in 0..<count {
                candidates.swapAt(position, position + Int(reference.uniform(below: UInt64(candidates.count - position))))
            }
            let route = node.routeRead(healthy: healthy)
            #expect(route == BoundaryNodeRoute(nodes: Array(candidates.prefix(count))), "healthy \(healthy)")
        }
        #expect(node.routeRead(healthy: []) == .empty)
    }

    @Test func aRouteCarriesItsTriesInOrder() {
        let route = BoundaryNodeRoute(nodes: [12, 0, 65_535])
        #expect(route.nodes == [12, 0, 65_535] && route.count == 3 && route.attempt == 0 && route.current == 12)
        let second = route.next
        #expect(second?.current == 0 && second?.attempt == 1)
        #expect(second?.next?.current == 65_535 && second?.next?.next == nil)
        #expect(BoundaryNodeRoute.empty.current == nil && BoundaryNodeRoute.empty.next == nil)
    }

    @Test func aReplicaLaggingMoreThanFiftyHeightsBelowTheMedianIsNotHealthy() {
        let node = BoundaryNode(configuration: BoundaryNodeConfiguration(), network: NetworkConfiguration(nodeCount: 5), stream: RandomSeed(1).stream("t"))
        // Median of 100, 100, 101, 160: (100 + 101) / 2 = 100; the minimum is 50.
        #expect(node.healthy([(0, 100), (1, 49), (2, 101), (3, 50), (4, 160)]) == [0, 2, 3, 4])
        #expect(node.healthy([(0, 3), (1, 0)]) == [0, 1], "no lag below the bound")
        #expect(node.healthy([]).isEmpty)
    }

    @Test func theUniformDefaultIsTheMeanDelayToASubnetSpreadFromADataCentre() {
        // 13 nodes placed from Brussels; the mean one-way delay from Brussels to them.
        let network = NetworkConfiguration.icDataCentres(nodeCount: 13)
        let delays = BoundaryNodeConfiguration(placement: .region(network.placement[0])).replicaDelays(network: network)
        let mean = delays.reduce(Int64(0)) { $0 + $1.nanoseconds } / Int64(delays.count)
        #expect(abs(mean - BoundaryNodeConfiguration.uniformReplicaDelayDefault.nanoseconds) < 100_000, "mean \(mean) ns")
        #expect(BoundaryNodeConfiguration().replicaDelays(network: NetworkConfiguration(nodeCount: 4)) == Array(repeating: .microseconds(37_700), count: 4))
    }

    @Test func aBoundaryNodeOutsideTheNetworkIsAProblem() {
        var configuration = InternetComputerConfiguration(subnetCount: 1, nodeCount: 4, seed: 1)
        configuration.boundaryNodes = [BoundaryNodeConfiguration(placement: .region(6))]
        #expect(configuration.problems() == ["boundaryNodes[0].placement: region 6 does not exist (6 regions)"])
        configuration.boundaryNodes = [BoundaryNodeConfiguration(placement: .uniform(.milliseconds(-1)))]
        #expect(configuration.problems().count == 1)
    }
}
