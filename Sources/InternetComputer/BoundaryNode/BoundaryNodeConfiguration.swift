import SimCore

/// Where a subnet's boundary node is, and how it chooses replicas (Docs/Model.md, "Clients"):
/// `ic-boundary`'s routing, with its defaults.
public struct BoundaryNodeConfiguration: Hashable, Sendable {
    /// Where the boundary node is, relative to the subnet's replicas.
    public enum Placement: Hashable, Sendable {
        /// In region (data centre) `index` of the subnet's latency matrix: its one-way delay to
        /// each replica is the matrix's, from that region to the replica's.
        case region(Int)
        /// Every replica this far, one way (networks whose regions say nothing of where a
        /// boundary node would be: an assumption, ``uniformReplicaDelayDefault``).
        case uniform(SimDuration)
    }

    /// Where it is: every replica ``uniformReplicaDelayDefault`` away unless set.
    public var placement = Placement.uniform(Self.uniformReplicaDelayDefault)
    /// A replica whose certified height is more than this below the median of the healthy
    /// replicas' is not routed to: 50, `ic-boundary`'s `max_height_lag`
    /// (rs/boundary_node/ic_boundary/src/cli.rs).
    public var replicaHeightLagMax: UInt64 = 50

    /// How many more replicas a query or `read_state` is tried at after a retriable failure
    /// (HTTP 429, a 5xx, a replica that cannot be reached): 2, `ic-boundary`'s `retry_count`;
    /// update calls are not retried (`retry_update_call` is false).
    public static let retryCount = 2

    /// The one-way delay from the boundary node to every replica where the network does not
    /// place it: 37.7 ms, an assumption: the mean one-way delay from a data centre of the IC's
    /// published table (Brussels) to the nodes of a 13-node subnet spread over the twelve data
    /// centres from there (``LatencyMatrix/icDataCentrePlacement(nodeCount:firstDataCentre:)``),
    /// that is, where a query's random replica lies on average.
    public static let uniformReplicaDelayDefault = SimDuration.microseconds(37_700)

    /// A boundary node `placement` from the replicas.
    public init(placement: Placement = .uniform(Self.uniformReplicaDelayDefault)) {
        self.placement = placement
    }

    /// What is wrong with it for a subnet on `network` (empty when usable).
    public func problems(network: NetworkConfiguration) -> [String] {
        switch placement {
        case .region(let index) where !network.latency.regions.indices.contains(index):
            ["placement: region \(index) does not exist (\(network.latency.regions.count) regions)"]
        case .uniform(let delay) where delay < .zero || delay > .seconds(60):
            ["placement: the delay must be 0 to 60 s, found \(delay)"]
        default: []
        }
    }

    /// Its one-way delay to each replica of a subnet on `network`, by node.
    public func replicaDelays(network: NetworkConfiguration) -> [SimDuration] {
        switch placement {
        case .region(let index):
            network.placement.map { region in
                network.latency.oneWay.indices.contains(index) && network.latency.oneWay[index].indices.contains(region)
                    ? network.latency.oneWay[index][region] : .zero
            }
        case .uniform(let delay): Array(repeating: max(delay, .zero), count: network.placement.count)
        }
    }
}
