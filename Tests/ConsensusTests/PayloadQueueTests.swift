import Testing
import SimCore
@testable import Consensus

/// The payload queue keeps arrival order through removals and compactions, removes every copy
/// of an item queued twice, and ignores items it does not hold; checked against a plain array
/// filtered the way the queue was before (the reference).
@Suite("Payload queue")
struct PayloadQueueTests {
    static func item(_ id: UInt64) -> PayloadItem { PayloadItem(id: id, sizeBytes: Int(id % 7) + 1) }

    /// The IDs waiting, oldest first.
    static func ids(_ queue: PayloadQueue) -> [UInt64] { queue.map { $0.item.id } }

    /// When each waiting item may be proposed, in milliseconds.
    static func times(_ queue: PayloadQueue) -> [Int64] { queue.map { ($0.availableAt - .zero).nanoseconds / 1_000_000 } }

    @Test func removalsKeepTheOrderOfWhatIsLeft() {
        var queue = PayloadQueue()
        for id in UInt64(1)...10 { queue.append(Self.item(id), availableAt: .zero + .milliseconds(Int64(id))) }
        queue.remove([3, 7, 42])
        #expect(Self.ids(queue) == [1, 2, 4, 5, 6, 8, 9, 10])
        #expect(queue.count == 8)
        queue.remove([1, 2, 4, 5, 6])  // more than half removed: compacted
        #expect(Self.ids(queue) == [8, 9, 10])
        #expect(Self.times(queue) == [8, 9, 10])
        queue.append(Self.item(11), availableAt: .zero)
        queue.remove([9])
        #expect(Self.ids(queue) == [8, 10, 11])
    }

    @Test func anItemQueuedTwiceLeavesWithAllItsCopies() {
        var queue = PayloadQueue()
        for id: UInt64 in [1, 2, 1, 3] { queue.append(Self.item(id), availableAt: .zero) }
        queue.remove([1])
        #expect(Self.ids(queue) == [2, 3])
        queue.remove([3])
        #expect(Self.ids(queue) == [2])
    }

    /// A long random sequence of appends and removals, against the reference, with the queue
    /// growing long and draining again, some items arriving as second copies.
    @Test func agreesWithFilteringAnArray() {
        var random = RandomStream(generator: Xoshiro256StarStar(seed: 7))
        var queue = PayloadQueue()
        var reference: [(item: PayloadItem, availableAt: SimInstant)] = []
        var nextID: UInt64 = 0
        var maxCount = 0
        for round in 0..<6_000 {
            // Grow past the indexed length, then drain below it.
            let appends = round < 3_000 ? Int(random.uniform(below: 5)) : Int(random.uniform(below: 2))
            for _ in 0..<appends {
                // Occasionally an ID again, as a second copy.
                let id = random.uniform(below: 500) == 0 && nextID > 0 ? random.uniform(below: nextID) : { nextID += 1; return nextID }()
                let at = SimInstant.zero + .microseconds(Int64(random.uniform(below: 1_000)))
                queue.append(Self.item(id), availableAt: at)
                reference.append((Self.item(id), at))
            }
            var removed: [UInt64] = []
            let removals = round < 3_000 ? Int(random.uniform(below: 4)) : Int(random.uniform(below: 40))
            for _ in 0..<removals where nextID > 0 { removed.append(random.uniform(below: nextID + 3)) }
            queue.remove(removed)
            let set = Set(removed)
            reference.removeAll { set.contains($0.item.id) }
            let items: [PayloadItem] = queue.map { $0.item }
            let times: [SimInstant] = queue.map { $0.availableAt }
            #expect(items == reference.map { $0.item })
            #expect(times == reference.map { $0.availableAt })
            #expect(queue.count == reference.count)
            maxCount = max(maxCount, reference.count)
        }
        #expect(maxCount >= 2_048, "the queue was long, and indexed")
        queue.remove(reference.map { $0.item.id })
        #expect(queue.count == 0 && queue.map { $0.item.id }.isEmpty, "and drained below where it drops the index")
    }

    /// Items in increasing ID order in a long queue, removed a block's worth at a time from the
    /// front and here and there, then one out of order twice, and gone again: always what
    /// filtering an array gives.
    @Test func aLongQueueInIDOrderAgreesWithFilteringAnArray() {
        var random = RandomStream(generator: Xoshiro256StarStar(seed: 11))
        var queue = PayloadQueue()
        var reference: [(item: PayloadItem, availableAt: SimInstant)] = []
        func check() {
            #expect(queue.map { $0.item } == reference.map { $0.item })
            #expect(queue.map { $0.availableAt } == reference.map { $0.availableAt })
            #expect(queue.count == reference.count)
        }
        func append(_ id: UInt64) {
            let at = SimInstant.zero + .microseconds(Int64(random.uniform(below: 1_000)))
            queue.append(Self.item(id), availableAt: at)
            reference.append((Self.item(id), at))
        }
        func remove(_ ids: [UInt64]) {
            queue.remove(ids)
            let set = Set(ids)
            reference.removeAll { set.contains($0.item.id) }
        }
        var nextID: UInt64 = 100
        for round in 0..<400 {
            for _ in 0..<(round < 300 ? 30 : 5) {
                nextID += 1 + random.uniform(below: 3)
                append(nextID)
            }
            // The oldest block's worth, with a few IDs not held and one twice.
            var block = reference.prefix(Int(random.uniform(below: 25))).map { $0.item.id }
            block += [random.uniform(below: nextID + 10), block.first ?? 0]
            remove(block)
            if round % 50 == 49 { check() }
        }
        #expect(reference.count >= 2_048, "the queue grew long")
        append(7)  // out of order
        append(7)  // and a second copy
        remove(reference.dropFirst(3).prefix(40).map { $0.item.id })
        check()
        remove([7])
        for _ in 0..<3 {
            remove(reference.prefix(reference.count / 2 + 1).map { $0.item.id })  // compacted
            check()
        }
        nextID += 1
        append(nextID)
        remove([nextID, reference[0].item.id])
        check()
    }
}
