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
    /// One lane's event: its key and its payload (taken when popped).
    @usableFromInline
    struct Entry {
        @usableFromInline var time: Int64
        @usableFromInline var sequence: UInt64
        @usableFromInline var payload: Payload?

        @inlinable
        init(time: Int64, sequence: UInt64, payload: Payload?) {
            self.time = time
            self.sequence = sequence
            self.payload = payload
        }

        /// Whether this entry's key precedes (`time`, `sequence`).
        @inlinable @inline(__always)
        func precedes(time other: Int64, sequence otherSequence: UInt64) -> Bool {
            time < other || (time == other && sequence < otherSequence)
        }
    }

    /// One lane: a ring buffer of entries sorted by (time, sequence); its capacity is zero or
    /// a power of two.
    @usableFromInline
    struct Lane {
        @usableFromInline var ring: [Entry] = []
        /// The ring index of the earliest entry.
        @usableFromInline var head = 0
        @usableFromInline var count = 0

        @inlinable
        init() {}

        /// The ring index of the `offset`-th entry from the head.
        @inlinable @inline(__always)
        func index(_ offset: Int) -> Int { (head &+ offset) & (ring.count &- 1) }

        /// How many places before the tail an event due at `time` goes, or `nil` if more
        /// than ``displacementMax``.
        @inlinable
        func displacement(ofTime time: Int64) -> Int? {
            let (filled, head) = (count, head)
            return ring.withUnsafeBufferPointer { ring in
                let mask = ring.count &- 1
                var places = 0
                while places < filled && ring[(head &+ filled &- 1 &- places) & mask].time > time {
                    places &+= 1
                    if places > EventLanes.displacementMax { return nil }
                }
                return places
            }
        }

        /// Removes the head entry: its time, sequence and payload.
        /// - Precondition: the lane is not empty.
        @inlinable
        mutating func popHead() -> (time: Int64, sequence: UInt64, payload: Payload?) {
            precondition(count > 0, "popHead() on an empty lane")
            let first = head
            head = (first &+ 1) & (ring.count &- 1)
            count &-= 1
            return ring.withUnsafeMutableBufferPointer { ring in
                (ring[first].time, ring[first].sequence, ring[first].payload.take())
            }
        }

        /// Inserts `entry` `places` before the tail: the last `places` entries move one place
        /// on, and `entry` goes in the hole.
        /// - Precondition: the ring has room.
        @inlinable
        mutating func insert(_ entry: Entry, places: Int) {
            precondition(count < ring.count, "insert(_:places:) into a full lane")
            let (filled, head) = (count, head)
            count = filled &+ 1
            ring.withUnsafeMutableBufferPointer { ring in
                let mask = ring.count &- 1
                var hole = (head &+ filled) & mask
                for _ in 0..<places {
                    let previous = (hole &- 1) & mask
                    swap(&ring[hole], &ring[previous])
                    hole = previous
                }
                ring[hole] = entry
            }
        }

        /// The head entry's time and sequence (`Int64.max` and `UInt64.max` when empty).
        @inlinable
        var headKey: (time: Int64, sequence: UInt64) {
            count > 0 ? (ring[head].time, ring[head].sequence) : (.max, .max)
        }
    }

    /// Most places an event may join a lane before its tail (else it goes to the tiers).
    @usableFromInline static var displacementMax: Int { 64 }
    /// Most lanes a queue has.
    @usableFromInline static var laneCountMax: Int { 64 }

    @usableFromInline var lanes: [Lane] = []
    /// Each lane's head's time and sequence (`Int64.max` and `UInt64.max` for an empty lane),
    /// side by side, so that finding the earliest head scans two small arrays.
    @usableFromInline var headTimes: [Int64] = []
    @usableFromInline var headSequences: [UInt64] = []
    /// Events in all lanes.
    @usableFromInline var count = 0
    /// The lane whose head is the earliest of all heads (-1 when every lane is empty).
    @usableFromInline var earliest = -1

    @inlinable
    init() {}

    /// The earliest laned event's key, if any.
    @inlinable @inline(__always)
    var first: (time: Int64, sequence: UInt64)? {
        guard earliest >= 0 else { return nil }
        return (headTimes[earliest], headSequences[earliest])
    }

    /// How many places before lane `lane`'s tail an event due at `time` (drawing a sequence
    /// number above every laned one) goes, or `nil` if more than ``displacementMax``.
    @inlinable
    func displacement(ofTime time: Int64, inLane lane: Int) -> Int? {
        guard lanes.indices.contains(lane) else { return 0 }
        return lanes.withUnsafeBufferPointer { lanes in lanes[lane].displacement(ofTime: time) }
    }

    /// Inserts the event (`time`, `sequence`, `payload`) into lane `lane`, `places` before its
    /// tail (``displacement(ofTime:inLane:)``).
    /// - Precondition: `lane` is in `0..<laneCountMax`; `places` keeps the lane sorted.
    @inlinable
    mutating func insert(_ payload: consuming Payload, time: Int64, sequence: UInt64, lane: Int, places: Int) {
        precondition(lane >= 0 && lane < Self.laneCountMax, "lane \(lane) outside 0..<\(Self.laneCountMax)")
        while lanes.count <= lane {
            lanes.append(Lane())
            headTimes.append(.max)
            headSequences.append(.max)
        }
        if lanes[lane].count == lanes[lane].ring.count { grow(lane) }
        precondition(places >= 0 && places <= lanes[lane].count, "a lane event \(places) places before a tail of \(lanes[lane].count)")
        let filled = lanes[lane].count
        let entry = Entry(time: time, sequence: sequence, payload: payload)
        lanes.withUnsafeMutableBufferPointer { lanes in lanes[lane].insert(entry, places: places) }
        count &+= 1
        // Only a new head can become the earliest event of all lanes.
        guard places == filled else { return }
        headTimes[lane] = time
        headSequences[lane] = sequence
        if earliest != lane, let first, !(time < first.time || (time == first.time && sequence < first.sequence)) { return }
        earliest = lane
    }

    /// Doubles lane `lane`'s ring (at least 16 entries), its entries moved to the front in order.
    @inlinable
    mutating func grow(_ lane: Int) {
        let old = lanes[lane]
        var ring: [Entry] = []
        ring.reserveCapacity(max(16, old.ring.count * 2))
        for offset in 0..<old.count { ring.append(old.ring[old.index(offset)]) }
        while ring.count < max(16, old.ring.count * 2) { ring.append(Entry(time: 0, sequence: 0, payload: nil)) }
        lanes[lane] = Lane()
        lanes[lane].ring = ring
        lanes[lane].count = old.count
    }

    /// Removes the earliest laned event and returns it.
    /// - Precondition: a lane holds an event.
    @inlinable
    mutating func popFirst() -> (time: Int64, sequence: UInt64, payload: Payload) {
        let lane = earliest
        precondition(lane >= 0 && lane < lanes.count, "popFirst() on empty lanes")
        let (event, next) = lanes.withUnsafeMutableBufferPointer { lanes in (lanes[lane].popHead(), lanes[lane].headKey) }
        guard let payload = event.payload else { preconditionFailure("lane \(lane) popped an event twice") }
        headTimes[lane] = next.time
        headSequences[lane] = next.sequence
        count &-= 1
        findEarliest()
        return (event.time, event.sequence, payload)
    }

    /// Sets ``earliest`` to the lane with the earliest head. O(lanes).
    @inlinable
    mutating func findEarliest() {
        guard count > 0 else {
            earliest = -1
            return
        }
        earliest = headTimes.withUnsafeBufferPointer { times in
            headSequences.withUnsafeBufferPointer { sequences in
                var best = 0
                var bestTime = times[0]
                var bestSequence = sequences[0]
                for lane in 1..<min(times.count, sequences.count) {
                    let time = times[lane]
                    if time < bestTime || (time == bestTime && sequences[lane] < bestSequence) {
                        best = lane
                        bestTime = time
                        bestSequence = sequences[lane]
                    }
                }
                return best
            }
        }
    }

    /// Whether every lane is sorted, the counts add up and ``earliest`` is right. For tests; O(n).
    func violation() -> String? {
        var total = 0
        var best: (time: Int64, sequence: UInt64, lane: Int)?
        for (number, lane) in lanes.enumerated() {
            let entries = (0..<lane.count).map { lane.ring[lane.index($0)] }
            if entries.contains(where: { $0.payload == nil }) { return "lane \(number) holds an event without a payload" }
            if zip(entries, entries.dropFirst()).contains(where: { !$0.precedes(time: $1.time, sequence: $1.sequence) }) {
                return "lane \(number) is out of order"
            }
            if let head = entries.first, best.map({ head.precedes(time: $0.time, sequence: $0.sequence) }) ?? true {
                best = (head.time, head.sequence, number)
            }
            total += lane.count
        }
        guard total == count else { return "lanes hold \(total) events, \(count) counted" }
        for (number, lane) in lanes.enumerated() {
            let key = lane.count > 0 ? (lane.ring[lane.head].time, lane.ring[lane.head].sequence) : (Int64.max, UInt64.max)
            guard headTimes.indices.contains(number), headSequences.indices.contains(number),
                  (headTimes[number], headSequences[number]) == key else { return "lane \(number)'s head key is wrong" }
        }
        guard (best?.lane ?? -1) == earliest else { return "the earliest lane is \(best?.lane ?? -1), not \(earliest)" }
        return nil
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
