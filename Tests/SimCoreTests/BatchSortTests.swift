import Testing
@testable import SimCore

/// The sort of a batch's packed keys (bucket scatter, then insertion) against the standard
/// library's sort, on the shapes a broadcast produces and on adversarial ones.
@Suite("Batch key sort")
struct BatchSortTests {
    /// Packs `offsets` as a batch does: offset in the high 32 bits, place in the next 16, a
    /// tag in the low 16.
    static func packed(_ offsets: [UInt64]) -> [UInt64] {
        offsets.enumerated().map { $0.element << 32 | UInt64($0.offset) << 16 | UInt64(($0.offset * 7) % 65_536) }
    }

    /// Sorts `keys` as a batch does (scattered by bucket from a copy when there are more than
    /// 16, then by insertion) and compares with `sorted()`; the scatter alone must leave
    /// every bucket in place (each key at or after every smaller key's bucket).
    static func expectSorted(_ keys: [UInt64], _ comment: Comment? = nil) {
        var source = keys
        var sorted = Array(repeating: UInt64.max, count: keys.count)
        if keys.count > PackedBatch.insertionSortLimit {
            var starts = Array(repeating: -1, count: PackedBatch.bucketStartsNeeded(keys.count))
            source.withUnsafeMutableBufferPointer { source in
                sorted.withUnsafeMutableBufferPointer { sorted in
                    starts.withUnsafeMutableBufferPointer { starts in
                        PackedBatch.scatter(source, into: sorted, starts: starts, count: keys.count)
                    }
                }
            }
            #expect(sorted.sorted() == keys.sorted(), "the scatter keeps every key once")
        } else {
            sorted = keys
        }
        sorted.withUnsafeMutableBufferPointer { PackedBatch.sort($0, count: keys.count) }
        #expect(sorted == keys.sorted(), comment)
    }

    @Test func fewKeysAndTrivialCases() {
        Self.expectSorted([])
        Self.expectSorted(Self.packed([5]))
        Self.expectSorted(Self.packed([9, 3]))
        Self.expectSorted(Self.packed(Array((0..<16).reversed())))
    }

    /// Equal times keep their places' order (the places break the tie), all equal or zero.
    @Test func equalTimesAndZeroSpread() {
        Self.expectSorted(Self.packed(Array(repeating: 0, count: 40)), "all at the batch's earliest time")
        Self.expectSorted(Self.packed(Array(repeating: 7_000, count: 39)))
        Self.expectSorted(Self.packed((0..<50).map { UInt64($0 % 3) * 1_000 }), "three times, interleaved")
    }

    /// A broadcast's copies: clusters by region (the peers' regions in cyclic order), jitter
    /// inside each, as the 40-node subnet makes them.
    @Test func clusteredLikeABroadcast() {
        var random = RandomSeed(3).stream()
        let regionDelays: [UInt64] = [500_000, 43_900_000, 40_250_000, 44_300_000, 72_650_000, 108_350_000]
        for count in [17, 39, 64, 200] {
            var offsets: [UInt64] = []
            for index in 0..<count {
                let leaves = UInt64(index) * 3_400
                offsets.append(regionDelays[index % 6] + leaves + random.uniform(below: 2_000_000))
            }
            let earliest = offsets.min() ?? 0
            Self.expectSorted(Self.packed(offsets.map { $0 - earliest }), "count \(count)")
        }
    }

    /// Random spreads from tiny to the largest a batch packs (2^32 ns), descending inputs,
    /// and one far outlier that puts every other key in the first bucket.
    @Test func randomAndAdversarialSpreads() {
        var random = RandomSeed(11).stream()
        for round in 0..<200 {
            let count = 17 + Int(random.uniform(below: 300))
            let spread = UInt64(1) << UInt64(random.uniform(below: 33))
            let offsets = (0..<count).map { _ in random.uniform(below: spread) }
            Self.expectSorted(Self.packed(offsets), "round \(round)")
        }
        Self.expectSorted(Self.packed((0..<100).map { UInt64(100 - $0) * 1_000 }), "descending")
        Self.expectSorted(Self.packed((0..<100).map { $0 == 50 ? (UInt64(1) << 32) - 1 : UInt64($0) }), "one outlier")
        Self.expectSorted(Self.packed((0..<65_536).map { UInt64(($0 * 7_919) % 65_536) }), "the largest batch")
    }
}
