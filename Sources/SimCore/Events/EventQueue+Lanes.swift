/// Lanes: side queues for events that are scheduled nearly in time order.
///
/// Many events are due a fixed delay after the moment they are scheduled (a client's timeout
/// ten seconds after its call reached a replica, the call's answer on its way back). Since
/// `now` never decreases, such events arrive at the queue in time order, or close to it (the
/// delay varies by a little jitter). A lane is a ring buffer of such events, kept sorted by
/// (time, sequence): an event joins it at the tail, or a few places before the tail when its
/// time is earlier than the last ones'. Its head competes with the tiers' top and the
/// batches' at pop time, so the total order is the one ``EventQueue/schedule(_:at:)`` gives:
/// each laned event draws its sequence number when scheduled, exactly as if scheduled there.
/// An event that would go more than ``EventLanes/displacementMax`` places before the tail is
/// scheduled in the tiers instead (the order is the same either way). Laned events cannot be
/// cancelled or rescheduled.
///
/// A queue of far-future timeouts, each answered long before it fires, so skips the far heap,
/// the calendar window and the current heap (about 12 % of a loaded subnet's run went to the
/// clients' queue).
@usableFromInline
struct EventLanes<Payload> {
    /// The lanes' entries and their heads' tournament tree (`nil` until an event is laned),
    /// shared by copies of the queue until one of them changes it.
    @usableFromInline var storage: EventLaneStorage<Payload>?
    /// Events in all lanes.
    @usableFromInline var count = 0

    /// Most places an event may join a lane before its tail (else it goes to the tiers).
    @usableFromInline static var displacementMax: Int { 64 }
    /// Most lanes a queue has.
    @usableFromInline static var laneCountMax: Int { EventLaneStorage<Payload>.laneCountMax }

    @inlinable
    init() {}

    /// The earliest laned event's key, if any.
    @inlinable @inline(__always)
    var first: (time: Int64, sequence: UInt64)? {
        guard count > 0, let root = storage?.root else { return nil }
        return (root.time, root.sequence)
    }

    /// How many places before lane `lane`'s tail an event due at `time` (drawing a sequence
    /// number above every laned one) goes, or `nil` if more than ``displacementMax``.
    @inlinable
    func displacement(ofTime time: Int64, inLane lane: Int) -> Int? {
        // Through the stored reference: binding it would retain and release it. (Optional
        // chaining flattens the optional result, so no storage is told apart first.)
        guard storage != nil else { return 0 }
        return storage?.displacement(ofTime: time, inLane: lane, limit: Self.displacementMax)
    }

    /// Makes the storage this queue's own (copied first if another queue shares it, created
    /// if there is none). Checked before any other reference is taken: a reference bound
    /// first made every check fail, and every change copied the lanes.
    @inlinable @inline(__always)
    mutating func makeStorageUnique() {
        guard !isKnownUniquelyReferenced(&storage) else { return }
        storage = storage.map { EventLaneStorage(copying: $0) } ?? EventLaneStorage()
    }

    /// Inserts the event (`time`, `sequence`, `payload`) into lane `lane`, `places` before its
    /// tail (``displacement(ofTime:inLane:)``).
    /// - Precondition: `lane` is in `0..<laneCountMax`; `places` keeps the lane sorted.
    @inlinable
    mutating func insert(_ payload: consuming Payload, time: Int64, sequence: UInt64, lane: Int, places: Int) {
        precondition(lane >= 0 && lane < Self.laneCountMax, "lane \(lane) outside 0..<\(Self.laneCountMax)")
        makeStorageUnique()
        // Through the stored reference (not a bound copy of it: no retain and release).
        storage?.insert(EventLaneStorage.Entry(time: time, sequence: sequence, payload: payload), lane: lane, places: places)
        count &+= 1
    }

    /// Removes the earliest laned event and returns it.
    /// - Precondition: a lane holds an event.
    @inlinable
    mutating func popFirst() -> (time: Int64, sequence: UInt64, payload: Payload) {
        precondition(count > 0, "popFirst() on empty lanes")
        makeStorageUnique()
        guard let entry = storage?.popFirst() else { preconditionFailure("laned events without lanes") }
        count &-= 1
        return (entry.time, entry.sequence, entry.payload)
    }

    /// Whether every lane is sorted, the count adds up and the heads' tree is right. For
    /// tests; O(n).
    func violation() -> String? {
        guard let storage else { return count == 0 ? nil : "\(count) laned events without lanes" }
        return storage.violation(count: count)
    }
}

extension EventQueue {
    /// Schedules `payload` at `time` in lane `lane` (0 to 63): a side queue for events
    /// scheduled in time order or nearly (each a fixed delay from now, give or take a little):
    /// see ``EventLanes``. The event pops exactly as if scheduled with ``schedule(_:at:)``,
    /// but cannot be cancelled or rescheduled. Use one lane per kind of delay.
    /// - Precondition: `lane` is in `0..<64`.
    /// - Complexity: O(1) amortized when the event joins its lane within a few places of the
    ///   tail; else as ``schedule(_:at:)``. Popping a laned event is O(lanes in use).
    @inlinable
    public mutating func schedule(_ payload: consuming Payload, at time: SimInstant, lane: Int) {
        let nanos = time.nanosecondsSinceStart
        guard let places = lanes.displacement(ofTime: nanos, inLane: lane) else {
            schedule(payload, at: time)
            return
        }
        let sequence = nextSequence
        nextSequence += 1
        lanes.insert(payload, time: nanos, sequence: sequence, lane: lane, places: places)
    }

    /// The earliest laned event, popped if it precedes the tiers' top and the batches' (`nil`:
    /// it does not, or no event is laned).
    @inlinable @inline(__always)
    mutating func popLaneIfFirst() -> ScheduledEvent<Payload>? {
        guard let first = lanes.first else { return nil }
        if let top = current.top, !(first.time < top.time || (first.time == top.time && first.sequence < top.sequence)) { return nil }
        if let batch = batchHeap.top, !(first.time < batch.time || (first.time == batch.time && first.sequence < batch.sequence)) { return nil }
        let event = lanes.popFirst()
        // No handle: laned events cannot be cancelled (this one is never pending).
        return ScheduledEvent(
            time: SimInstant(nanosecondsSinceStart: event.time), sequence: event.sequence,
            handle: EventHandle(slot: .max, generation: 0), payload: event.payload)
    }

    /// The time of the next event, lanes included.
    @inlinable
    var nextTimeWithLanes: SimInstant? {
        var time = lanes.first?.time ?? .max
        if let top = current.top { time = min(time, top.time) }
        if let batch = batchHeap.top { time = min(time, batch.time) }
        return isEmpty ? nil : SimInstant(nanosecondsSinceStart: time)
    }
}

extension Scheduler {
    /// Schedules `event` at `time` in lane `lane` of the queue (``EventQueue/schedule(_:at:lane:)``):
    /// for events due a fixed delay after now, give or take a little, which cannot be
    /// cancelled. They run exactly as if scheduled with ``schedule(_:at:)``.
    /// - Precondition: `time >= now`; `lane` is in `0..<64`.
    @inlinable
    public mutating func schedule(_ event: consuming Event, at time: SimInstant, lane: Int) {
        precondition(time >= now, "cannot schedule an event in the past")
        queue.schedule(event, at: time, lane: lane)
    }
}
