/// The near future of an ``EventQueue``: a window of virtual time cut into equal buckets,
/// each an unsorted list of entries, as in a calendar queue (Brown 1988) but linear rather
/// than circular.
///
/// Bucket `i` holds entries due in `[start + i * width, start + (i + 1) * width)`, with
/// `width = 2^shift` nanoseconds. Entries are appended in O(1); a bucket is taken whole when
/// the queue reaches it and becomes the queue's small "current" heap. A bitmap of non-empty
/// buckets finds the next one in O(buckets / 64) at worst. The window is only re-sized and
/// re-based when it is empty (every bucket up to the cursor has been taken), so changing its
/// geometry never moves an entry.
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

    /// The first and last node of one bucket's list, or -1 and -1 when it is empty.
    @usableFromInline
    struct BucketEnds {
        @usableFromInline var head: Int32
        @usableFromInline var tail: Int32

        @inlinable
        init(head: Int32, tail: Int32) {
            self.head = head
            self.tail = tail
        }

        @inlinable
        static var empty: BucketEnds { BucketEnds(head: -1, tail: -1) }
    }

    @usableFromInline var nodes: [Node] = []
    @usableFromInline var firstFreeNode: Int32 = -1
    @usableFromInline var buckets: [BucketEnds] = []
    /// Bit `i % 64` of word `i / 64` is set when bucket `i` is not empty.
    @usableFromInline var occupied: [UInt64] = []
    /// Entries stored in the buckets.
    @usableFromInline var entryCount = 0

    /// The first instant the window covers.
    @usableFromInline var start: Int64 = 0
    /// The first instant after the window (`start` when the window has no buckets).
    @usableFromInline var end: Int64 = 0
    /// Bucket width as a power of two nanoseconds.
    @usableFromInline var shift = 10
    /// The last bucket taken, or -1.
    @usableFromInline var cursor = -1
    /// The first instant after the last bucket taken (`start` before any was taken).
    @usableFromInline var takenEnd: Int64 = 0
    /// Buckets taken and entries they held since the window was last re-based.
    @usableFromInline var bucketsTaken = 0
    @usableFromInline var entriesTaken = 0

    @inlinable
    init() {}

    @inlinable
    var bucketCount: Int { buckets.count }

    /// Appends `entry` to its bucket.
    /// - Precondition: `takenEnd <= entry.time < end`.
    @inlinable @inline(__always)
    mutating func insert(_ entry: QueueEntry) {
        let bucket = Int(truncatingIfNeeded: (entry.time &- start) >> Int64(shift))
        let node = allocateNode(entry)
        let tail = buckets[bucket].tail
        if tail < 0 {
            buckets[bucket] = BucketEnds(head: node, tail: node)
            occupied[bucket >> 6] |= 1 &<< UInt64(bucket & 63)
        } else {
            nodes[Int(tail)].next = node
            buckets[bucket].tail = node
        }
        entryCount += 1
    }

    /// Moves the entries of the next non-empty bucket after the cursor into `heap` (which is
    /// left unordered: call `heapify`), advancing the cursor. Returns `false` when no
    /// non-empty bucket is left.
    @inlinable
    mutating func takeNextBucket(into heap: inout EntryHeap) -> Bool {
        guard let bucket = nextOccupiedBucket() else {
            cursor = bucketCount - 1
            takenEnd = end
            return false
        }
        cursor = bucket
        takenEnd = bucket + 1 == bucketCount ? end : start &+ (Int64(bucket + 1) << Int64(shift))
        occupied[bucket >> 6] &= ~(1 &<< UInt64(bucket & 63))
        var node = buckets[bucket].head
        buckets[bucket] = .empty
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
            buckets = Array(repeating: .empty, count: newCount)
            occupied = Array(repeating: 0, count: (newCount + 63) / 64)
        }
        shift = newShift
        start = newStart
        let span = Int64(newCount) << Int64(newShift)
        let (sum, overflow) = newStart.addingReportingOverflow(span)
        end = overflow ? .max : sum
        cursor = -1
        takenEnd = newStart
        bucketsTaken = 0
        entriesTaken = 0
    }

    /// The geometry for the next window: as many buckets as pending events (within
    /// ``bucketCountRange``, a power of two), and a width nudged by one power of two when the
    /// buckets taken were crowded (more than 3 entries on average: narrower) or the window
    /// was mostly empty (fewer than 1 in 8 buckets used: wider).
    @inlinable
    func nextGeometry(pendingCount: Int) -> (shift: Int, bucketCount: Int) {
        var newShift = shift
        if bucketsTaken > 0 && entriesTaken > 3 * bucketsTaken {
            newShift -= 1
        } else if bucketCount > 0 && bucketsTaken * 8 < bucketCount {
            newShift += 1
        }
        newShift = min(max(newShift, Self.shiftRange.lowerBound), Self.shiftRange.upperBound)
        var count = Self.bucketCountRange.lowerBound
        while count < 4 * pendingCount && count < Self.bucketCountRange.upperBound { count <<= 1 }
        return (newShift, count)
    }

    /// Removes the entries for which `isRemoved` is true; returns how many. O(entries + buckets).
    @inlinable
    mutating func removeAll(where isRemoved: (QueueEntry) -> Bool) -> Int {
        var removed = 0
        for bucket in buckets.indices where buckets[bucket].head >= 0 {
            var previous: Int32 = -1
            var node = buckets[bucket].head
            while node >= 0 {
                let next = nodes[Int(node)].next
                if isRemoved(nodes[Int(node)].entry) {
                    if previous < 0 { buckets[bucket].head = next } else { nodes[Int(previous)].next = next }
                    freeNode(node)
                    removed += 1
                } else {
                    previous = node
                }
                node = next
            }
            buckets[bucket].tail = previous
            if previous < 0 { occupied[bucket >> 6] &= ~(1 &<< UInt64(bucket & 63)) }
        }
        entryCount -= removed
        return removed
    }

    /// Every stored entry with its bucket index, for invariant checks.
    func storedEntries() -> [(bucket: Int, entry: QueueEntry)] {
        var result: [(Int, QueueEntry)] = []
        for bucket in buckets.indices {
            var node = buckets[bucket].head
            while node >= 0 {
                result.append((bucket, nodes[Int(node)].entry))
                node = nodes[Int(node)].next
            }
        }
        return result
    }

    /// The first instant of bucket `bucket`.
    func bucketStart(_ bucket: Int) -> Int64 {
        start &+ (Int64(bucket) << Int64(shift))
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
    mutating func allocateNode(_ entry: QueueEntry) -> Int32 {
        if firstFreeNode >= 0 {
            let node = firstFreeNode
            firstFreeNode = nodes[Int(node)].next
            nodes[Int(node)] = Node(entry: entry, next: -1)
            return node
        }
        precondition(nodes.count < Int(Int32.max), "calendar window is limited to 2^31 - 1 entries")
        nodes.append(Node(entry: entry, next: -1))
        return Int32(nodes.count - 1)
    }

    @inlinable @inline(__always)
    mutating func freeNode(_ node: Int32) {
        nodes[Int(node)].next = firstFreeNode
        firstFreeNode = node
    }
}
