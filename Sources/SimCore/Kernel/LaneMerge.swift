/// Several models in one virtual time: the kernel's composition primitive.
///
/// Each model of a composed run is a lane with its own event queue and trace (a
/// ``Simulation``); the merge keeps every lane's next event time and names the lane to step
/// next: the one whose next event is earliest, and on a tie the lower lane. So a composed run
/// handles its events in (time, lane, insertion sequence) order, whatever the number of
/// lanes, and replays exactly. After stepping a lane, or scheduling into one, its owner tells
/// the merge the lane's new next event time.
///
/// It is a tournament tree: each inner node holds the better of its two children, so the root
/// is the lane to step, and changing one lane's time costs log2(lanes) comparisons instead of
/// a scan of every lane per event.
///
/// Lanes that exchange events only with a delay of at least D (subnets, through their
/// streams) could step in parallel within windows no longer than D; the order above is what
/// such windows would have to reproduce (Docs/Architecture.md).
public struct LaneMerge: Sendable {
    /// Each lane's next event time (`nil`: none pending).
    public private(set) var times: [SimInstant?]
    /// The tree: leaves at `leafCount + lane`, inner nodes above, index 1 the root; each
    /// holds the earliest lane below it.
    private var nodes: [Node]
    private let leafCount: Int

    /// A tree node: a lane (-1 for none: leaves past the last lane) and its time's key.
    private struct Node: Equatable {
        /// The lane's time in an order-keeping unsigned form, `noEvent` for none.
        var key: UInt64
        var lane: Int32
    }

    /// The key of a lane with no event: after every time's.
    private static let noEvent = UInt64.max

    /// Lanes whose next events are due at `times` (`nil`: none pending), lane 0 first.
    /// - Precondition: fewer than 2^31 lanes, and no time at the end of time (`Int64.max`
    ///   nanoseconds), whose key would be a lane's with no event.
    public init(times: [SimInstant?]) {
        precondition(times.count < Int(Int32.max), "too many lanes: \(times.count)")
        self.times = times
        var count = 1
        while count < max(times.count, 1) { count *= 2 }
        leafCount = count
        nodes = Array(repeating: Node(key: Self.noEvent, lane: -1), count: 2 * count)
        for lane in times.indices { nodes[count + lane] = Node(key: Self.key(times[lane]), lane: Int32(lane)) }
        for node in stride(from: count - 1, through: 1, by: -1) {
            nodes[node] = Self.better(nodes[2 * node], nodes[2 * node + 1])
        }
    }

    /// The lane whose next event comes first, and when (`nil`: no lane has one).
    public var first: (lane: Int, time: SimInstant)? {
        guard nodes.count > 1, nodes[1].key != Self.noEvent else { return nil }
        let lane = Int(nodes[1].lane)
        guard let time = times[lane] else { return nil }
        return (lane, time)
    }

    /// The lane to step next if its event is due by `time`.
    public func next(notAfter time: SimInstant) -> Int? {
        guard let first, first.time <= time else { return nil }
        return first.lane
    }

    /// Lane `lane`'s next event is now due at `time` (`nil`: none pending).
    public mutating func update(_ lane: Int, to time: SimInstant?) {
        precondition(times.indices.contains(lane), "lane \(lane) of \(times.count)")
        guard times[lane] != time else { return }
        times[lane] = time
        let key = Self.key(time), leaf = leafCount + lane
        // Unchecked indexing: every node visited is below `2 * leafCount`, the tree's size.
        nodes.withUnsafeMutableBufferPointer { nodes in
            nodes[leaf].key = key
            var node = leaf
            // Up to the root, or to the first node that did not change (nor then will any above).
            while node > 1 {
                node /= 2
                let better = Self.better(nodes[2 * node], nodes[2 * node + 1])
                guard nodes[node] != better else { return }
                nodes[node] = better
            }
        }
    }

    /// The node to keep of two siblings: the earlier, a tie to the left (the lower lanes).
    @inline(__always)
    private static func better(_ left: Node, _ right: Node) -> Node {
        right.key < left.key ? right : left
    }

    /// A time's key, in the times' order, `noEvent` for none.
    private static func key(_ time: SimInstant?) -> UInt64 {
        guard let time else { return noEvent }
        precondition(time.nanosecondsSinceStart < Int64.max, "an event at the end of time")
        return UInt64(bitPattern: time.nanosecondsSinceStart) ^ (1 << 63)
    }
}
