/// Something ordered by the ``EventKey`` it holds: the entries of an ``EntryHeap``
/// (``QueueEntry``, ``BatchEntry``) and the nodes of the lanes' tournament tree
/// (``EventLaneStorage``). The key's order is strict and total (sequence numbers are unique).
@usableFromInline
protocol HeapEntry {
    /// The time and sequence number this entry is ordered by.
    var key: EventKey { get }
}

extension HeapEntry {
    /// When the event is due.
    @inlinable
    var time: Int64 { key.time }

    /// The sequence number the event drew when it was scheduled.
    @inlinable
    var sequence: UInt64 { key.sequence }

    /// Whether this entry comes before `other`.
    @inlinable @inline(__always)
    func precedes(_ other: Self) -> Bool { key.precedes(other.key) }
}

/// One stored reference to a pending event: its ordering key and the slot with its payload.
///
/// Entries are ordered by their keys (``EventKey``: time, then sequence).
@usableFromInline
struct QueueEntry: HeapEntry {
    @usableFromInline var key: EventKey
    @usableFromInline var slot: UInt32

    @inlinable
    init(time: Int64, sequence: UInt64, slot: UInt32) {
        key = EventKey(time: time, sequence: sequence)
        self.slot = slot
    }
}

/// A binary min-heap of entries (``QueueEntry``s by (time, sequence) for the tiers,
/// ``BatchEntry``s for the batches).
///
/// Deletion is bottom-up: the hole left by the top walks down along the smaller child to a
/// leaf (one comparison a level) and the last entry rises from there, which it rarely does
/// far; this needs about half the comparisons of a classic sift-down. The sift loops run on
/// the array's storage directly: they only touch indices below `count`, computed without
/// overflow checks (an index is below `count`, so doubling it cannot overflow).
@usableFromInline
struct EntryHeap<Entry: HeapEntry> {
    @usableFromInline var entries: [Entry] = []

    @inlinable
    init() {}

    @inlinable
    var isEmpty: Bool { entries.isEmpty }

    @inlinable
    var count: Int { entries.count }

    /// The smallest entry, or `nil` when empty.
    @inlinable
    var top: Entry? { entries.first }

    /// Adds `entry`. O(log n).
    @inlinable @inline(__always)
    mutating func push(_ entry: Entry) {
        entries.append(entry)
        entries.withUnsafeMutableBufferPointer { heap in
            var index = heap.count &- 1
            while index > 0 {
                let parent = (index &- 1) >> 1
                guard entry.precedes(heap[parent]) else { break }
                heap[index] = heap[parent]
                index = parent
            }
            heap[index] = entry
        }
    }

    /// Removes the smallest entry. O(log n).
    /// - Precondition: not empty.
    @inlinable @inline(__always)
    mutating func removeTop() {
        let last = entries.removeLast()
        guard !entries.isEmpty else { return }
        entries.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            var hole = 0
            var child = 1
            while child < count {
                if child &+ 1 < count && heap[child &+ 1].precedes(heap[child]) { child &+= 1 }
                heap[hole] = heap[child]
                hole = child
                child = 2 &* hole &+ 1
            }
            while hole > 0 {
                let parent = (hole &- 1) >> 1
                guard last.precedes(heap[parent]) else { break }
                heap[hole] = heap[parent]
                hole = parent
            }
            heap[hole] = last
        }
    }

    /// Replaces the smallest entry by `entry` and restores heap order (top-down: a batch's
    /// next event usually stays near the top; bottom-up, as in ``removeTop()``, measured
    /// worse). O(log n).
    /// - Precondition: not empty.
    @inlinable @inline(__always)
    mutating func replaceTop(_ entry: Entry) {
        // One access to the buffer (writing the top first and then sifting it checked the
        // array's uniqueness twice), the new entry sifted down from the hole at the top.
        entries.withUnsafeMutableBufferPointer { heap in
            precondition(!heap.isEmpty, "replaceTop on an empty heap")
            let count = heap.count
            var index = 0
            while true {
                var child = 2 &* index &+ 1
                guard child < count else { break }
                if child &+ 1 < count && heap[child &+ 1].precedes(heap[child]) { child &+= 1 }
                guard heap[child].precedes(entry) else { break }
                heap[index] = heap[child]
                index = child
            }
            heap[index] = entry
        }
    }

    /// Appends `entry` without restoring heap order; call ``heapify()`` before the next read.
    @inlinable
    mutating func appendUnordered(_ entry: Entry) {
        entries.append(entry)
    }

    /// Restores heap order over all entries (Floyd's bottom-up construction). O(n).
    @inlinable
    mutating func heapify() {
        var index = entries.count / 2
        while index > 0 {
            index -= 1
            siftDown(from: index)
        }
    }

    /// Removes every entry for which `isRemoved` is true and restores heap order; returns
    /// how many were removed. O(n).
    @inlinable
    mutating func removeAll(where isRemoved: (Entry) -> Bool) -> Int {
        let before = entries.count
        entries.removeAll(where: isRemoved)
        heapify()
        return before - entries.count
    }

    @inlinable
    mutating func siftDown(from start: Int) {
        entries.withUnsafeMutableBufferPointer { heap in
            let entry = heap[start]
            let count = heap.count
            var index = start
            while true {
                var child = 2 &* index &+ 1
                guard child < count else { break }
                if child &+ 1 < count && heap[child &+ 1].precedes(heap[child]) { child &+= 1 }
                guard heap[child].precedes(entry) else { break }
                heap[index] = heap[child]
                index = child
            }
            heap[index] = entry
        }
    }

    /// Whether every entry is no smaller than its parent. For invariant checks; O(n).
    func isOrdered() -> Bool {
        entries.indices.dropFirst().allSatisfy { !entries[$0].precedes(entries[($0 - 1) / 2]) }
    }
}
