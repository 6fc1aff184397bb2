import Testing
import SimCore
import ExecutionLayer
@testable import InternetComputer

/// The replica's query cache follows dfinity/ic's query_cache.rs: a hit needs the same key and
/// an unchanged canister; the time and the balance matter only if the query read them; entries
/// expire; the least recently used go first when the bytes run out.
@Suite("Query cache")
struct QueryCacheTests {
    /// A cache to call from `#expect` (which cannot call a mutating method of a variable).
    final class Box {
        var cache: QueryCache
        init(_ cache: QueryCache) { self.cache = cache }
        func lookup(_ key: QueryCache.Key, in environment: QueryCache.Environment) -> Result<[UInt8], Reject>? { cache.lookup(key, in: environment) }
        func store(_ key: QueryCache.Key, _ reply: Result<[UInt8], Reject>, environment: QueryCache.Environment, reads: EnvironmentReads) {
            cache.store(key, reply, environment: environment, reads: reads)
        }
        var hits: UInt64 { cache.hits }
        var misses: UInt64 { cache.misses }
        var evictions: UInt64 { cache.evictions }
        var count: Int { cache.count }
        var bytes: UInt64 { cache.bytes }
        var uses: MinHeap<UInt64, Int> { cache.uses }
    }

    static func key(_ argument: [UInt8] = [], sender: Principal = .user(1)) -> QueryCache.Key {
        QueryCache.Key(QueryRequest(canister: CanisterID(1), method: "get", argument: argument, sender: sender))
    }

    static func cache(bytes: UInt64 = 1 << 20) -> Box {
        Box(QueryCache(capacityBytes: bytes, expiry: .seconds(600), dataCertificateExpiry: .seconds(60)))
    }

    static let seconds: UInt64 = 1_000_000_000
    static let start = QueryCache.Environment(batchTimeNanos: 100 * seconds, canisterVersion: 1, canisterChanges: 5, cycles: Cycles(1_000))

    @Test func aStoredReplyIsAHitForTheSameKeyOnly() {
        let cache = Self.cache()
        #expect(cache.lookup(Self.key(), in: Self.start) == nil)
        cache.store(Self.key(), .success([7]), environment: Self.start, reads: [])
        #expect(cache.lookup(Self.key(), in: Self.start) == .success([7]))
        #expect(cache.lookup(Self.key([1]), in: Self.start) == nil)
        #expect(cache.lookup(Self.key(sender: .user(2)), in: Self.start) == nil)
        #expect(cache.hits == 1 && cache.misses == 3)
    }

    @Test func aChangedCanisterInvalidatesTheEntry() {
        let cache = Self.cache()
        cache.store(Self.key(), .success([7]), environment: Self.start, reads: [])
        var changed = Self.start
        changed.canisterChanges += 1
        #expect(cache.lookup(Self.key(), in: changed) == nil)
        // The invalid entry is gone, even for the old state.
        #expect(cache.lookup(Self.key(), in: Self.start) == nil)
        #expect(cache.count == 0 && cache.bytes == 0)
        cache.store(Self.key(), .success([7]), environment: Self.start, reads: [])
        var upgraded = Self.start
        upgraded.canisterVersion += 1
        #expect(cache.lookup(Self.key(), in: upgraded) == nil)
    }

    @Test func timeAndBalanceMatterOnlyIfTheQueryReadThem() {
        var later = Self.start
        later.batchTimeNanos += Self.seconds
        later.cycles = Cycles(900)
        let cache = Self.cache()
        cache.store(Self.key([0]), .success([1]), environment: Self.start, reads: [])
        cache.store(Self.key([1]), .success([1]), environment: Self.start, reads: .time)
        cache.store(Self.key([2]), .success([1]), environment: Self.start, reads: .cyclesBalance)
        #expect(cache.lookup(Self.key([0]), in: later) == .success([1]))
        #expect(cache.lookup(Self.key([1]), in: later) == nil)
        #expect(cache.lookup(Self.key([2]), in: later) == nil)
    }

    @Test func entriesExpireAfterTenMinutesAndAfterAMinuteIfTheyReadTheCertificate() {
        let cache = Self.cache()
        cache.store(Self.key([0]), .success([1]), environment: Self.start, reads: [])
        cache.store(Self.key([1]), .success([1]), environment: Self.start, reads: .dataCertificate)
        var atMinute = Self.start
        atMinute.batchTimeNanos += 60 * Self.seconds
        #expect(cache.lookup(Self.key([1]), in: atMinute) == .success([1]))
        atMinute.batchTimeNanos += 1
        #expect(cache.lookup(Self.key([1]), in: atMinute) == nil)
        var atTenMinutes = Self.start
        atTenMinutes.batchTimeNanos += 600 * Self.seconds
        #expect(cache.lookup(Self.key([0]), in: atTenMinutes) == .success([1]))
        atTenMinutes.batchTimeNanos += 1
        #expect(cache.lookup(Self.key([0]), in: atTenMinutes) == nil)
    }

    @Test func systemErrorsAreNotKeptButACanistersOwnRejectIs() {
        let cache = Self.cache()
        cache.store(Self.key([0]), .failure(Reject(.canisterDidNotReply, "no reply")), environment: Self.start, reads: [])
        cache.store(Self.key([1]), .failure(Reject(canisterMessage: "no thanks")), environment: Self.start, reads: [])
        #expect(cache.lookup(Self.key([0]), in: Self.start) == nil)
        #expect(cache.lookup(Self.key([1]), in: Self.start) == .failure(Reject(canisterMessage: "no thanks")))
    }

    @Test func theLeastRecentlyUsedEntriesAreEvictedPastTheCapacity() {
        // Each entry: 108 + 3 ("get") + 1 (argument) key bytes, 96 entry bytes, 10 reply bytes.
        let entryBytes: UInt64 = 108 + 3 + 1 + 96 + 10
        let cache = Self.cache(bytes: 3 * entryBytes)
        for index in 0..<3 { cache.store(Self.key([UInt8(index)]), .success(Array(repeating: 0, count: 10)), environment: Self.start, reads: []) }
        #expect(cache.bytes == 3 * entryBytes && cache.count == 3)
        // Using entry 0 makes entry 1 the least recently used: a fourth entry evicts it.
        #expect(cache.lookup(Self.key([0]), in: Self.start) != nil)
        cache.store(Self.key([3]), .success(Array(repeating: 0, count: 10)), environment: Self.start, reads: [])
        #expect(cache.evictions == 1 && cache.count == 3)
        #expect(cache.lookup(Self.key([1]), in: Self.start) == nil)
        for index: UInt8 in [0, 2, 3] { #expect(cache.lookup(Self.key([index]), in: Self.start) != nil) }
        // An entry larger than the whole cache is not kept; a zero capacity keeps nothing.
        cache.store(Self.key([9]), .success(Array(repeating: 0, count: 1_000)), environment: Self.start, reads: [])
        #expect(cache.lookup(Self.key([9]), in: Self.start) == nil && cache.count == 3)
        let off = Self.cache(bytes: 0)
        off.store(Self.key(), .success([1]), environment: Self.start, reads: [])
        #expect(off.count == 0)
    }

    @Test func aSlotFreedAndReusedIsNotEvictedForItsOldUse() {
        let entryBytes: UInt64 = 108 + 3 + 1 + 96 + 10
        let cache = Self.cache(bytes: 3 * entryBytes)
        for index in 0..<3 { cache.store(Self.key([UInt8(index)]), .success(Array(repeating: 0, count: 10)), environment: Self.start, reads: []) }
        // Entry 0 is invalid in a changed canister: the lookup removes it and frees its slot.
        var changed = Self.start
        changed.canisterChanges += 1
        #expect(cache.lookup(Self.key([0]), in: changed) == nil && cache.count == 2)
        // Entry 3 takes the freed slot; the slot's old use (the oldest) must not evict it.
        cache.store(Self.key([3]), .success(Array(repeating: 0, count: 10)), environment: Self.start, reads: [])
        cache.store(Self.key([4]), .success(Array(repeating: 0, count: 10)), environment: Self.start, reads: [])
        #expect(cache.evictions == 1 && cache.count == 3)
        #expect(cache.lookup(Self.key([1]), in: Self.start) == nil, "entry 1 was the least recently used")
        for index: UInt8 in [2, 3, 4] { #expect(cache.lookup(Self.key([index]), in: Self.start) != nil) }
    }

    @Test func keysWithTheSameBytesInDifferentFieldsDiffer() {
        let cache = Self.cache()
        cache.store(Self.key([1, 2]), .success([1]), environment: Self.start, reads: [])
        #expect(cache.lookup(Self.key([1, 2, 0]), in: Self.start) == nil)
        #expect(cache.lookup(Self.key([1, 2], sender: .user(2)), in: Self.start) == nil)
        #expect(cache.lookup(Self.key([1, 2]), in: Self.start) == .success([1]))
    }

    /// Hits only stamp their entries (no pair per use): eviction must still take the entry
    /// least recently used, hits included, and a slot's stale pairs must not evict its entry.
    @Test func evictionFollowsHitsWithoutAPairPerHit() {
        let entryBytes: UInt64 = 108 + 3 + 1 + 96 + 10
        let cache = Self.cache(bytes: 3 * entryBytes)
        for index in 0..<3 { cache.store(Self.key([UInt8(index)]), .success(Array(repeating: 0, count: 10)), environment: Self.start, reads: []) }
        // Uses: 0, 1, 0, 2, 0: the least recently used is now 1, then 2, then 0.
        for index: UInt8 in [0, 1, 0, 2, 0] { #expect(cache.lookup(Self.key([index]), in: Self.start) != nil) }
        let heapBefore = cache.uses.count
        cache.store(Self.key([3]), .success(Array(repeating: 0, count: 10)), environment: Self.start, reads: [])
        #expect(cache.evictions == 1 && cache.lookup(Self.key([1]), in: Self.start) == nil)
        #expect(heapBefore == 3, "hits added no pairs")
        cache.store(Self.key([4]), .success(Array(repeating: 0, count: 10)), environment: Self.start, reads: [])
        #expect(cache.evictions == 2 && cache.lookup(Self.key([2]), in: Self.start) == nil)
        // 0 was used before 3 and 4 were stored: it goes next, though its first pair was popped
        // and pushed back with its later stamp on the way.
        cache.store(Self.key([5]), .success(Array(repeating: 0, count: 10)), environment: Self.start, reads: [])
        #expect(cache.evictions == 3 && cache.lookup(Self.key([0]), in: Self.start) == nil)
        for index: UInt8 in [3, 4, 5] { #expect(cache.lookup(Self.key([index]), in: Self.start) != nil) }
    }

    @Test func manyUsesKeepTheUseHeapBounded() {
        let cache = Self.cache()
        cache.store(Self.key(), .success([1]), environment: Self.start, reads: [])
        for _ in 0..<1_000 { _ = cache.lookup(Self.key(), in: Self.start) }
        #expect(cache.uses.count <= 2 * cache.count + 65)
    }
}
