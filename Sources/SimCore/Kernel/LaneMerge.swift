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
    /// Leaves at `leafCount + lane`, inner nodes above (index 1 is the root); each holds a
    /// lane, or -1 for none.
    private var tree: [Int32]
    private let leafCount: Int

    /// Lanes whose next events are due at `times` (`nil`: none pending), lane 0 first.
    /// - Precondition: fewer than 2^31 lanes.
    public init(times: [SimInstant?]) {
        precondition(times.count < Int(Int32.max), "too many lanes: \(times.count)")
        self.times = times
        var count = 1
        while count < max(times.count, 1) { count *= 2 }
        leafCount = count
        tree = Array(repeating: -1, count: 2 * count)
        for lane in times.indices { tree[count + lane] = Int32(lane) }
        for node in stride(from: count - 1, through: 1, by: -1) { tree[node] = better(tree[2 * node], tree[2 * node + 1]) }
    }

    /// The lane whose next event comes first, and when (`nil`: no lane has one).
    public var first: (lane: Int, time: SimInstant)? {
        guard tree.count > 1, tree[1] >= 0, let time = times[Int(tree[1])] else { return nil }
        return (Int(tree[1]), time)
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
        var node = (leafCount + lane) / 2
        while node >= 1 {
            tree[node] = better(tree[2 * node], tree[2 * node + 1])
            node /= 2
        }
    }

    /// The lane to step first of `a` and `b` (either may be -1, none).
    private func better(_ a: Int32, _ b: Int32) -> Int32 {
        guard a >= 0, let left = times[Int(a)] else { return b >= 0 && times[Int(b)] != nil ? b : -1 }
        guard b >= 0, let right = times[Int(b)] else { return a }
        return right < left ? b : a
    }
}
