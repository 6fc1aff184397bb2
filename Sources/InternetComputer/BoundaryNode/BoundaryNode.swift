import SimCore

/// The replicas a boundary node tries a request at, in order, and which try it is on: at most
/// 1 + ``BoundaryNodeConfiguration/retryCount`` replicas, picked when the request reaches the
/// boundary node (as `ic-boundary` picks its nodes before the first try). Packed in one word so
/// that it rides in a client's events.
public struct BoundaryNodeRoute: Hashable, Sendable {
    /// Three 16-bit node numbers, then the count (8 bits) and the try (8 bits).
    public let packed: UInt64

    /// Most replicas a route holds.
    public static let replicasMax = 1 + BoundaryNodeConfiguration.retryCount

    /// A route over `nodes` (at most ``replicasMax``, each below 65,536), at its first try.
    /// - Precondition: the nodes fit.
    public init(nodes: [Int]) {
        precondition(nodes.count <= Self.replicasMax && nodes.allSatisfy { (0..<65_536).contains($0) }, "a route holds at most 3 nodes below 65536")
        var word = UInt64(nodes.count) << 48
        for (position, node) in nodes.enumerated() { word |= UInt64(node) << (16 * UInt64(position)) }
        packed = word
    }

    /// A route over the first `count` nodes of `nodes`, as ``init(nodes:)`` packs them.
    /// - Precondition: the nodes fit.
    init(first count: Int, of nodes: UnsafeMutableBufferPointer<Int>) {
        precondition(count <= Self.replicasMax && count <= nodes.count && nodes.prefix(count).allSatisfy { (0..<65_536).contains($0) },
                     "a route holds at most 3 nodes below 65536")
        var word = UInt64(count) << 48
        for position in 0..<count { word |= UInt64(nodes[position]) << (16 * UInt64(position)) }
        packed = word
    }

    private init(packed: UInt64) {
        self.packed = packed
    }

    /// No replica (the boundary node found none healthy).
    public static let empty = BoundaryNodeRoute(nodes: [])

    /// How many replicas it holds.
    public var count: Int { Int((packed >> 48) & 0xFF) }
    /// Which try it is on (0: the first).
    public var attempt: Int { Int((packed >> 56) & 0xFF) }
    /// The replicas, in the order they are tried.
    public var nodes: [Int] { (0..<count).map { Int((packed >> (16 * UInt64($0))) & 0xFFFF) } }
    /// The replica of the current try (`nil`: none).
    public var current: Int? { attempt < count ? Int((packed >> (16 * UInt64(attempt))) & 0xFFFF) : nil }
    /// The route at its next try, if a replica is left.
    public var next: BoundaryNodeRoute? {
        attempt + 1 < count ? BoundaryNodeRoute(packed: packed + (1 << 56)) : nil
    }
}

/// A subnet's boundary node: its delay to each replica and its choice of replicas
/// (`ic-boundary`, Docs/Model.md "Clients"): an update call goes to a random replica among the
/// f + 1 closest healthy ones; a query or a `read_state` to a random healthy one, retried at up
/// to two others. Its draws come from its own stream, so they shift no other draw.
public struct BoundaryNode: Sendable {
    /// Where it is, and its limits.
    public let configuration: BoundaryNodeConfiguration
    /// Its one-way delay to each replica, by node.
    public let replicaDelays: [SimDuration]
    /// Every replica, nearest first (by delay, then node number).
    let byDistance: [Int]
    /// Every replica, by node number: the healthy ones when all are (kept, so that the
    /// common case allocates nothing).
    let allReplicas: [Int]
    /// Its random choices.
    var stream: RandomStream

    /// The boundary node `configuration` describes, for a subnet on `network`, drawing from
    /// `stream`.
    public init(configuration: BoundaryNodeConfiguration, network: NetworkConfiguration, stream: RandomStream) {
        self.configuration = configuration
        let delays = configuration.replicaDelays(network: network)
        replicaDelays = delays
        allReplicas = Array(delays.indices)
        byDistance = delays.indices.sorted { (delays[$0], $0) < (delays[$1], $1) }
        self.stream = stream
    }

    /// Its one-way delay to replica `node` (zero for a replica it does not know).
    public func delay(toReplica node: Int) -> SimDuration {
        replicaDelays.indices.contains(node) ? replicaDelays[node] : .zero
    }

    /// The replica an update call goes to: uniformly among the f + 1 closest of `healthy`
    /// (f = (healthy - 1) / 3, as `ic-boundary`'s `fault_tolerance_factor` over the healthy
    /// nodes); replicas as close as the (f + 1)-th share its place at random (`nil`: none is
    /// healthy).
    public mutating func routeCall(healthy: [Int]) -> Int? {
        guard !healthy.isEmpty else { return nil }
        // All healthy (the common case): the order is known already.
        let sorted = healthy.count == byDistance.count ? byDistance : healthy.sorted { (delay(toReplica: $0), $0) < (delay(toReplica: $1), $1) }
        let closestCount = (sorted.count - 1) / 3 + 1
        let boundary = delay(toReplica: sorted[closestCount - 1])
        // Sorted by delay: the replicas as far as the boundary are one run around it.
        var firstTied = closestCount - 1
        while firstTied > 0 && delay(toReplica: sorted[firstTied - 1]) == boundary { firstTied -= 1 }
        let place = Int(stream.uniform(below: UInt64(closestCount)))
        if place < firstTied { return sorted[place] }
        var endTied = closestCount
        while endTied < sorted.count && delay(toReplica: sorted[endTied]) == boundary { endTied += 1 }
        return sorted[firstTied + Int(stream.uniform(below: UInt64(endTied - firstTied)))]
    }

    /// The replicas a query or `read_state` is tried at: up to 1 + ``BoundaryNodeConfiguration/retryCount``
    /// distinct replicas of `healthy`, in random order (empty: none is healthy).
    public mutating func routeRead(healthy: [Int]) -> BoundaryNodeRoute {
        let count = min(healthy.count, BoundaryNodeRoute.replicasMax)
        guard count > 0 else { return .empty }
        // The first `count` steps of a Fisher-Yates shuffle of `healthy`, on a copy on the
        // stack (a copied array and the prefix's array were most of a query's routing cost).
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: healthy.count) { candidates in
            _ = candidates.initialize(fromContentsOf: healthy)
            for position in 0..<count {
                let pick = position + Int(stream.uniform(below: UInt64(healthy.count - position)))
                candidates.swapAt(position, pick)
            }
            return BoundaryNodeRoute(first: count, of: candidates)
        }
    }

    /// The replicas of `heights` (each up replica's certified height, by node) the boundary
    /// node counts healthy: those no more than ``BoundaryNodeConfiguration/replicaHeightLagMax``
    /// below the median height (`ic-boundary`'s check.rs: the median of the two middle heights).
    public func healthy(_ heights: [(node: Int, height: UInt64)]) -> [Int] {
        guard !heights.isEmpty else { return [] }
        let sorted = heights.map(\.height).sorted()
        let median = sorted[(sorted.count - 1) / 2] / 2 + sorted[sorted.count / 2] / 2 + (sorted[(sorted.count - 1) / 2] % 2 + sorted[sorted.count / 2] % 2) / 2
        let minimum = median >= configuration.replicaHeightLagMax ? median - configuration.replicaHeightLagMax : 0
        return heights.filter { $0.height >= minimum }.map(\.node)
    }
}
