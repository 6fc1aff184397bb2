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
/// An indexed binary min-heap: every event lives in a slot whose position in the heap is
/// tracked, so cancel and reschedule find it in O(1) and repair the heap in O(log n).
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

    /// Storage for one event; reused after the event leaves the queue.
    @usableFromInline
    struct Slot {
        @usableFromInline var payload: Payload?
        /// The entry's index in `heap`, or -1 while the slot is free.
        @usableFromInline var heapIndex: Int32
        @usableFromInline var generation: UInt32

        @inlinable
        init(payload: Payload?, heapIndex: Int32, generation: UInt32) {
            self.payload = payload
            self.heapIndex = heapIndex
            self.generation = generation
        }
    }

    @usableFromInline var heap: [HeapEntry] = []
    @usableFromInline var slots: [Slot] = []
    @usableFromInline var freeSlots: [UInt32] = []
    @usableFromInline var nextSequence: UInt64 = 0

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
    public var count: Int { heap.count }

    /// Whether no event is pending.
    @inlinable
    public var isEmpty: Bool { heap.isEmpty }

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
        let index = heap.count
        heap.append(HeapEntry(time: time.nanosecondsSinceStart, sequence: takeSequence(), slot: slot))
        slots[Int(slot)].heapIndex = Int32(index)
        siftUp(from: index)
        return EventHandle(slot: slot, generation: slots[Int(slot)].generation)
    }

    /// Removes and returns the earliest event (ties: the earliest scheduled), or `nil` if empty.
    /// - Complexity: O(log n).
    @inlinable
    public mutating func popNext() -> ScheduledEvent<Payload>? {
        guard let top = heap.first else { return nil }
        removeEntry(at: 0)
        let handle = EventHandle(slot: top.slot, generation: slots[Int(top.slot)].generation)
        let payload = releaseSlot(top.slot)
        return ScheduledEvent(
            time: SimInstant(nanosecondsSinceStart: top.time), sequence: top.sequence,
            handle: handle, payload: payload)
    }

    /// Cancels the event behind `handle` and returns its payload, or `nil` if it already
    /// fired or was cancelled.
    /// - Complexity: O(log n).
    @inlinable
    @discardableResult
    public mutating func cancel(_ handle: EventHandle) -> Payload? {
        guard let index = heapIndex(of: handle) else { return nil }
        removeEntry(at: index)
        return releaseSlot(handle.slot)
    }

    /// Moves the event behind `handle` to `time` with a fresh sequence number (so it comes
    /// after events already scheduled at that time). Returns `false` if the event already
    /// fired or was cancelled.
    /// - Complexity: O(log n).
    @inlinable
    @discardableResult
    public mutating func reschedule(_ handle: EventHandle, to time: SimInstant) -> Bool {
        guard let index = heapIndex(of: handle) else { return false }
        heap[index].time = time.nanosecondsSinceStart
        heap[index].sequence = takeSequence()
        restoreOrder(at: index)
        return true
    }

    /// The time the event behind `handle` is due, or `nil` if it is no longer pending.
    @inlinable
    public func scheduledTime(of handle: EventHandle) -> SimInstant? {
        heapIndex(of: handle).map { SimInstant(nanosecondsSinceStart: heap[$0].time) }
    }

    /// Whether the event behind `handle` is still pending.
    @inlinable
    public func isPending(_ handle: EventHandle) -> Bool {
        heapIndex(of: handle) != nil
    }

    /// Checks every structural invariant (heap order, slot back-references, free list) and
    /// returns a description of the first violation, or `nil`. For tests; O(n).
    public func invariantViolation() -> String? {
        for index in heap.indices {
            let entry = heap[index]
            if slots[Int(entry.slot)].heapIndex != Int32(index) {
                return "slot \(entry.slot) points at \(slots[Int(entry.slot)].heapIndex), not \(index)"
            }
            if index > 0 && entry.precedes(heap[(index - 1) / 2]) {
                return "entry \(index) precedes its parent"
            }
        }
        let free = slots.filter { $0.heapIndex < 0 }.count
        guard free == freeSlots.count, free + heap.count == slots.count else {
            return "slot accounting: \(free) free, \(freeSlots.count) listed, \(heap.count) used of \(slots.count)"
        }
        return nil
    }

    // MARK: - Internals

    @inlinable
    mutating func takeSequence() -> UInt64 {
        defer { nextSequence += 1 }
        return nextSequence
    }

    @inlinable
    func heapIndex(of handle: EventHandle) -> Int? {
        let slot = Int(handle.slot)
        guard slot < slots.count, slots[slot].generation == handle.generation else { return nil }
        let index = slots[slot].heapIndex
        return index >= 0 ? Int(index) : nil
    }

    @inlinable
    mutating func allocateSlot(_ payload: Payload) -> UInt32 {
        if let slot = freeSlots.popLast() {
            slots[Int(slot)].payload = payload
            return slot
        }
        precondition(slots.count < Int(UInt32.max), "event queue is limited to 2^32 - 1 pending events")
        slots.append(Slot(payload: payload, heapIndex: -1, generation: 0))
        return UInt32(slots.count - 1)
    }

    /// Frees `slot` and returns the payload it held.
    @inlinable
    mutating func releaseSlot(_ slot: UInt32) -> Payload {
        let index = Int(slot)
        guard let payload = slots[index].payload.take() else {
            preconditionFailure("released slot \(slot) holds no payload")
        }
        slots[index].heapIndex = -1
        slots[index].generation &+= 1
        freeSlots.append(slot)
        return payload
    }

    /// Removes the heap entry at `index`, moving the last entry into the hole.
    @inlinable
    mutating func removeEntry(at index: Int) {
        let last = heap.removeLast()
        guard index < heap.count else { return }
        heap[index] = last
        slots[Int(last.slot)].heapIndex = Int32(index)
        restoreOrder(at: index)
    }

    /// Moves the entry at `index` up or down until the heap is ordered again.
    @inlinable
    mutating func restoreOrder(at index: Int) {
        if index > 0 && heap[index].precedes(heap[(index - 1) / 2]) {
            siftUp(from: index)
        } else {
            siftDown(from: index)
        }
    }

    @inlinable
    mutating func siftUp(from start: Int) {
        let entry = heap[start]
        var index = start
        while index > 0 {
            let parent = (index - 1) / 2
            guard entry.precedes(heap[parent]) else { break }
            place(heap[parent], at: index)
            index = parent
        }
        place(entry, at: index)
    }

    @inlinable
    mutating func siftDown(from start: Int) {
        let entry = heap[start]
        let count = heap.count
        var index = start
        while true {
            var child = 2 * index + 1
            guard child < count else { break }
            if child + 1 < count && heap[child + 1].precedes(heap[child]) {
                child += 1
            }
            guard heap[child].precedes(entry) else { break }
            place(heap[child], at: index)
            index = child
        }
        place(entry, at: index)
    }

    @inlinable
    mutating func place(_ entry: HeapEntry, at index: Int) {
        heap[index] = entry
        slots[Int(entry.slot)].heapIndex = Int32(index)
    }
}
