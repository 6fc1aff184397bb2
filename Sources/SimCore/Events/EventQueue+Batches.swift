extension EventQueue {
    /// The events of one ``scheduleBatch(_:time:payload:)``: their payloads until popped, in
    /// the order given, and their keys sorted by (time, sequence), each packed in one word as
    /// its time after `timeBase` (high 48 bits) and its place in the batch (low 16 bits, so
    /// its sequence number is `sequenceBase` plus that), so that sorting moves words and
    /// compares them once; and the index of the next key to pop. The arrays are reused: only
    /// their first `count` elements belong to the batch (emptying them on every free went
    /// through the standard library's generic range replacement, about 900 instructions).
    @usableFromInline
    struct Batch {
        @usableFromInline var keys: [UInt64] = []
        @usableFromInline var payloads: [Payload?] = []
        @usableFromInline var count = 0
        @usableFromInline var timeBase: Int64 = 0
        @usableFromInline var sequenceBase: UInt64 = 0
        @usableFromInline var next = 0
        /// Room for sorting a large batch's keys (``scatter(_:into:starts:count:)``), kept
        /// with the batch so that sorting allocates nothing.
        @usableFromInline var unsorted: [UInt64] = []
        @usableFromInline var bucketStarts: [Int] = []

        @inlinable
        init() {}

        /// The queue entry of key `index`, with the batch's index `batch` in place of a slot.
        @inlinable @inline(__always)
        func entry(_ index: Int, batch: UInt32) -> QueueEntry {
            let key = keys[index]
            return QueueEntry(time: timeBase &+ Int64(key >> 16), sequence: sequenceBase &+ (key & 0xFFFF), slot: batch)
        }

        /// Sorts the first ``count`` keys: a large batch's scattered by bucket from a copy
        /// first (see ``EventQueue/scatter(_:into:starts:count:)``).
        @inlinable
        mutating func sortKeys() {
            let count = self.count
            if count > EventQueue.insertionSortLimit {
                swap(&keys, &unsorted)
                unsorted.withUnsafeMutableBufferPointer { unsorted in
                    keys.withUnsafeMutableBufferPointer { keys in
                        bucketStarts.withUnsafeMutableBufferPointer { starts in
                            EventQueue.scatter(unsorted, into: keys, starts: starts, count: count)
                        }
                    }
                }
            }
            keys.withUnsafeMutableBufferPointer { EventQueue.sort($0, count: count) }
        }

        /// Makes both arrays hold at least `count` elements (later ones zero keys and no
        /// payloads), for the batch to write the first `count` through buffers.
        @inlinable
        mutating func reserve(_ count: Int) {
            if keys.count < count { keys += repeatElement(0, count: count - keys.count) }
            if payloads.count < count { payloads += repeatElement(nil, count: count - payloads.count) }
            guard count > EventQueue.insertionSortLimit else { return }
            if unsorted.count < count { unsorted += repeatElement(0, count: count - unsorted.count) }
            let starts = EventQueue.bucketStartsNeeded(count)
            if bucketStarts.count < starts { bucketStarts += repeatElement(0, count: starts - bucketStarts.count) }
        }
    }

    /// Schedules `count` events at once: event `i` is `payload(i)` due at `time(i)`, and the
    /// batch is popped exactly as if each had been scheduled with ``schedule(_:at:)`` in the
    /// order `0..<count` (each draws its sequence number now, so ties at equal times break the
    /// same way). A batch waits as one entry in a heap of batches, keyed by its earliest event
    /// not yet popped; when that one is popped the entry moves to the next, with the sequence
    /// number it drew here. A broadcast's copies so skip a slot each and the trip through the
    /// tiers. Batched events cannot be cancelled or rescheduled. A batch of more than 65,536
    /// events, or spread over more than 2^47 ns (about 39 hours), is scheduled event by event.
    /// - Precondition: `count >= 0`.
    /// - Complexity: O(count²) at worst to sort the batch (insertion sort: the batches are a
    ///   subnet's broadcasts, tens of events), then O(log b) per event for b batches in flight.
    @inlinable
    public mutating func scheduleBatch(_ count: Int, time: (Int) -> SimInstant, payload: (Int) -> Payload) {
        scheduleBatch(count, notBefore: .min, time: time, payload: payload)
    }

    /// ``scheduleBatch(_:time:payload:)``, checking every time against `notBefore` (the
    /// scheduler's now, in nanoseconds).
    @inlinable
    mutating func scheduleBatch(_ count: Int, notBefore: Int64, time: (Int) -> SimInstant, payload: (Int) -> Payload) {
        precondition(count >= 0, "a batch of \(count) events")
        guard count > 1 else {
            if count == 1 { schedule(payload(0), at: Self.checked(time(0), notBefore: notBefore)) }
            return
        }
        let batch = allocateBatch()
        // Filled as a local value (moved out and back: no copy), so that its arrays are
        // written through buffers without a uniqueness check per element.
        var filling = Batch()
        swap(&filling, &batches[batch])
        filling.reserve(count)
        // The times first, as raw keys; packed below once their range is known.
        var earliest = Int64.max
        var latest = Int64.min
        filling.keys.withUnsafeMutableBufferPointer { keys in
            precondition(keys.count >= count, "reserve(_:) made room for the batch")
            for index in 0..<count {
                let instant = Self.checked(time(index), notBefore: notBefore).nanosecondsSinceStart
                earliest = min(earliest, instant)
                latest = max(latest, instant)
                keys[index] = UInt64(bitPattern: instant)
            }
        }
        let (spread, overflow) = latest.subtractingReportingOverflow(earliest)
        guard count <= 1 << 16, !overflow, spread < 1 << 47 else {
            swap(&filling, &batches[batch])
            return scheduleUnpacked(batch, count: count, payload: payload)
        }
        filling.count = count
        filling.timeBase = earliest
        filling.sequenceBase = nextSequence
        nextSequence += UInt64(count)
        filling.keys.withUnsafeMutableBufferPointer { keys in
            precondition(keys.count >= count, "reserve(_:) made room for the batch")
            for index in 0..<count {
                keys[index] = UInt64(bitPattern: Int64(bitPattern: keys[index]) &- earliest) << 16 | UInt64(index)
            }
        }
        filling.sortKeys()
        filling.payloads.withUnsafeMutableBufferPointer { payloads in
            precondition(payloads.count >= count, "reserve(_:) made room for the batch")
            for index in 0..<count { payloads[index] = payload(index) }
        }
        batchedCount += count
        batchHeap.push(filling.entry(0, batch: UInt32(batch)))
        swap(&filling, &batches[batch])
    }

    /// `time`, after checking that it is at or after `notBefore`.
    @inlinable @inline(__always)
    static func checked(_ time: SimInstant, notBefore: Int64) -> SimInstant {
        precondition(time.nanosecondsSinceStart >= notBefore, "cannot schedule an event in the past")
        return time
    }

    /// Schedules a batch whose keys cannot be packed event by event, at the times its keys
    /// hold, and frees it.
    @inlinable
    mutating func scheduleUnpacked(_ batch: Int, count: Int, payload: (Int) -> Payload) {
        for index in 0..<count {
            schedule(payload(index), at: SimInstant(nanosecondsSinceStart: Int64(bitPattern: batches[batch].keys[index])))
        }
        freeBatch(batch)
    }

    /// Pops the next event of the batch whose entry `top` is the top of ``batchHeap``: the
    /// batch's entry moves to its next event, or the batch is freed after its last.
    @inlinable
    mutating func popFiring(_ top: QueueEntry) -> ScheduledEvent<Payload> {
        let batch = Int(top.slot)
        // Read in place: moving the batch out and back, as `scheduleBatch` does, measured
        // worse here (34 M more instructions at 40 nodes, 20 s).
        let index = batches[batch].next
        let place = Int(batches[batch].keys[index] & 0xFFFF)
        guard let payload = batches[batch].payloads[place].take() else {
            preconditionFailure("batch \(batch) popped its event \(place) twice")
        }
        batchedCount -= 1
        if index + 1 < batches[batch].count {
            batches[batch].next = index + 1
            batchHeap.replaceTop(batches[batch].entry(index + 1, batch: top.slot))
        } else {
            batchHeap.removeTop()
            freeBatch(batch)
        }
        // No handle: batched events cannot be cancelled (this one is never pending).
        return ScheduledEvent(
            time: SimInstant(nanosecondsSinceStart: top.time), sequence: top.sequence,
            handle: EventHandle(slot: .max, generation: 0), payload: payload)
    }

    @inlinable
    mutating func allocateBatch() -> Int {
        if let free = freeBatches.popLast() { return Int(free) }
        precondition(batches.count < Int(Int32.max), "event queue is limited to 2^31 - 1 batches")
        batches.append(Batch())
        return batches.count - 1
    }

    /// Frees `batch`, whose last event was popped (every payload it held is taken), keeping
    /// its arrays for the next batch.
    @inlinable
    mutating func freeBatch(_ batch: Int) {
        batches[batch].count = 0
        batches[batch].next = 0
        freeBatches.append(Int32(batch))
    }

    /// Batches of at most this many events are sorted by insertion alone.
    @inlinable
    static var insertionSortLimit: Int { 16 }

    /// The bucket counters ``scatter(_:into:starts:count:)`` needs for `count` keys: up to
    /// `2 * count` buckets, and one more.
    @inlinable
    static func bucketStartsNeeded(_ count: Int) -> Int { 2 * count + 1 }

    /// Sorts the first `count` packed keys (their time first, then their place in the batch)
    /// by insertion. O(count + inversions).
    @inlinable
    static func sort(_ keys: UnsafeMutableBufferPointer<UInt64>, count: Int) {
        precondition(count <= keys.count, "\(count) keys in a buffer of \(keys.count)")
        guard count > 1 else { return }
        for index in 1..<count where keys[index] < keys[index - 1] {
            let moving = keys[index]
            var hole = index
            while hole > 0 && moving < keys[hole - 1] {
                keys[hole] = keys[hole - 1]
                hole -= 1
            }
            keys[hole] = moving
        }
    }

    /// Copies the first `count` keys of `source` into `keys` (`count >= 1`) ordered by bucket,
    /// stably: a key's bucket is its value shifted right so that the largest key's bucket is
    /// below `2 * count`; buckets grow with the key, so that afterwards only keys sharing a
    /// bucket can be out of order, and ``sort(_:count:)`` finishes in few moves. A broadcast's
    /// copies arrive in clusters (one per region) spread over tens of milliseconds, in the
    /// cyclic order of the peers' regions: sorted by insertion alone, 39 copies cost about
    /// 3,400 instructions. `starts` holds the bucket counters.
    @inlinable
    static func scatter(_ source: UnsafeMutableBufferPointer<UInt64>, into keys: UnsafeMutableBufferPointer<UInt64>,
                        starts: UnsafeMutableBufferPointer<Int>, count: Int) {
        precondition(count >= 1 && source.count >= count && keys.count >= count && starts.count >= bucketStartsNeeded(count),
                     "room for \(count) keys")
        var largest: UInt64 = 0
        for index in 0..<count { largest = max(largest, source[index]) }
        // The smallest shift that brings `largest` below 2^bits, with 2^bits <= 2 * count.
        let bits = Int.bitWidth - count.leadingZeroBitCount
        let shift = UInt64(max(0, (UInt64.bitWidth - largest.leadingZeroBitCount) - bits))
        let bucketCount = Int(largest >> shift) + 1
        precondition(bucketCount + 1 <= starts.count, "\(bucketCount) buckets for \(count) keys")
        for bucket in 0...bucketCount { starts[bucket] = 0 }
        for index in 0..<count { starts[Int(source[index] >> shift) + 1] += 1 }
        for bucket in 0..<bucketCount { starts[bucket + 1] += starts[bucket] }
        for index in 0..<count {
            let key = source[index]
            let bucket = Int(key >> shift)
            keys[starts[bucket]] = key
            starts[bucket] += 1
        }
    }

    /// Whether the batches' accounting holds: the batch heap is in order, holds one entry per
    /// batch in flight, each its batch's next event, and ``batchedCount`` counts their events
    /// not yet popped. For ``invariantViolation()``; O(n).
    func batchViolation() -> String? {
        guard batchHeap.isOrdered() else { return "the batch heap is out of order" }
        var waiting = 0
        for entry in batchHeap.entries {
            let batch = batches[Int(entry.slot)]
            let next = batch.next < batch.count ? batch.entry(batch.next, batch: entry.slot) : nil
            let keys = batch.keys.prefix(batch.count)
            guard let next, next.sequence == entry.sequence, next.time == entry.time,
                  zip(keys.dropFirst(batch.next), keys.dropFirst(batch.next + 1)).allSatisfy({ $0 < $1 }) else {
                return "the entry of batch \(entry.slot) is not its next event"
            }
            waiting += batch.count - batch.next
        }
        let inFlight = batches.count - freeBatches.count
        guard waiting == batchedCount, batchHeap.count == inFlight else {
            return "batches: \(waiting) events waiting (\(batchedCount) counted), \(batchHeap.count) entries for \(inFlight) batches"
        }
        return nil
    }
}
