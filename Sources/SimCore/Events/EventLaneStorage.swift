/// The lanes' events and the order of their heads, in memory the lanes manage themselves
/// (``EventLanes`` holds one, copied on write).
///
/// Each lane is a ring of entries sorted by (time, sequence), its capacity a power of two,
/// holding entries only from its head for its count (the other places are uninitialised).
/// A tournament tree over the lanes' heads names the lane with the earliest head: leaf
/// `leafCount + lane` holds the lane's head key, each inner node the earlier of its two
/// children (an empty lane's key is (`Int64.max`, `UInt64.max`), after every event's), so
/// the root is the lane to pop, and a lane's new head costs log2(lanes) comparisons.
///
/// Arrays of arrays cost a uniqueness check per access (four a pop, about 150 instructions of
/// bookkeeping around a 16-byte move) and a scan of every head per pop; here a pop or an
/// insertion checks uniqueness once (``EventLanes``) and works on raw pointers.
@usableFromInline
final class EventLaneStorage<Payload> {
    /// One lane's event: its key and its payload.
    @usableFromInline
    struct Entry {
        @usableFromInline var time: Int64
        @usableFromInline var sequence: UInt64
        @usableFromInline var payload: Payload

        @inlinable
        init(time: Int64, sequence: UInt64, payload: consuming Payload) {
            self.time = time
            self.sequence = sequence
            self.payload = payload
        }
    }

    /// One lane's ring: its entries' memory (`nil` before the first), the capacity minus one,
    /// the ring index of the head and the number of entries.
    @usableFromInline
    struct Ring {
        @usableFromInline var entries: UnsafeMutablePointer<Entry>?
        @usableFromInline var mask = -1
        @usableFromInline var head = 0
        @usableFromInline var count = 0

        @inlinable
        init() {}

        /// The pointer to the entry `offset` places after the head.
        /// - Precondition: the ring has memory.
        @inlinable @inline(__always)
        func entry(_ offset: Int) -> UnsafeMutablePointer<Entry> {
            guard let entries else { preconditionFailure("a lane without memory") }
            return entries + ((head &+ offset) & mask)
        }
    }

    /// A tree node: the earliest head key below it, and its lane.
    @usableFromInline
    struct Node: HeapEntry {
        @usableFromInline var key: EventKey
        @usableFromInline var lane: Int

        @inlinable
        init(time: Int64, sequence: UInt64, lane: Int) {
            key = EventKey(time: time, sequence: sequence)
            self.lane = lane
        }
    }

    /// The tree's memory and size, and the lanes in use.
    @usableFromInline
    struct Shape {
        @usableFromInline var nodes: UnsafeMutablePointer<Node>
        @usableFromInline var leafCount: Int
        @usableFromInline var laneCount: Int

        @inlinable
        init(nodes: UnsafeMutablePointer<Node>, leafCount: Int, laneCount: Int) {
            self.nodes = nodes
            self.leafCount = leafCount
            self.laneCount = laneCount
        }
    }

    /// The lanes (``laneCountMax`` rings, allocated at once).
    @usableFromInline let rings: UnsafeMutablePointer<Ring>
    /// The tree and the lane count, behind a constant pointer: a class's stored `var`s are
    /// checked for exclusive access at run time at every access (about 400 instructions an
    /// event in the runtime), its constants and what they point to are not.
    @usableFromInline let shape: UnsafeMutablePointer<Shape>

    /// The tournament tree: index 1 the root, leaves from ``leafCount``; `2 * leafCount` nodes.
    @inlinable var nodes: UnsafeMutablePointer<Node> {
        get { shape.pointee.nodes }
        set { shape.pointee.nodes = newValue }
    }
    /// The tree's leaves: a power of two, at least the lanes in use.
    @inlinable var leafCount: Int {
        get { shape.pointee.leafCount }
        set { shape.pointee.leafCount = newValue }
    }
    /// Lanes in use: one past the highest lane that ever held an event.
    @inlinable var laneCount: Int {
        get { shape.pointee.laneCount }
        set { shape.pointee.laneCount = newValue }
    }

    /// Most lanes.
    @usableFromInline static var laneCountMax: Int { 64 }
    /// The key of an empty lane.
    @usableFromInline static var emptyNode: Node { Node(time: .max, sequence: .max, lane: 0) }

    /// No lanes in use (a tree of one leaf).
    @inlinable
    init() {
        rings = .allocate(capacity: Self.laneCountMax)
        rings.initialize(repeating: Ring(), count: Self.laneCountMax)
        let nodes = UnsafeMutablePointer<Node>.allocate(capacity: 2)
        nodes.initialize(repeating: Self.emptyNode, count: 2)
        shape = .allocate(capacity: 1)
        shape.initialize(to: Shape(nodes: nodes, leafCount: 1, laneCount: 0))
    }

    /// A copy of `other`: its lanes' entries copied, its tree as is.
    @inlinable
    init(copying other: EventLaneStorage) {
        rings = .allocate(capacity: Self.laneCountMax)
        rings.initialize(repeating: Ring(), count: Self.laneCountMax)
        let nodes = UnsafeMutablePointer<Node>.allocate(capacity: 2 * other.leafCount)
        nodes.initialize(from: other.nodes, count: 2 * other.leafCount)
        shape = .allocate(capacity: 1)
        shape.initialize(to: Shape(nodes: nodes, leafCount: other.leafCount, laneCount: other.laneCount))
        for lane in 0..<laneCount where other.rings[lane].entries != nil {
            let source = other.rings[lane]
            let entries = UnsafeMutablePointer<Entry>.allocate(capacity: source.mask &+ 1)
            for offset in 0..<source.count { (entries + offset).initialize(to: source.entry(offset).pointee) }
            rings[lane].entries = entries
            rings[lane].mask = source.mask
            rings[lane].count = source.count
        }
    }

    deinit {
        for lane in 0..<laneCount {
            let ring = rings[lane]
            guard let entries = ring.entries else { continue }
            for offset in 0..<ring.count { ring.entry(offset).deinitialize(count: 1) }
            entries.deallocate()
        }
        rings.deinitialize(count: Self.laneCountMax)
        rings.deallocate()
        nodes.deinitialize(count: 2 * leafCount)
        nodes.deallocate()
        shape.deinitialize(count: 1)
        shape.deallocate()
    }

    /// The earliest head of all lanes (its key is an empty lane's when every lane is empty).
    @inlinable @inline(__always)
    var root: Node { nodes[1] }

    /// How many places before lane `lane`'s tail an event due at `time` (drawing a sequence
    /// number above every laned one) goes, or `nil` if more than `limit`.
    @inlinable
    func displacement(ofTime time: Int64, inLane lane: Int, limit: Int) -> Int? {
        guard lane >= 0 && lane < laneCount else { return 0 }
        let ring = rings[lane]
        guard let entries = ring.entries else { return 0 }
        var places = 0
        var index = ring.head &+ ring.count &- 1
        while places < ring.count && entries[index & ring.mask].time > time {
            places &+= 1
            index &-= 1
            if places > limit { return nil }
        }
        return places
    }

    /// Inserts an entry into lane `lane`, `places` before its tail (the last `places` move one
    /// place on); a new head updates the tree.
    /// - Precondition: `lane` is in `0..<laneCountMax`; `places` keeps the lane sorted.
    @inlinable
    func insert(_ entry: consuming Entry, lane: Int, places: Int) {
        if lane >= laneCount { use(lanes: lane &+ 1) }
        if rings[lane].count &+ 1 > rings[lane].mask &+ 1 { grow(lane) }
        let ring = rings[lane]
        precondition(places >= 0 && places <= ring.count, "a lane event \(places) places before a tail of \(ring.count)")
        guard let entries = ring.entries else { preconditionFailure("a lane without memory") }
        let (time, sequence) = (entry.time, entry.sequence)
        var hole = (ring.head &+ ring.count) & ring.mask
        for _ in 0..<places {
            let previous = (hole &- 1) & ring.mask
            (entries + hole).moveInitialize(from: entries + previous, count: 1)
            hole = previous
        }
        (entries + hole).initialize(to: entry)
        rings[lane].count = ring.count &+ 1
        if places == ring.count { setHead(of: lane, Node(time: time, sequence: sequence, lane: lane)) }
    }

    /// Removes the earliest head of all lanes and returns it.
    /// - Precondition: a lane is not empty.
    @inlinable
    func popFirst() -> Entry {
        popHead(ofLane: root.lane)
    }

    /// Removes lane `lane`'s head entry and returns it; the lane's next head updates the tree.
    /// - Precondition: the lane is not empty.
    @inlinable
    func popHead(ofLane lane: Int) -> Entry {
        let ring = rings[lane]
        precondition(lane < laneCount && ring.count > 0, "popHead(ofLane:) on an empty lane")
        let entry = ring.entry(0).move()
        let head = (ring.head &+ 1) & ring.mask
        rings[lane].head = head
        rings[lane].count = ring.count &- 1
        if ring.count > 1, let entries = ring.entries {
            setHead(of: lane, Node(time: entries[head].time, sequence: entries[head].sequence, lane: lane))
        } else {
            setHead(of: lane, Node(time: .max, sequence: .max, lane: lane))
        }
        return entry
    }

    /// Sets lane `lane`'s leaf to `node` and replays the matches above it.
    @inlinable @inline(__always)
    func setHead(of lane: Int, _ node: Node) {
        var index = leafCount &+ lane
        nodes[index] = node
        while index > 1 {
            index &>>= 1
            let (left, right) = (nodes[2 &* index], nodes[2 &* index &+ 1])
            nodes[index] = right.precedes(left) ? right : left
        }
    }

    /// Lanes `0..<count` are in use: the tree grows to hold them (rebuilt from the heads).
    @usableFromInline
    func use(lanes count: Int) {
        precondition(count <= Self.laneCountMax, "lane \(count - 1) outside 0..<\(Self.laneCountMax)")
        laneCount = count
        guard count > leafCount else { return }
        var leaves = leafCount
        while leaves < count { leaves &*= 2 }
        let grown = UnsafeMutablePointer<Node>.allocate(capacity: 2 &* leaves)
        grown.initialize(repeating: Self.emptyNode, count: 2 &* leaves)
        for lane in 0..<leafCount { grown[leaves &+ lane] = nodes[leafCount &+ lane] }
        for lane in 0..<leaves { grown[leaves &+ lane].lane = lane }
        for index in stride(from: leaves &- 1, through: 1, by: -1) {
            let (left, right) = (grown[2 &* index], grown[2 &* index &+ 1])
            grown[index] = right.precedes(left) ? right : left
        }
        nodes.deinitialize(count: 2 &* leafCount)
        nodes.deallocate()
        nodes = grown
        leafCount = leaves
    }

    /// Doubles lane `lane`'s ring (at least 16 entries), its entries moved to the front in order.
    @usableFromInline
    func grow(_ lane: Int) {
        let ring = rings[lane]
        let capacity = max(16, 2 &* (ring.mask &+ 1))
        let entries = UnsafeMutablePointer<Entry>.allocate(capacity: capacity)
        if let old = ring.entries {
            for offset in 0..<ring.count { (entries + offset).moveInitialize(from: ring.entry(offset), count: 1) }
            old.deallocate()
        }
        rings[lane].entries = entries
        rings[lane].mask = capacity &- 1
        rings[lane].head = 0
    }

    /// The keys of lane `lane`'s entries, head first.
    func keys(ofLane lane: Int) -> [(time: Int64, sequence: UInt64)] {
        guard lane < laneCount else { return [] }
        return (0..<rings[lane].count).map { (rings[lane].entry($0).pointee.time, rings[lane].entry($0).pointee.sequence) }
    }

    /// Whether every lane is sorted and the tree names each subtree's earliest head. For
    /// tests; O(n).
    func violation(count expected: Int) -> String? {
        var total = 0
        for lane in 0..<laneCount {
            let keys = keys(ofLane: lane)
            if zip(keys, keys.dropFirst()).contains(where: { !($0.time < $1.time || ($0.time == $1.time && $0.sequence < $1.sequence)) }) {
                return "lane \(lane) is out of order"
            }
            let leaf = nodes[leafCount + lane]
            let head = keys.first ?? (Int64.max, UInt64.max)
            guard leaf.lane == lane, (leaf.time, leaf.sequence) == head else { return "lane \(lane)'s leaf is wrong" }
            total += keys.count
        }
        guard total == expected else { return "lanes hold \(total) events, \(expected) counted" }
        for index in 1..<leafCount {
            let (left, right) = (nodes[2 * index], nodes[2 * index + 1])
            let better = right.precedes(left) ? right : left
            guard (nodes[index].time, nodes[index].sequence, nodes[index].lane) == (better.time, better.sequence, better.lane) else {
                return "tree node \(index) is not the earlier of its children"
            }
        }
        return nil
    }
}
