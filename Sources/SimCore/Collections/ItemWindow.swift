/// The dense part of ``ItemPositions``: the places of item IDs in a window of consecutive IDs,
/// one array slot per ID from the oldest held to the newest.
///
/// Ingress message IDs are numbered in submission order, and a payload queue under a backlog
/// holds a run of nearly consecutive IDs that it adds at the new end and removes at the old
/// end. A hash table scatters such a run over the whole table, so that under a backlog of
/// 100,000+ messages per replica nearly every insertion and removal was a cache miss; here
/// consecutive IDs sit in consecutive slots. IDs the window does not take (older than its
/// oldest, or so far past its newest that the window would be mostly holes) are left to the
/// caller's hash table.
struct ItemWindow: Sendable {
    /// The place of an ID the window covers but does not hold.
    private static let hole: Int32 = -1
    /// The window may span this many IDs beyond four per held entry (so that IDs spread over
    /// several subnets, or a gap in the numbering, still fit).
    private static let spanSlack = 4_096

    /// Places by ID: `places[start + k]` is the place of ID `base + k`, or ``hole``.
    private var places: [Int32] = []
    /// The index in `places` of ID `base` (slots before it are dropped lazily).
    private var start = 0
    /// The ID at `places[start]`, the oldest held while `count > 0`.
    private var base: UInt64 = 0
    /// IDs held.
    private(set) var count = 0

    /// An empty window.
    init() {}

    /// The index in `places` of `id`, if the window covers it.
    @inline(__always)
    private func index(of id: UInt64) -> Int? {
        guard id >= base else { return nil }
        let offset = id &- base
        guard offset < UInt64(places.count &- start) else { return nil }
        return start &+ Int(truncatingIfNeeded: offset)
    }

    /// The place of `id`, if held.
    func place(of id: UInt64) -> Int? {
        guard let index = index(of: id), places[index] != Self.hole else { return nil }
        return Int(places[index])
    }

    /// Sets the place of `id`, already held, to `place`; its place before. `nil` (and nothing
    /// changed) when `id` is not held.
    mutating func replace(_ place: Int, of id: UInt64) -> Int? {
        guard let index = index(of: id), places[index] != Self.hole else { return nil }
        let old = Int(places[index])
        places[index] = Int32(truncatingIfNeeded: place)
        return old
    }

    /// Takes `id` (not held) at `place` if the window can without becoming mostly holes, given
    /// that `heldElsewhere` IDs are held outside it; whether it did.
    mutating func insert(_ place: Int, for id: UInt64, heldElsewhere: Int) -> Bool {
        guard place < Int(Int32.max) else { return false }
        if count == 0 {
            places.removeAll(keepingCapacity: true)
            start = 0
            base = id
        }
        guard id >= base else { return false }
        let offset = id &- base
        let spanLimit = UInt64(4 &* (count &+ heldElsewhere &+ 1) &+ Self.spanSlack)
        guard offset < spanLimit else { return false }
        let index = start &+ Int(truncatingIfNeeded: offset)
        if index >= places.count {
            places.append(contentsOf: repeatElement(Self.hole, count: index &- places.count &+ 1))
        }
        precondition(places[index] == Self.hole, "an ID inserted into the window is not held")
        places[index] = Int32(truncatingIfNeeded: place)
        count &+= 1
        return true
    }

    /// Removes `id`; its place, if it was held.
    mutating func remove(_ id: UInt64) -> Int? {
        guard let index = index(of: id), places[index] != Self.hole else { return nil }
        let old = Int(places[index])
        places[index] = Self.hole
        count &-= 1
        if index == start { dropLeadingHoles() }
        return old
    }

    /// Forgets every ID (keeping the storage).
    mutating func removeAll() {
        places.removeAll(keepingCapacity: true)
        start = 0
        count = 0
    }

    /// Moves `start` past the holes at the old end, and drops the slots before it once they
    /// are most of the array (so each slot is dropped once: amortised constant time).
    private mutating func dropLeadingHoles() {
        guard count > 0 else { return removeAll() }
        let oldStart = start
        // Some slot at or after `start` is held (count > 0), so this stops inside the array.
        while places[start] == Self.hole { start &+= 1 }
        base &+= UInt64(start &- oldStart)
        if start >= 1_024, start &* 2 >= places.count {
            places.removeFirst(start)
            start = 0
        }
    }
}
