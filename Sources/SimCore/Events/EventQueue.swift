/// Identifies one scheduled event (or timer) so it can be cancelled or rescheduled.
///
/// A handle stays valid until its event is popped or cancelled; after that every operation
/// on it is a no-op that reports failure, even once its storage slot is reused (each reuse
/// bumps the slot's generation; a stale handle could only alias after 2^32 reuses of one slot).
public struct EventHandle: Hashable, Sendable {
    /// The storage slot of the event.
    @usableFromInline let slot: UInt32
    /// The slot's generation when the event was scheduled.
    @usableFromInline let generation: UInt32

    @inlinable
    init(slot: UInt32, generation: UInt32) {
        self.slot = slot
        self.generation = generation
    }
}

/// An event taken out of an ``EventQueue``.
public struct ScheduledEvent<Payload> {
    /// When the event is due.
    public let time: SimInstant
    /// Its insertion sequence number: unique, increasing in the order of (re)scheduling.
    public let sequence: UInt64
    /// The handle it was scheduled under (now invalid).
    public let handle: EventHandle
    /// What the event carries.
    public let payload: Payload

    @inlinable
    init(time: SimInstant, sequence: UInt64, handle: EventHandle, payload: Payload) {
        self.time = time
        self.sequence = sequence
        self.handle = handle
        self.payload = payload
    }
}

/// A priority queue of events in a total order: by time, then by insertion sequence.
///
/// Two events due at the same instant come out in the order they were scheduled, so the
/// order never depends on hashing, memory addresses or anything else that varies between
/// processes. Rescheduling gives an event a fresh sequence number, exactly as if it had been
/// cancelled and scheduled again.
///
/// A binary min-heap with lazy deletion. Each pending event owns a slot (payload, due time,
/// and the sequence number of its one live heap entry); heap entries carry only the ordering
/// key and the slot. Cancelling frees the slot and leaves its heap entry behind as stale;
/// rescheduling pushes a fresh entry and makes the old one stale. Stale entries are dropped
/// when they reach the top (the top is always live) and the heap is rebuilt whenever stale
/// entries outnumber live ones, so memory stays within twice the pending events (plus a
/// small constant) and every operation costs O(log n) amortized. The sift loops touch only the
/// heap array, which is what makes this faster than an indexed heap that tracks positions.
///
/// ```swift
/// var queue = EventQueue<String>()
/// let timer = queue.schedule("timeout", at: .zero + .seconds(5))
/// queue.schedule("ping", at: .zero + .seconds(1))
/// queue.cancel(timer)                  // "timeout"
/// queue.popNext()?.payload             // "ping"
/// ```
public struct EventQueue<Payload> {
    /// One heap position: the ordering key and the slot holding the payload.
    @usableFromInline
    struct HeapEntry {
        @usableFromInline var time: Int64
        @usableFromInline var sequence: UInt64
        @usableFromInline var slot: UInt32

        @inlinable
        init(time: Int64, sequence: UInt64, slot: UInt32) {
            self.time = time
            self.sequence = sequence
            self.slot = slot
        }

        @inlinable
        func precedes(_ other: HeapEntry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    /// Storage for one pending event; reused after the event leaves the queue.
    @usableFromInline
    struct Slot {
        @usableFromInline var payload: Payload?
        /// The sequence number of the slot's live heap entry; `UInt64.max` while free.
        @usableFromInline var liveSequence: UInt64
        /// When the event is due while occupied; the next free slot (or -1) while free.
        @usableFromInline var time: Int64
        @usableFromInline var generation: UInt32

        @inlinable
        init(payload: Payload?, liveSequence: UInt64, time: Int64, generation: UInt32) {
            self.payload = payload
            self.liveSequence = liveSequence
            self.time = time
            self.generation = generation
        }
    }

    /// Stale entries tolerated before a rebuild is considered, whatever the queue size.
    @usableFromInline static var staleEntriesAllowed: Int { 1_024 }

    @usableFromInline var heap: [HeapEntry] = []
    @usableFromInline var slots: [Slot] = []
    /// The first free slot (free slots form a list through their `time` field), or -1.
    @usableFromInline var firstFreeSlot: Int64 = -1
    @usableFromInline var freeCount = 0
    @usableFromInline var nextSequence: UInt64 = 0
    @usableFromInline var liveCount = 0

    /// Creates an empty queue.
    @inlinable
    public init() {}

    /// Creates an empty queue with room for `capacity` events before it reallocates.
    @inlinable
    public init(reservingCapacity capacity: Int) {
        heap.reserveCapacity(capacity)
        slots.reserveCapacity(capacity)
    }

    /// The number of pending events.
    @inlinable
    public var count: Int { liveCount }

    /// Whether no event is pending.
    @inlinable
    public var isEmpty: Bool { liveCount == 0 }

    /// The time of the next event, or `nil` if the queue is empty.
    @inlinable
    public var nextTime: SimInstant? {
        heap.first.map { SimInstant(nanosecondsSinceStart: $0.time) }
    }

    /// The number of sequence numbers handed out so far (schedules plus reschedules).
    @inlinable
    public var sequencesIssued: UInt64 { nextSequence }

    /// Schedules `payload` at `time` and returns a handle for cancelling or rescheduling it.
    /// - Complexity: O(log n).
    @inlinable
    @discardableResult
    public mutating func schedule(_ payload: Payload, at time: SimInstant) -> EventHandle {
        let slot = allocateSlot(payload)
        liveCount += 1
        push(slot: slot, time: time.nanosecondsSinceStart)
        return EventHandle(slot: slot, generation: slots[Int(slot)].generation)
    }

    /// Removes and returns the earliest event (ties: the earliest scheduled), or `nil` if empty.
    /// - Complexity: O(log n) amortized.
    @inlinable
    public mutating func popNext() -> ScheduledEvent<Payload>? {
        guard let top = heap.first else { return nil }
        removeTop()
        let handle = EventHandle(slot: top.slot, generation: slots[Int(top.slot)].generation)
        let payload = releaseSlot(top.slot)
        dropStaleTop()
        return ScheduledEvent(
            time: SimInstant(nanosecondsSinceStart: top.time), sequence: top.sequence,
            handle: handle, payload: payload)
    }

    /// Cancels the event behind `handle` and returns its payload, or `nil` if it already
    /// fired or was cancelled.
    /// - Complexity: O(log n) amortized.
    @inlinable
    @discardableResult
    public mutating func cancel(_ handle: EventHandle) -> Payload? {
        guard isPending(handle) else { return nil }
        let payload = releaseSlot(handle.slot)
        dropStaleTop()
        compactIfMostlyStale()
        return payload
    }

    /// Moves the event behind `handle` to `time` with a fresh sequence number (so it comes
    /// after events already scheduled at that time). Returns `false` if the event already
    /// fired or was cancelled.
    /// - Complexity: O(log n) amortized.
    @inlinable
    @discardableResult
    public mutating func reschedule(_ handle: EventHandle, to time: SimInstant) -> Bool {
        guard isPending(handle) else { return false }
        push(slot: handle.slot, time: time.nanosecondsSinceStart)
        dropStaleTop()
        compactIfMostlyStale()
        return true
    }

    /// The time the event behind `handle` is due, or `nil` if it is no longer pending.
    @inlinable
    public func scheduledTime(of handle: EventHandle) -> SimInstant? {
        isPending(handle) ? SimInstant(nanosecondsSinceStart: slots[Int(handle.slot)].time) : nil
    }

    /// Whether the event behind `handle` is still pending.
    @inlinable
    public func isPending(_ handle: EventHandle) -> Bool {
        let slot = Int(handle.slot)
        return slot < slots.count && slots[slot].generation == handle.generation
            && slots[slot].liveSequence != .max
    }

    /// Checks every structural invariant (heap order, one live entry per pending event, a live
    /// top, slot accounting, the stale bound) and returns the first violation, or `nil`.
    /// For tests; O(n).
    public func invariantViolation() -> String? {
        var liveEntries = 0
        for index in heap.indices {
            if index > 0 && heap[index].precedes(heap[(index - 1) / 2]) {
                return "entry \(index) precedes its parent"
            }
            if isLive(heap[index]) { liveEntries += 1 }
        }
        if let top = heap.first, !isLive(top) { return "the top entry is stale" }
        let occupied = slots.filter { $0.liveSequence != .max }.count
        var listed = 0
        var free = firstFreeSlot
        while free >= 0 && listed <= slots.count {
            if slots[Int(free)].liveSequence != .max { return "occupied slot \(free) on the free list" }
            listed += 1
            free = slots[Int(free)].time
        }
        guard liveEntries == liveCount, occupied == liveCount, occupied + listed == slots.count, listed == freeCount else {
            return "accounting: \(liveEntries) live entries, \(occupied) occupied slots, count \(liveCount), "
                + "\(listed) listed free (\(freeCount) counted) of \(slots.count)"
        }
        if heap.count - liveCount > max(liveCount, Self.staleEntriesAllowed) {
            return "\(heap.count - liveCount) stale entries for \(liveCount) live ones"
        }
        return nil
    }

    // MARK: - Internals

    @inlinable @inline(__always)
    func isLive(_ entry: HeapEntry) -> Bool {
        slots[Int(entry.slot)].liveSequence == entry.sequence
    }

    /// Pushes a fresh entry for `slot` at `time`; any older entry of the slot becomes stale.
    @inlinable @inline(__always)
    mutating func push(slot: UInt32, time: Int64) {
        let sequence = nextSequence
        nextSequence += 1
        slots[Int(slot)].liveSequence = sequence
        slots[Int(slot)].time = time
        heap.append(HeapEntry(time: time, sequence: sequence, slot: slot))
        Self.siftUp(&heap, from: heap.count - 1)
    }

    @inlinable @inline(__always)
    mutating func allocateSlot(_ payload: Payload) -> UInt32 {
        if firstFreeSlot >= 0 {
            let slot = Int(firstFreeSlot)
            firstFreeSlot = slots[slot].time
            freeCount -= 1
            slots[slot].payload = payload
            return UInt32(slot)
        }
        precondition(slots.count < Int(UInt32.max), "event queue is limited to 2^32 - 1 pending events")
        slots.append(Slot(payload: payload, liveSequence: .max, time: 0, generation: 0))
        return UInt32(slots.count - 1)
    }

    /// Frees `slot` (its heap entries become stale) and returns the payload it held.
    @inlinable @inline(__always)
    mutating func releaseSlot(_ slot: UInt32) -> Payload {
        let index = Int(slot)
        guard let payload = slots[index].payload.take() else {
            preconditionFailure("released slot \(slot) holds no payload")
        }
        slots[index].liveSequence = .max
        slots[index].generation &+= 1
        slots[index].time = firstFreeSlot
        firstFreeSlot = Int64(slot)
        freeCount += 1
        liveCount -= 1
        return payload
    }

    /// Removes the top entry (bottom-up deletion: the hole walks down along the smaller child
    /// to a leaf, one comparison a level, then the last entry rises from there; it rarely
    /// rises far, so this needs about half the comparisons of a classic sift-down).
    @inlinable @inline(__always)
    mutating func removeTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            var hole = 0
            var child = 1
            while child < count {
                if child + 1 < count && heap[child + 1].precedes(heap[child]) { child += 1 }
                heap[hole] = heap[child]
                hole = child
                child = 2 * hole + 1
            }
            while hole > 0 {
                let parent = (hole - 1) / 2
                guard last.precedes(heap[parent]) else { break }
                heap[hole] = heap[parent]
                hole = parent
            }
            heap[hole] = last
        }
    }

    /// Removes stale entries from the top, so the top is always live.
    @inlinable @inline(__always)
    mutating func dropStaleTop() {
        while let top = heap.first, !isLive(top) {
            removeTop()
        }
    }

    /// Rebuilds the heap from its live entries once stale ones outnumber them. O(n), after at
    /// least n/2 operations that each made one entry stale: O(1) amortized.
    @inlinable
    mutating func compactIfMostlyStale() {
        let stale = heap.count - liveCount
        guard stale > Self.staleEntriesAllowed, stale > liveCount else { return }
        let slots = self.slots  // a reference to the same storage, not a copy of it
        heap.removeAll { slots[Int($0.slot)].liveSequence != $0.sequence }
        var index = heap.count / 2
        while index > 0 {
            index -= 1
            Self.siftDown(&heap, from: index)
        }
    }

    @inlinable
    static func siftUp(_ heap: inout [HeapEntry], from start: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            let entry = heap[start]
            var index = start
            while index > 0 {
                let parent = (index - 1) / 2
                guard entry.precedes(heap[parent]) else { break }
                heap[index] = heap[parent]
                index = parent
            }
            heap[index] = entry
        }
    }

    @inlinable
    static func siftDown(_ heap: inout [HeapEntry], from start: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            let entry = heap[start]
            let count = heap.count
            var index = start
            while true {
                var child = 2 * index + 1
                guard child < count else { break }
                if child + 1 < count && heap[child + 1].precedes(heap[child]) { child += 1 }
                guard heap[child].precedes(entry) else { break }
                heap[index] = heap[child]
                index = child
            }
            heap[index] = entry
        }
    }
}
