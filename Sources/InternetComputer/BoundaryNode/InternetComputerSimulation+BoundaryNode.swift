import SimCore
import Consensus
import ExecutionLayer

extension InternetComputerConfiguration {
    /// Subnet `index`'s boundary node: the one set in ``boundaryNodes``, or every replica
    /// ``BoundaryNodeConfiguration/uniformReplicaDelayDefault`` away.
    public func boundaryNode(ofSubnet index: Int) -> BoundaryNodeConfiguration {
        boundaryNodes.indices.contains(index) ? boundaryNodes[index] : BoundaryNodeConfiguration()
    }

    /// What is wrong with the boundary nodes, each problem naming its subnet.
    func boundaryNodeProblems() -> [String] {
        var problems: [String] = []
        if boundaryNodes.count > subnets.count {
            problems.append("boundaryNodes: \(boundaryNodes.count) entries for \(subnets.count) subnets")
        }
        for (index, subnet) in subnets.enumerated() {
            problems += boundaryNode(ofSubnet: index).problems(network: subnet.network).map { "boundaryNodes[\(index)].\($0)" }
        }
        return problems
    }
}

/// The boundary node between the users and each subnet (Docs/Model.md, "Clients"): which
/// replicas it counts healthy, where it routes requests, and how far each replica is.
extension InternetComputerSimulation {
    /// Subnet `subnet`'s boundary node.
    /// - Precondition: `subnet` exists.
    public func boundaryNode(ofSubnet subnet: Int) -> BoundaryNode {
        boundaryNodes[subnet]
    }

    /// The boundary node's one-way delay to replica `node` of subnet `subnet`.
    public func boundaryNodeDelay(toReplica node: Int, onSubnet subnet: Int) -> SimDuration {
        boundaryNodes[subnet].delay(toReplica: node)
    }

    /// The replicas of subnet `subnet` the boundary node counts healthy at `time`: up, and
    /// not lagging more than its bound below the median certified height of those up.
    /// - Precondition: `subnet` exists.
    public func healthyReplicas(onSubnet subnet: Int, at time: SimInstant) -> [Int] {
        precondition(subnets.indices.contains(subnet), "subnet \(subnet) of \(subnets.count)")
        // Leaf fields only: calling a method of the subnet's model would copy it.
        let count = subnets[subnet].model.replicas.count
        // The common case, without allocating: every replica up, within the lag of each other
        // (then each is within it of the median).
        var lowest = UInt64.max, highest = UInt64.min, up = 0
        for node in 0..<count where !subnets[subnet].model.isDown(node, at: time) {
            up += 1
            lowest = min(lowest, subnets[subnet].model.replicas[node].certifier.certifiedHeight)
            highest = max(highest, subnets[subnet].model.replicas[node].certifier.certifiedHeight)
        }
        if up == count, up > 0, highest - lowest <= boundaryNodes[subnet].configuration.replicaHeightLagMax,
           boundaryNodes[subnet].allReplicas.count == count {
            return boundaryNodes[subnet].allReplicas
        }
        var heights: [(node: Int, height: UInt64)] = []
        heights.reserveCapacity(count)
        for node in 0..<count where !subnets[subnet].model.isDown(node, at: time) {
            heights.append((node, UInt64(subnets[subnet].model.replicas[node].certifier.certifiedHeight)))
        }
        return boundaryNodes[subnet].healthy(heights)
    }

    /// ``healthyReplicas(onSubnet:at:)``, from the subnet's cache while it holds: it is kept
    /// for a subnet none of whose replicas has a downtime (so that the answer does not depend
    /// on `time`) until the subnet's ``SubnetSimulation/replicaHealthChanges`` moves (a
    /// certified height rises, or a crash is injected). Walking every replica per request was
    /// about 300 instructions and a cache miss per replica.
    mutating func cachedHealthyReplicas(onSubnet subnet: Int, at time: SimInstant) -> [Int] {
        let version = subnets[subnet].model.replicaHealthChanges
        if let cache = healthyReplicaCaches[subnet], cache.version == version { return cache.replicas }
        let healthy = healthyReplicas(onSubnet: subnet, at: time)
        var timeless = true
        for node in subnets[subnet].model.replicas.indices where !subnets[subnet].model.replicas[node].downtimes.isEmpty { timeless = false }
        healthyReplicaCaches[subnet] = timeless ? HealthyReplicaCache(version: version, replicas: healthy) : nil
        return healthy
    }

    /// The replica the boundary node sends an update call reaching it at `time` to: one of the
    /// f + 1 closest healthy replicas (`nil`: none is healthy).
    public mutating func routeCall(toSubnet subnet: Int, at time: SimInstant) -> Int? {
        let healthy = cachedHealthyReplicas(onSubnet: subnet, at: time)
        return boundaryNodes[subnet].routeCall(healthy: healthy)
    }

    /// The replicas the boundary node tries a query or `read_state` reaching it at `time` at,
    /// in order: up to three healthy replicas, in random order.
    public mutating func routeRead(toSubnet subnet: Int, at time: SimInstant) -> BoundaryNodeRoute {
        let healthy = cachedHealthyReplicas(onSubnet: subnet, at: time)
        return boundaryNodes[subnet].routeRead(healthy: healthy)
    }
}

/// A subnet's healthy replicas (``InternetComputerSimulation/healthyReplicas(onSubnet:at:)``)
/// and the subnet's ``SubnetSimulation/replicaHealthChanges`` when they were found: they hold
/// while it is the same (kept only for a subnet without downtimes).
struct HealthyReplicaCache: Sendable {
    /// The subnet's count of health changes then.
    let version: UInt64
    /// The healthy replicas then, by node number.
    let replicas: [Int]
}
