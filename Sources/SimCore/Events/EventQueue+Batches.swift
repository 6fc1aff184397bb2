/// A batch's place in the queue's heap of batches: the key of its next event (the time, and
/// the sequence number the event drew when the batch was scheduled), the batch's index, the
/// event's index among the batch's sorted keys and its tag. The event's payload is rebuilt
/// from the batch's template and the tag when it is popped, and the next key read from the
/// batch then, so that a pop reads no per-event payload (a cache miss each at 40 nodes).
@usableFromInline
struct BatchEntry: HeapEntry, Equatable {
    @usableFromInline var key: EventKey
    @usableFromInline var batch: UInt32
    /// The event's index among its batch's sorted keys.
    @usableFromInline var index: UInt16
    /// The event's tag: which copy of the batch's template it is.
    @usableFromInline var tag: UInt16

    @inlinable
    init(time: Int64, sequence: UInt64, batch: UInt32, index: UInt16, tag: UInt16) {
        key = EventKey(time: time, sequence: sequence)
        self.batch = batch
        self.index = index
        self.tag = tag
    }

    /// The entry of key `index` of batch `batch`, unpacked from its packed `key` (see
    /// ``PackedBatch``) and the batch's time and sequence bases.
    @inlinable @inline(__always)
    init(packedKey key: UInt64, timeBase: Int64, sequenceBase: UInt64, batch: UInt32, index: Int) {
        self.init(time: timeBase &+ Int64(key >> 32), sequence: sequenceBase &+ (key >> 16 & 0xFFFF),
                  batch: batch, index: UInt16(truncatingIfNeeded: index), tag: UInt16(truncatingIfNeeded: key))
    }

    /// Whether this entry's event comes before the tiers' entry `other`.
    @inlinable @inline(__always)
    func precedes(_ other: QueueEntry) -> Bool { key.precedes(other.key) }
}

/// The keys of one batch of events (``EventQueue/scheduleBatch(_:count:time:tag:)``)
/// sorted by (time, sequence), each packed in one word as its time after `timeBase` (high 32
/// bits), its place in the batch (16 bits: its sequence number is `sequenceBase` plus that)
/// and its tag (low 16 bits), so that sorting moves words and compares them once. The queue
/// keeps one, where each batch is packed and sorted before it is copied into its region of
/// ``EventQueue/batchWords``; its arrays are reused: only the first `count` keys belong to
/// the batch being scheduled.
@usableFromInline
struct PackedBatch {
    @usableFromInline var keys: [UInt64] = []
    @usableFromInline var count = 0
    @usableFromInline var timeBase: Int64 = 0
    @usableFromInline var sequenceBase: UInt64 = 0
    /// Room for sorting a large batch's keys (``scatter(_:into:starts:count:)``),
    /// kept with the batch so that sorting allocates nothing.
    @usableFromInline var unsorted: [UInt64] = []
    @usableFromInline var bucketStarts: [Int] = []

    @inlinable
    init() {}

    /// Batches of at most this many events are sorted by insertion alone.
    @inlinable
    static var insertionSortLimit: Int { 16 }

    /// The heap entry of key `index`, for the batch `batch`.
    @inlinable @inline(__always)
    func entry(_ index: Int, batch: UInt32) -> BatchEntry {
        BatchEntry(packedKey: keys[index], timeBase: timeBase, sequenceBase: sequenceBase, batch: batch, index: index)
    }

    /// Sorts the first ``count`` keys: a large batch's scattered by bucket from a copy
    /// first (see ``scatter(_:into:starts:count:)``).
    @inlinable
    mutating func sortKeys() {
        let count = self.count
        if count > Self.insertionSortLimit {
            swap(&keys, &unsorted)
            unsorted.withUnsafeMutableBufferPointer { unsorted in
                keys.withUnsafeMutableBufferPointer { keys in
                    bucketStarts.withUnsafeMutableBufferPointer { starts in
                        Self.scatter(unsorted, into: keys, starts: starts, count: count)
                    }
                }
            }
        }
        keys.withUnsafeMutableBufferPointer { Self.sort($0, count: count) }
    }

    /// Makes the keys (and, for a large batch, the sorting room) hold at least `count`
    /// elements, for the batch to write the first `count` through buffers.
    @inlinable
    mutating func reserve(_ count: Int) {
        if keys.count < count { keys += repeatElement(0, count: count - keys.count) }
        guard count > Self.insertionSortLimit else { return }
        if unsorted.count < count { unsorted += repeatElement(0, count: count - unsorted.count) }
        let starts = Self.bucketStartsNeeded(count)
        if bucketStarts.count < starts { bucketStarts += repeatElement(0, count: starts - bucketStarts.count) }
    }

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
}

extension EventQueue {
    /// Schedules `count` events at once, all made from `template`: event `i` is due at
    /// `time(i)` and is the template's copy for the tag `tag(i)`, which whoever pops it makes
    /// (``popNext(copying:)``; ``Simulation`` makes it with its model's
    /// ``TracedModel/batchCopy(of:tag:)``). The batch is popped exactly as if each event had
    /// been scheduled with ``schedule(_:at:)`` in the order `0..<count` (each draws its
    /// sequence number now, so ties at equal times break the same way). A batch waits as one
    /// entry in a heap of batches, keyed by its earliest event not yet popped; when that one
    /// is popped the entry moves to the next, with the sequence number it drew here. A broadcast's copies (one
    /// message, a receiver each) so skip a slot and a payload each, and the trip through the
    /// tiers. Batched events cannot be cancelled or rescheduled. A batch of more than 1,021
    /// events, or spread over 2^32 ns (about 4.3 s) or more, is scheduled as batches of one
    /// event each, in order. `time` and `tag` may be called more than once for an event.
    /// - Precondition: `count >= 0`.
    /// - Complexity: O(count²) at worst to sort the batch (insertion sort after a bucket
    ///   scatter: the batches are a subnet's broadcasts, tens of events), then O(log b) per
    ///   event for b batches in flight.
    @inlinable @inline(__always)
    public mutating func scheduleBatch(_ template: consuming Payload, count: Int, time: (Int) -> SimInstant, tag: (Int) -> UInt16) {
        scheduleBatch(template, count: count, notBefore: .min, time: time, tag: tag)
    }

    /// ``scheduleBatch(_:count:time:tag:)``, checking every time against `notBefore` (the
    /// scheduler's now, in nanoseconds). Always inlined, so that the caller's closures are
    /// too (called through a context, they cost about 40 instructions an event).
    @inlinable @inline(__always)
    mutating func scheduleBatch(_ template: consuming Payload, count: Int, notBefore: Int64, time: (Int) -> SimInstant,
                                tag: (Int) -> UInt16) {
        precondition(count >= 0, "a batch of \(count) events")
        guard count > 0 else { return }
        let batch = allocateBatch(template)
        // Filled as a local value (moved out and back: no copy), so that its keys are written
        // through a buffer without a uniqueness check per element.
        var filling = PackedBatch()
        swap(&filling, &batchScratch)
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
        guard count <= Self.maximumBatchCount, !overflow, spread < 1 << 32 else {
            swap(&filling, &batchScratch)
            let shared = batchTemplates[batch]
            freeBatch(batch)
            // Event by event, in order: a batch of one each.
            for index in 0..<count { scheduleAlone(shared, tag: tag(index), at: time(index).nanosecondsSinceStart) }
            return
        }
        filling.count = count
        filling.timeBase = earliest
        filling.sequenceBase = nextSequence
        nextSequence += UInt64(count)
        filling.keys.withUnsafeMutableBufferPointer { keys in
            precondition(keys.count >= count, "reserve(_:) made room for the batch")
            for index in 0..<count {
                let offset = UInt64(bitPattern: Int64(bitPattern: keys[index]) &- earliest)
                keys[index] = offset << 32 | UInt64(index) << 16 | UInt64(tag(index))
            }
        }
        filling.sortKeys()
        storeRegion(of: batch, from: filling)
        batchedCount += count
        batchHeap.push(filling.entry(0, batch: UInt32(batch)))
        swap(&filling, &batchScratch)
    }
}

extension EventQueue {
    /// Schedules one event of a batch as a batch of its own: `template` with `tag`, at `time`.
    @inlinable
    mutating func scheduleAlone(_ template: Payload, tag: UInt16, at time: Int64) {
        let batch = allocateBatch(template)
        var filling = PackedBatch()
        swap(&filling, &batchScratch)
        filling.reserve(1)
        filling.keys[0] = UInt64(tag)
        filling.count = 1
        filling.timeBase = time
        filling.sequenceBase = nextSequence
        nextSequence += 1
        storeRegion(of: batch, from: filling)
        batchedCount += 1
        batchHeap.push(filling.entry(0, batch: UInt32(batch)))
        swap(&filling, &batchScratch)
    }

    /// The most events one batch region holds; a larger batch is scheduled as batches of one
    /// event each, in order.
    @inlinable
    static var maximumBatchCount: Int { maximumBatchStride - regionHeaderWords }

    /// The most words a batch region takes.
    @inlinable
    static var maximumBatchStride: Int { 1 << 10 }

    /// The words before a region's keys: its count, time base and sequence base.
    @inlinable
    static var regionHeaderWords: Int { 3 }

    /// Copies `filled`, the batch `batch` packed and sorted, into the batch's region, widening
    /// every region first if it does not fit.
    @inlinable
    mutating func storeRegion(of batch: Int, from filled: borrowing PackedBatch) {
        let words = filled.count + Self.regionHeaderWords
        if words > batchStride { widenRegions(toHold: words) }
        let base = batch * batchStride
        batchWords.withUnsafeMutableBufferPointer { region in
            precondition(base + words <= region.count, "batch \(batch)'s region is allocated")
            region[base] = UInt64(filled.count)
            region[base + 1] = UInt64(bitPattern: filled.timeBase)
            region[base + 2] = filled.sequenceBase
            filled.keys.withUnsafeBufferPointer { keys in
                for index in 0..<filled.count { region[base + Self.regionHeaderWords + index] = keys[index] }
            }
        }
    }

    /// Makes every batch region at least `words` long (the stride doubling from 16), moving
    /// each region's words to its new place.
    @inlinable
    mutating func widenRegions(toHold words: Int) {
        precondition(words <= Self.maximumBatchStride, "a region of \(words) words")
        var stride = max(16, batchStride)
        while stride < words { stride *= 2 }
        var widened = [UInt64](repeating: 0, count: stride * batchTemplates.count)
        if batchStride > 0 {
            for batch in batchTemplates.indices {
                let old = batch * batchStride
                for offset in 0..<batchStride { widened[batch * stride + offset] = batchWords[old + offset] }
            }
        }
        batchWords = widened
        batchStride = stride
    }

    /// The heap entry of key `index` of the batch `batch`, read from its region (one check
    /// that the key lies in the array covers the region's header words before it).
    @inlinable @inline(__always)
    func regionEntry(_ index: Int, batch: UInt32) -> BatchEntry {
        let base = Int(batch) &* batchStride
        return batchWords.withUnsafeBufferPointer { words in
            let at = base + Self.regionHeaderWords + index
            precondition(base >= 0 && at < words.count, "key \(index) of batch \(batch) is in its region")
            return BatchEntry(packedKey: words[at], timeBase: Int64(bitPattern: words[base + 1]), sequenceBase: words[base + 2],
                              batch: batch, index: index)
        }
    }

    /// The heap entry of key `index` of the batch `batch` if it has one (else its last event
    /// was popped), read from its region through one check that the region lies in the array.
    @inlinable @inline(__always)
    func regionEntry(after index: Int, batch: UInt32) -> BatchEntry? {
        let base = Int(batch) &* batchStride
        return batchWords.withUnsafeBufferPointer { words in
            precondition(base >= 0 && base + batchStride <= words.count, "batch \(batch)'s region is in the array")
            // A region holds its count and bases and at most `batchStride - 3` keys.
            guard index < Int(words[base]) else { return nil }
            return BatchEntry(packedKey: words[base + Self.regionHeaderWords + index], timeBase: Int64(bitPattern: words[base + 1]),
                              sequenceBase: words[base + 2], batch: batch, index: index)
        }
    }

    /// The events of batch `batch` (0 while it is free).
    @inlinable @inline(__always)
    func regionCount(of batch: Int) -> Int {
        Int(batchWords[batch &* batchStride])
    }

    /// `time`, after checking that it is at or after `notBefore`.
    @inlinable @inline(__always)
    static func checked(_ time: SimInstant, notBefore: Int64) -> SimInstant {
        precondition(time.nanosecondsSinceStart >= notBefore, "cannot schedule an event in the past")
        return time
    }

    /// Pops the next event of the batch whose entry `top` is the top of ``batchHeap``: made
    /// by `batchCopy` from the batch's template and the event's tag, and the batch's entry
    /// moved to its next event, or the batch freed after its last.
    @inlinable @inline(__always)
    mutating func popFiring(_ top: BatchEntry, copying batchCopy: (borrowing Payload, UInt16) -> Payload) -> ScheduledEvent<Payload> {
        let batch = Int(top.batch)
        let next = Int(top.index) + 1
        batchedCount -= 1
        let payload = batchCopy(batchTemplates[batch], top.tag)
        if let following = regionEntry(after: next, batch: top.batch) {
            batchHeap.replaceTop(following)
        } else {
            batchHeap.removeTop()
            freeBatch(batch)
        }
        // No handle: batched events cannot be cancelled (this one is never pending).
        return ScheduledEvent(
            time: SimInstant(nanosecondsSinceStart: top.time), sequence: top.sequence,
            handle: EventHandle(slot: .max, generation: 0), payload: payload)
    }

    /// A free batch (reused, or new) whose events are made from `template`.
    @inlinable
    mutating func allocateBatch(_ template: consuming Payload) -> Int {
        if let free = freeBatches.popLast() {
            batchTemplates[Int(free)] = template
            return Int(free)
        }
        precondition(batchTemplates.count < Int(UInt32.max), "event queue is limited to 2^32 - 1 batches")
        batchWords += repeatElement(0, count: batchStride)
        batchTemplates.append(template)
        return batchTemplates.count - 1
    }

    /// Frees `batch`, whose last event was popped, keeping its region for the next batch.
    @inlinable
    mutating func freeBatch(_ batch: Int) {
        // (No region yet when the first batch ever is turned into batches of one.)
        if batchStride > 0 { batchWords[batch * batchStride] = 0 }
        freeBatches.append(UInt32(batch))
    }

    /// Whether the batches' accounting holds: the batch heap is in order, holds one entry per
    /// batch in flight, each its batch's next event with its keys after it in order, and ``batchedCount`` counts their events not yet popped. For
    /// ``invariantViolation()``; O(n).
    func batchViolation() -> String? {
        guard batchHeap.isOrdered() else { return "the batch heap is out of order" }
        var waiting = 0
        for entry in batchHeap.entries {
            let count = regionCount(of: Int(entry.batch))
            let index = Int(entry.index)
            let keysStart = Int(entry.batch) * batchStride + Self.regionHeaderWords
            let keys = batchWords[keysStart..<(keysStart + count)]
            guard index < count, regionEntry(index, batch: entry.batch) == entry,
                  zip(keys.dropFirst(index), keys.dropFirst(index + 1)).allSatisfy({ $0 < $1 }) else {
                return "the entry of batch \(entry.batch) is not its next event"
            }
            waiting += count - index
        }
        let inFlight = batchTemplates.count - freeBatches.count
        guard waiting == batchedCount, batchHeap.count == inFlight else {
            return "batches: \(waiting) events waiting (\(batchedCount) counted), \(batchHeap.count) entries for \(inFlight) batches"
        }
        return nil
    }
}
