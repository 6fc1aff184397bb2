import ExecutionLayer

/// The query cache's index from key to slot: open addressing with linear probing over a cheap
/// 64-bit hash of the key's bytes (``QueryCache/Key/indexHash``). A `Dictionary` keyed by the
/// key ran SipHash over its principal, method and argument on every lookup, about half of a
/// cache hit's cost. Buckets hold the hash and the slot; the cache compares the key held in a
/// slot whose hash matches. Never iterated, so its layout reaches nothing; keys chosen to
/// collide only slow it down.
struct QueryKeyIndex: Sendable {
    /// A bucket: a key's hash and its slot, or ``empty`` or ``removed`` as the slot.
    private struct Bucket: Sendable {
        var hash: UInt64
        var slot: Int
    }

    /// The slot of a bucket never used.
    private static let empty = -1
    /// The slot of a bucket whose entry was removed (probing goes on past it).
    private static let removed = -2

    /// The buckets, a power of two of them.
    private var buckets = Array(repeating: Bucket(hash: 0, slot: QueryKeyIndex.empty), count: 16)
    /// Entries held.
    private(set) var count = 0
    /// Buckets marked removed.
    private var removedBuckets = 0

    /// An empty index.
    init() {}

    /// The first bucket to probe for `hash`.
    private func home(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash) & (buckets.count &- 1)
    }

    /// The slot of the key hashing to `hash` for which `isKey` holds, if held.
    func slot(hash: UInt64, where isKey: (Int) -> Bool) -> Int? {
        let mask = buckets.count &- 1
        var bucket = home(hash)
        while buckets[bucket].slot != Self.empty {
            if buckets[bucket].slot >= 0, buckets[bucket].hash == hash, isKey(buckets[bucket].slot) { return buckets[bucket].slot }
            bucket = (bucket &+ 1) & mask
        }
        return nil
    }

    /// Adds `slot` (not negative) for a key hashing to `hash` that is not held.
    mutating func insert(hash: UInt64, slot: Int) {
        precondition(slot >= 0, "a slot is not negative")
        if (count &+ removedBuckets &+ 1) &* 4 > buckets.count &* 3 { rehash() }
        let mask = buckets.count &- 1
        var bucket = home(hash)
        while buckets[bucket].slot >= 0 { bucket = (bucket &+ 1) & mask }
        if buckets[bucket].slot == Self.removed { removedBuckets &-= 1 }
        buckets[bucket] = Bucket(hash: hash, slot: slot)
        count &+= 1
    }

    /// Removes `slot`, held for a key hashing to `hash`.
    mutating func remove(hash: UInt64, slot: Int) {
        let mask = buckets.count &- 1
        var bucket = home(hash)
        while buckets[bucket].slot != Self.empty {
            if buckets[bucket].slot == slot {
                buckets[bucket].slot = Self.removed
                count &-= 1
                removedBuckets &+= 1
                return
            }
            bucket = (bucket &+ 1) & mask
        }
        preconditionFailure("a removed query-cache slot is in the index")
    }

    /// Rebuilds the buckets for the entries held and one more, at most half full, dropping the
    /// removed marks.
    private mutating func rehash() {
        let old = buckets
        var size = 16
        while size < (count &+ 1) &* 2 { size &*= 2 }
        buckets = Array(repeating: Bucket(hash: 0, slot: Self.empty), count: size)
        count = 0
        removedBuckets = 0
        for bucket in old where bucket.slot >= 0 { insert(hash: bucket.hash, slot: bucket.slot) }
    }
}

extension QueryCache.Key {
    /// A 64-bit hash of the key's bytes for ``QueryKeyIndex``: fixed, not seeded (it orders
    /// nothing that reaches an output), eight bytes at a time with a multiply-xorshift mix.
    var indexHash: UInt64 {
        var state = QueryKeyHashState()
        sender.bytes.withUnsafeBytes { state.absorb($0) }
        state.absorb(word: canister.index)
        var name = method
        name.withUTF8 { state.absorb(UnsafeRawBufferPointer($0)) }
        argument.withUnsafeBytes { state.absorb($0) }
        return state.finish()
    }
}

/// The running state of ``QueryCache/Key/indexHash``.
struct QueryKeyHashState {
    private var state: UInt64 = 0x243F_6A88_85A3_08D3
    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Mixes in one word.
    mutating func absorb(word: UInt64) {
        state = (state ^ word) &* Self.multiplier
        state ^= state >> 29
    }

    /// Mixes in `bytes` and their count (so that runs split differently hash differently).
    mutating func absorb(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset &+ 8 <= bytes.count {
            absorb(word: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset &+= 8
        }
        var tail: UInt64 = 0
        while offset < bytes.count {
            tail = tail << 8 | UInt64(bytes[offset])
            offset &+= 1
        }
        absorb(word: tail)
        absorb(word: UInt64(bytes.count))
    }

    /// The hash.
    func finish() -> UInt64 {
        var result = state
        result ^= result >> 33
        result &*= 0xFF51_AFD7_ED55_8CCD
        result ^= result >> 33
        return result
    }
}
