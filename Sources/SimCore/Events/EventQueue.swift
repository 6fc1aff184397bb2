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
/// cancelled and scheduled again. Deliveries (``scheduleDelivery(_:at:)``, events handed in
/// from outside the model) draw from a sequence of their own that comes after every ordinary
/// event's: at the same instant they come out after every ordinary event, in their order.
///
/// ```swift
/// var queue = EventQueue<String>()
/// let timer = queue.schedule("timeout", at: .zero + .seconds(5))
/// queue.schedule("ping", at: .zero + .seconds(1))
/// queue.cancel(timer)                  // "timeout"
/// queue.popNext()?.payload             // "ping"
/// ```
///
/// ## Design
/// Each pending event owns a slot (payload, due time, generation, and the sequence number of
/// its one live entry). Entries, the (time, sequence, slot) keys, live in three tiers:
/// - `current`: a small binary heap holding every entry due before the end of the calendar
///   bucket taken last (including any entry scheduled earlier than the window);
/// - `window`: a ``CalendarWindow`` of unsorted buckets for the near future;
/// - `far`: a binary heap for everything after the window.
///
/// Batches (``scheduleBatch(_:count:time:tag:)``: a subnet's broadcast, one event
/// per copy, each rebuilt from the message when popped) stay out of the tiers: each waits as
/// one entry in `batchHeap`, keyed by its next event's time and the sequence number that
/// event drew when the batch was scheduled, and a pop takes the earlier of that heap's top
/// and `current`'s.
///
/// An entry goes to the tier its time falls in. When `current` runs dry the next non-empty
/// bucket is taken into it; when the window runs dry it is re-based at the earliest `far`
/// entry, with its geometry adapted to what the last window saw, and `far` entries inside the
/// new window move into its buckets. After every operation the top of `current` is the
/// earliest live entry of the tiers, which keeps ``nextTime`` O(1).
///
/// Cancelling frees the slot and leaves the entry behind as stale; rescheduling adds a fresh
/// entry and makes the old one stale. Stale entries are dropped when they surface, and all
/// tiers are purged whenever stale entries outnumber live ones (and exceed 1,024), so memory
/// stays within about twice the pending events.
///
/// - Complexity: schedule, cancel, reschedule and pop are O(log n) amortized in the worst
///   case (every entry moves from `far` to a bucket to `current` at most once, each step at
///   most a heap operation) and close to O(1) when the bucket width fits the event spacing,
///   as it does after a few windows for stationary workloads such as PHOLD.
public struct EventQueue<Payload> {
    /// Storage for one pending event; reused after the event leaves the queue.
    @usableFromInline
    struct Slot {
        @usableFromInline var payload: Payload?
        /// The sequence number of the slot's live entry; `UInt64.max` while free.
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

    /// Stale entries tolerated before a purge is considered, whatever the queue size.
    @usableFromInline static var staleEntriesAllowed: Int { 1_024 }

    @usableFromInline var current = EntryHeap<QueueEntry>()
    @usableFromInline var window = CalendarWindow()
    @usableFromInline var far = EntryHeap<QueueEntry>()
    @usableFromInline var slots: [Slot] = []
    /// The first free slot (free slots form a list through their `time` field), or -1.
    @usableFromInline var firstFreeSlot: Int64 = -1
    @usableFromInline var nextSequence: UInt64 = 0
    /// The next delivery's sequence number (``scheduleDelivery(_:at:)``): deliveries count up
    /// from ``firstDeliverySequence``, above every ordinary event's.
    @usableFromInline var nextDeliverySequence: UInt64 = firstDeliverySequence
    @usableFromInline var liveCount = 0
    /// Entries stored in all tiers, live and stale.
    @usableFromInline var entryCount = 0
    /// Sum of slot generations read ahead of need (see `settle`); never used otherwise.
    @usableFromInline var readAhead: UInt32 = 0
    /// The batches in flight (``scheduleBatch(_:count:time:tag:)``), one entry each:
    /// its next event's key, index and tag, and the batch's index.
    @usableFromInline var batchHeap = EntryHeap<BatchEntry>()
    /// The batches in flight, by index, in one array: batch `b`'s region of ``batchStride``
    /// words starts at `b * batchStride` and holds its count (0 while free), its time base,
    /// its sequence base and its sorted packed keys (see ``PackedBatch``). A pop reads one
    /// region, where a batch kept in its own fields and keys' array took two more cache
    /// lines (the fields, the array's header), which a run of many subnets misses per pop.
    @usableFromInline var batchWords: [UInt64] = []
    /// Words per batch region: enough for the largest batch yet (a power of two, at most
    /// ``maximumBatchStride``).
    @usableFromInline var batchStride = 0
    /// Where a batch's keys are packed and sorted before they are copied into its region.
    @usableFromInline var batchScratch = PackedBatch()
    /// The payload each batch's events are made from, by index (a free batch keeps its last
    /// one until it is reused: non-optional, so that a pop borrows it in place).
    @usableFromInline var batchTemplates: [Payload] = []
    /// Indices of free batches, whose arrays keep their capacity for reuse.
    @usableFromInline var freeBatches: [UInt32] = []
    /// Events of batches not yet popped.
    @usableFromInline var batchedCount = 0
    /// The lanes (``schedule(_:at:lane:)``): events scheduled nearly in time order.
    @usableFromInline var lanes = EventLanes<Payload>()

    /// Creates an empty queue.
    @inlinable
    public init() {}

    /// Creates an empty queue with room for `capacity` events before its slots reallocate.
    @inlinable
    public init(reservingCapacity capacity: Int) {
        slots.reserveCapacity(capacity)
    }

    /// The number of pending events.
    @inlinable
    public var count: Int { liveCount + batchedCount + lanes.count }

    /// Whether no event is pending.
    @inlinable
    public var isEmpty: Bool { liveCount == 0 && batchedCount == 0 && lanes.count == 0 }

    /// The time of the next event, or `nil` if the queue is empty. O(1).
    @inlinable
    public var nextTime: SimInstant? {
        if lanes.count > 0 { return nextTimeWithLanes }
        guard let batch = batchHeap.top else { return current.top.map { SimInstant(nanosecondsSinceStart: $0.time) } }
        guard let top = current.top, top.time < batch.time else { return SimInstant(nanosecondsSinceStart: batch.time) }
        return SimInstant(nanosecondsSinceStart: top.time)
    }

    /// The number of ordinary sequence numbers handed out so far (schedules plus reschedules;
    /// not deliveries).
    @inlinable
    public var sequencesIssued: UInt64 { nextSequence }

    /// The first delivery's sequence number: 2^62, which no count of ordinary schedules reaches.
    @inlinable
    public static var firstDeliverySequence: UInt64 { 1 << 62 }

    /// Schedules `payload` at `time` and returns a handle for cancelling or rescheduling it.
    /// The payload is consumed: it moves into its slot without a copy (a retain and a release
    /// per event for payloads holding references).
    /// - Complexity: O(log n) amortized.
    @inlinable
    @discardableResult
    public mutating func schedule(_ payload: consuming Payload, at time: SimInstant) -> EventHandle {
        let slot = allocateSlot(payload)
        liveCount += 1
        add(slot: slot, time: time.nanosecondsSinceStart)
        return EventHandle(slot: slot, generation: slots[Int(slot)].generation)
    }

    /// Schedules `payload` at `time` as a delivery from outside the queue's model (a stream
    /// slice from another subnet). At equal times a delivery comes after every ordinary event
    /// (``schedule(_:at:)``, batches, lanes), whenever either was scheduled, and after the
    /// deliveries scheduled before it: so the order of a model's events does not depend on
    /// when, relative to its own scheduling, its deliveries were handed to it
    /// (Docs/Determinism.md, "Subnets in parallel").
    /// - Complexity: O(log n) amortized.
    @inlinable
    @discardableResult
    public mutating func scheduleDelivery(_ payload: consuming Payload, at time: SimInstant) -> EventHandle {
        let slot = allocateSlot(payload)
        liveCount += 1
        add(slot: slot, time: time.nanosecondsSinceStart, sequence: nextDeliverySequence)
        nextDeliverySequence += 1
        return EventHandle(slot: slot, generation: slots[Int(slot)].generation)
    }

    /// Removes and returns the earliest event (ties: the earliest scheduled), or `nil` if empty.
    /// An event of a batch is its batch's template (see ``popNext(copying:)``).
    /// - Complexity: O(log n) amortized.
    @inlinable
    public mutating func popNext() -> ScheduledEvent<Payload>? {
        guard !isEmpty else { return nil }
        return popNextOfNonEmpty()
    }

    /// ``popNext()``, with an event of a batch (``scheduleBatch(_:count:time:tag:)``) made by
    /// `batchCopy` from the batch's template and the event's tag (``popNext()`` gives the
    /// template itself).
    @inlinable
    public mutating func popNext(copying batchCopy: (borrowing Payload, UInt16) -> Payload) -> ScheduledEvent<Payload>? {
        guard !isEmpty else { return nil }
        return popNextOfNonEmpty(copying: batchCopy)
    }

    /// Removes and returns the earliest event (ties: the earliest scheduled) of a queue that
    /// is not empty. The kernel's loop uses it: an optional event, destroyed after its
    /// handler, went through generic value witnesses (about 170 instructions an event).
    /// - Precondition: the queue is not empty.
    /// - Complexity: O(log n) amortized.
    @inlinable
    public mutating func popNextOfNonEmpty() -> ScheduledEvent<Payload> {
        popNextOfNonEmpty(copying: { template, _ in copy template })
    }

    /// ``popNextOfNonEmpty()``, with an event of a batch made by `batchCopy` from the batch's
    /// template (borrowed in place) and the event's tag: the kernel's loop, which so makes
    /// each copy of a broadcast with one retain (``TracedModel/batchCopy(of:tag:)``).
    /// - Precondition: the queue is not empty.
    @inlinable
    public mutating func popNextOfNonEmpty(copying batchCopy: (borrowing Payload, UInt16) -> Payload) -> ScheduledEvent<Payload> {
        // The earliest event is the earlier of the tiers' top and the batches' (every live
        // entry of the tiers is at or after `current`'s top), or the lanes' first.
        if lanes.count > 0, let event = popLaneIfFirst() { return event }
        if let batch = batchHeap.top, current.top.map({ batch.precedes($0) }) ?? true { return popFiring(batch, copying: batchCopy) }
        guard let top = current.top else { preconditionFailure("popNextOfNonEmpty() on an empty queue") }
        current.removeTop()
        entryCount -= 1
        let handle = EventHandle(slot: top.slot, generation: slots[Int(top.slot)].generation)
        let payload = releaseSlot(top.slot)
        settle()
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
        settle()
        purgeIfMostlyStale()
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
        add(slot: handle.slot, time: time.nanosecondsSinceStart)
        settle()
        purgeIfMostlyStale()
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

    // MARK: - Internals

    /// Whether `entry` is its slot's live entry. When no entry is stale (no cancellation or
    /// reschedule is pending clean-up) every entry is live, and the slot is not even read:
    /// that saves a cache miss per event in workloads that never cancel.
    @inlinable @inline(__always)
    func isLive(_ entry: QueueEntry) -> Bool {
        entryCount == liveCount || slots[Int(entry.slot)].liveSequence == entry.sequence
    }

    /// Adds a fresh entry for `slot` at `time` to the tier its time falls in; any older entry
    /// of the slot becomes stale.
    @inlinable @inline(__always)
    mutating func add(slot: UInt32, time: Int64) {
        let sequence = nextSequence
        nextSequence += 1
        add(slot: slot, time: time, sequence: sequence)
    }

    /// ``add(slot:time:)`` with the entry's sequence number given.
    @inlinable @inline(__always)
    mutating func add(slot: UInt32, time: Int64, sequence: UInt64) {
        slots[Int(slot)].liveSequence = sequence
        slots[Int(slot)].time = time
        let entry = QueueEntry(time: time, sequence: sequence, slot: slot)
        entryCount += 1
        switch window.placement(of: time) {
        case .taken:
            current.push(entry)
        case .bucket(let bucket):
            window.insert(entry, bucket: bucket)
            if current.isEmpty { settle() }
        case .beyond:
            far.push(entry)
            if current.isEmpty { settle() }
        }
    }

    /// Restores the invariant: the top of `current` is the earliest live entry, or every tier
    /// is empty. Drops stale entries that surface, takes buckets, re-bases the window.
    @inlinable
    mutating func settle() {
        while true {
            while let top = current.top, !isLive(top) {
                current.removeTop()
                entryCount -= 1
            }
            if !current.isEmpty { return }
            if window.takeNextBucket(into: &current) {
                current.heapify()
                // Read the new entries' slots now, all at once: the cache misses overlap with
                // each other instead of stalling one pop each.
                for entry in current.entries { readAhead &+= slots[Int(entry.slot)].generation }
                if window.needsRefit(farCount: far.count) { refitWindow() }
                continue
            }
            while let top = far.top, !isLive(top) {
                far.removeTop()
                entryCount -= 1
            }
            guard let first = far.top else { return }
            rebaseWindow(at: first.time)
        }
    }

    /// Re-bases the (empty) window at `time` and moves the `far` entries inside it to buckets.
    @inlinable
    mutating func rebaseWindow(at time: Int64) {
        let geometry = window.nextGeometry(pendingCount: liveCount, farCount: far.count, drained: true)
        window.rebase(at: time, shift: geometry.shift, bucketCount: geometry.bucketCount)
        pullFarEntriesIntoWindow()
    }

    /// Gives the window a better geometry without waiting for it to drain: takes its entries
    /// out, re-bases it where the taken buckets end (so `current` stays valid), and puts them
    /// back (into `far` if they now lie beyond it). O(entries in the window); happens at most
    /// once per `max(64, buckets / 16)` buckets taken.
    @inlinable
    mutating func refitWindow() {
        guard let restart = window.firstUntakenInstant, window.entryCount > 0 else { return }
        var entries: [QueueEntry] = []
        window.removeAllEntries(into: &entries)
        let geometry = window.nextGeometry(pendingCount: liveCount, farCount: far.count, drained: false)
        window.rebase(at: restart, shift: geometry.shift, bucketCount: geometry.bucketCount)
        for entry in entries {
            if !isLive(entry) {
                entryCount -= 1
                continue
            }
            switch window.placement(of: entry.time) {
            case .bucket(let bucket): window.insert(entry, bucket: bucket)
            case .beyond: far.push(entry)
            case .taken: preconditionFailure("window entries lie at or after the first untaken bucket")
            }
        }
        pullFarEntriesIntoWindow()
    }

    /// Moves the live `far` entries that fall inside the window into its buckets.
    @inlinable
    mutating func pullFarEntriesIntoWindow() {
        while let top = far.top, case .bucket(let bucket) = window.placement(of: top.time) {
            far.removeTop()
            if isLive(top) {
                window.insert(top, bucket: bucket)
            } else {
                entryCount -= 1
            }
        }
    }

    @inlinable @inline(__always)
    mutating func allocateSlot(_ payload: consuming Payload) -> UInt32 {
        if firstFreeSlot >= 0 {
            let slot = Int(firstFreeSlot)
            firstFreeSlot = slots[slot].time
            slots[slot].payload = payload
            return UInt32(slot)
        }
        precondition(slots.count < Int(UInt32.max), "event queue is limited to 2^32 - 1 pending events")
        slots.append(Slot(payload: payload, liveSequence: .max, time: 0, generation: 0))
        return UInt32(slots.count - 1)
    }

    /// Frees `slot` (its entries become stale) and returns the payload it held.
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
        liveCount -= 1
        return payload
    }

    /// Purges stale entries from every tier once they outnumber live ones. O(n), after at
    /// least n/2 operations that each made one entry stale: O(1) amortized.
    @inlinable
    mutating func purgeIfMostlyStale() {
        let stale = entryCount - liveCount
        guard stale > Self.staleEntriesAllowed, stale > liveCount else { return }
        let slots = self.slots  // shares storage; the closures below only read it
        let isStale = { (entry: QueueEntry) in slots[Int(entry.slot)].liveSequence != entry.sequence }
        entryCount -= current.removeAll(where: isStale)
        entryCount -= window.removeAll(where: isStale)
        entryCount -= far.removeAll(where: isStale)
    }
}

extension EventQueue {
    /// Checks every structural invariant and returns the first violation, or `nil`:
    /// heap order in both heaps, each entry in the tier its time belongs to, a live top that
    /// precedes every other live entry, one live entry per pending event, slot and free-list
    /// accounting, and the stale bound. For tests; O(n).
    public func invariantViolation() -> String? {
        guard current.isOrdered(), far.isOrdered() else { return "a heap is out of order" }
        let windowEntries = window.storedEntries()
        for (bucket, entry) in windowEntries {
            guard window.placement(of: entry.time) == .bucket(bucket), window.isMarkedOccupied(bucket) else {
                return "entry at \(entry.time) misplaced in bucket \(bucket)"
            }
        }
        if current.entries.contains(where: { window.placement(of: $0.time) != .taken }) { return "current holds a later entry" }
        if far.entries.contains(where: { window.placement(of: $0.time) != .beyond }) { return "far holds an entry inside the window" }
        let all = current.entries + windowEntries.map(\.entry) + far.entries
        // Read the slots directly: `isLive` trusts the counters this check is verifying.
        let isLiveBySlot = { (entry: QueueEntry) in slots[Int(entry.slot)].liveSequence == entry.sequence }
        let live = all.filter(isLiveBySlot)
        if let top = current.top {
            if !isLiveBySlot(top) { return "the top entry is stale" }
            if live.contains(where: { $0.precedes(top) }) { return "a live entry precedes the top" }
        } else if !live.isEmpty {
            return "current is empty while \(live.count) live entries wait"
        }
        return accountingViolation(entries: all.count, liveEntries: live.count) ?? batchViolation() ?? lanes.violation()
    }

    private func accountingViolation(entries: Int, liveEntries: Int) -> String? {
        let occupied = slots.filter { $0.liveSequence != .max }.count
        var listed = 0
        var free = firstFreeSlot
        while free >= 0 && listed <= slots.count {
            if slots[Int(free)].liveSequence != .max { return "occupied slot \(free) on the free list" }
            listed += 1
            free = slots[Int(free)].time
        }
        guard entries == entryCount, liveEntries == liveCount, occupied == liveCount, occupied + listed == slots.count else {
            return "accounting: \(entries) entries (\(entryCount) counted), \(liveEntries) live, \(occupied) occupied slots, "
                + "count \(liveCount), \(listed) listed free of \(slots.count)"
        }
        if entryCount - liveCount > max(liveCount, Self.staleEntriesAllowed) {
            return "\(entryCount - liveCount) stale entries for \(liveCount) live ones"
        }
        return nil
    }
}
