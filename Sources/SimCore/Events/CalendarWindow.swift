/// The near future of an ``EventQueue``: a window of virtual time cut into equal buckets,
/// each an unsorted list of entries, as in a calendar queue (Brown 1988) but linear rather
/// than circular.
///
/// Bucket `i` holds entries due in `[start + i * width, start + (i + 1) * width)`, with
/// `width = 2^shift` nanoseconds. Entries are added in O(1); a bucket is taken whole when
/// the queue reaches it and becomes the queue's small "current" heap. A bitmap of non-empty
/// buckets finds the next one in O(buckets / 64) at worst. The geometry (bucket count and
/// width) changes only when the window is re-based: once it has drained, or by a refit that
/// takes every entry out and puts it back (see ``needsRefit(farCount:)``).
@usableFromInline
struct CalendarWindow {
    /// A list node: one entry and the index of the next node in its bucket, or -1.
    @usableFromInline
    struct Node {
        @usableFromInline var entry: QueueEntry
        @usableFromInline var next: Int32

        @inlinable
        init(entry: QueueEntry, next: Int32) {
            self.entry = entry
            self.next = next
        }
    }

    /// Fewest and most buckets a window has.
    @usableFromInline static var bucketCountRange: ClosedRange<Int> { 64...(1 << 20) }
    /// Narrowest and widest bucket widths, as powers of two nanoseconds (1 ns to about 18 min).
    @usableFromInline static var shiftRange: ClosedRange<Int> { 0...40 }

    @usableFromInline var nodes: [Node] = []
    @usableFromInline var firstFreeNode: Int32 = -1
    /// The first node of each bucket's list, or -1 when the bucket is empty. Lists are
    /// unordered (the taken bucket is heap-ordered in the queue), so inserting prepends, which
    /// touches only the bucket's head and the new node.
    @usableFromInline var heads: [Int32] = []
    /// Bit `i % 64` of word `i / 64` is set when bucket `i` is not empty.
    @usableFromInline var occupied: [UInt64] = []
    /// Entries stored in the buckets.
    @usableFromInline var entryCount = 0

    /// The first instant the window covers.
    @usableFromInline var start: Int64 = 0
    /// Bucket width as a power of two nanoseconds.
    @usableFromInline var shift = 10
    /// The last bucket taken, or -1.
    @usableFromInline var cursor = -1
    /// Buckets taken and entries they held since the window was last based.
    @usableFromInline var bucketsTaken = 0
    @usableFromInline var entriesTaken = 0

    /// Where an entry due at some time belongs, relative to this window.
    @usableFromInline
    enum Placement: Equatable {
        /// Before the window, or in a bucket already taken: the queue's current heap.
        case taken
        /// In this bucket, not yet taken.
        case bucket(Int)
        /// After the window: the far heap.
        case beyond
    }

    /// Where an entry due at `time` belongs. Computed on the offset from `start` as an
    /// unsigned number, so no time, however close to either end of `Int64`, can overflow it.
    @inlinable @inline(__always)
    func placement(of time: Int64) -> Placement {
        guard time >= start else { return .taken }
        let bucket = UInt64(bitPattern: time &- start) >> UInt64(shift)
        if cursor >= 0 && bucket <= UInt64(cursor) { return .taken }
        return bucket < UInt64(bucketCount) ? .bucket(Int(bucket)) : .beyond
    }

    /// The first instant of the first bucket not yet taken, or `nil` when every bucket has
    /// been taken or that instant is past `Int64.max` (then no entry can be waiting in it).
    @inlinable
    var firstUntakenInstant: Int64? {
        guard cursor + 1 < bucketCount else { return nil }
        let (offset, overflow) = Int64(cursor + 1).multipliedReportingOverflow(by: Int64(1) << Int64(shift))
        guard !overflow else { return nil }
        let (instant, beyond) = start.addingReportingOverflow(offset)
        return beyond ? nil : instant
    }

    @inlinable
    init() {}

    @inlinable
    var bucketCount: Int { heads.count }

    /// Adds `entry` to bucket `bucket`, which must be its ``placement(of:)``.
    @inlinable @inline(__always)
    mutating func insert(_ entry: QueueEntry, bucket: Int) {
        let head = heads[bucket]
        if head < 0 { occupied[bucket >> 6] |= 1 &<< UInt64(bucket & 63) }
        heads[bucket] = allocateNode(entry, next: head)
        entryCount += 1
    }

    /// Moves the entries of the next non-empty bucket after the cursor into `heap` (which is
    /// left unordered: call `heapify`), advancing the cursor. Returns `false` when no
    /// non-empty bucket is left.
    @inlinable
    mutating func takeNextBucket(into heap: inout EntryHeap<QueueEntry>) -> Bool {
        guard let bucket = nextOccupiedBucket() else {
            cursor = bucketCount - 1
            return false
        }
        cursor = bucket
        occupied[bucket >> 6] &= ~(1 &<< UInt64(bucket & 63))
        var node = heads[bucket]
        heads[bucket] = -1
        while node >= 0 {
            heap.appendUnordered(nodes[Int(node)].entry)
            let next = nodes[Int(node)].next
            freeNode(node)
            node = next
            entriesTaken += 1
            entryCount -= 1
        }
        bucketsTaken += 1
        return true
    }

    /// Re-bases the empty window at `newStart` with the given geometry.
    /// - Precondition: the window holds no entries.
    @inlinable
    mutating func rebase(at newStart: Int64, shift newShift: Int, bucketCount newCount: Int) {
        precondition(entryCount == 0, "the calendar window is re-based only when empty")
        if newCount != bucketCount {
            heads = Array(repeating: -1, count: newCount)
            occupied = Array(repeating: 0, count: (newCount + 63) / 64)
        }
        shift = newShift
        start = newStart
        cursor = -1
        bucketsTaken = 0
        entriesTaken = 0
    }

    /// Whether the window has seen enough buckets since it was last based to judge its
    /// geometry, and found it off: buckets crowded (more than 3 entries per bucket taken, so
    /// narrower buckets would do better) or a window too short for the pending events (see
    /// ``isTooShort(farCount:)``). Checked after every bucket taken; O(1).
    @inlinable
    func needsRefit(farCount: Int) -> Bool {
        guard bucketsTaken >= max(64, bucketCount / 16) else { return false }
        return isCrowded || isTooShort(farCount: farCount)
    }

    @inlinable
    var isCrowded: Bool {
        entriesTaken > 3 * bucketsTaken && shift > Self.shiftRange.lowerBound
    }

    /// Too short: in the first half of the window (later, new events naturally land beyond
    /// its end), the far heap holds more than twice as many entries as the window.
    @inlinable
    func isTooShort(farCount: Int) -> Bool {
        cursor < bucketCount / 2 && farCount > 2 * max(entryCount, 32) && shift < Self.shiftRange.upperBound
    }

    /// The geometry for the next basing of the window: a power of two as many buckets as about
    /// four times the pending events (within ``bucketCountRange``), and a bucket width halved
    /// as often as it takes to bring the entries per bucket taken to at most 3, or else doubled
    /// when the window was too short: while in use, when the far heap holds more than twice
    /// its entries; once drained, when fewer than 1 in 64 of its buckets held anything. (Most
    /// buckets are empty by design; the bitmap skips them.)
    @inlinable
    func nextGeometry(pendingCount: Int, farCount: Int, drained: Bool) -> (shift: Int, bucketCount: Int) {
        var newShift = shift
        if isCrowded {
            var perBucket = entriesTaken / max(bucketsTaken, 1)
            while perBucket > 3 && newShift > Self.shiftRange.lowerBound {
                newShift -= 1
                perBucket /= 2
            }
        } else if drained ? bucketsTaken * 64 < bucketCount : isTooShort(farCount: farCount) {
            newShift = min(newShift + 1, Self.shiftRange.upperBound)
        }
        var count = Self.bucketCountRange.lowerBound
        while count < 4 * pendingCount && count < Self.bucketCountRange.upperBound { count <<= 1 }
        return (newShift, count)
    }

    /// Moves every stored entry to `entries` (in bucket order), leaving the window empty.
    @inlinable
    mutating func removeAllEntries(into entries: inout [QueueEntry]) {
        entries.reserveCapacity(entries.count + entryCount)
        for bucket in heads.indices where heads[bucket] >= 0 {
            var node = heads[bucket]
            while node >= 0 {
                entries.append(nodes[Int(node)].entry)
                let next = nodes[Int(node)].next
                freeNode(node)
                node = next
            }
            heads[bucket] = -1
        }
        for word in occupied.indices { occupied[word] = 0 }
        entryCount = 0
    }

    /// Removes the entries for which `isRemoved` is true; returns how many. O(entries + buckets).
    @inlinable
    mutating func removeAll(where isRemoved: (QueueEntry) -> Bool) -> Int {
        var removed = 0
        for bucket in heads.indices where heads[bucket] >= 0 {
            var previous: Int32 = -1
            var node = heads[bucket]
            while node >= 0 {
                let next = nodes[Int(node)].next
                if isRemoved(nodes[Int(node)].entry) {
                    if previous < 0 { heads[bucket] = next } else { nodes[Int(previous)].next = next }
                    freeNode(node)
                    removed += 1
                } else {
                    previous = node
                }
                node = next
            }
            if heads[bucket] < 0 { occupied[bucket >> 6] &= ~(1 &<< UInt64(bucket & 63)) }
        }
        entryCount -= removed
        return removed
    }

    /// Every stored entry with its bucket index, for invariant checks.
    func storedEntries() -> [(bucket: Int, entry: QueueEntry)] {
        var result: [(Int, QueueEntry)] = []
        for bucket in heads.indices {
            var node = heads[bucket]
            while node >= 0 {
                result.append((bucket, nodes[Int(node)].entry))
                node = nodes[Int(node)].next
            }
        }
        return result
    }

    /// Whether bucket `bucket` is marked occupied.
    func isMarkedOccupied(_ bucket: Int) -> Bool {
        occupied[bucket >> 6] & (1 &<< UInt64(bucket & 63)) != 0
    }

    // MARK: - Internals

    @inlinable
    func nextOccupiedBucket() -> Int? {
        var bucket = cursor + 1
        guard bucket < bucketCount else { return nil }
        var word = bucket >> 6
        var bits = occupied[word] & (~0 &<< UInt64(bucket & 63))
        while bits == 0 {
            word += 1
            guard word < occupied.count else { return nil }
            bits = occupied[word]
        }
        bucket = word << 6 + bits.trailingZeroBitCount
        return bucket
    }

    @inlinable @inline(__always)
    mutating func allocateNode(_ entry: QueueEntry, next: Int32) -> Int32 {
        if firstFreeNode >= 0 {
            let node = firstFreeNode
            firstFreeNode = nodes[Int(node)].next
            nodes[Int(node)] = Node(entry: entry, next: next)
            return node
        }
        precondition(nodes.count < Int(Int32.max), "calendar window is limited to 2^31 - 1 entries")
        nodes.append(Node(entry: entry, next: next))
        return Int32(nodes.count - 1)
    }

    @inlinable @inline(__always)
    mutating func freeNode(_ node: Int32) {
        nodes[Int(node)].next = firstFreeNode
        firstFreeNode = node
    }
}
