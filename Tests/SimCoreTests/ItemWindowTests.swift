import Testing
@testable import SimCore

/// The dense window of consecutive item IDs, alone and inside ``ItemPositions``.
@Suite("Item window")
struct ItemWindowTests {
    /// A backlog's pattern: IDs added nearly in order (a little jitter), removed oldest first in
    /// batches, some re-added, some far away; the map agrees with a `Dictionary` throughout.
    @Test func backlogPatternAgreesWithADictionary() {
        var random = RandomStream(generator: Xoshiro256StarStar(seed: 11))
        var positions = ItemPositions()
        var reference: [UInt64: Int] = [:]
        var nextID: UInt64 = 1
        var oldest: UInt64 = 1
        for step in 0..<40_000 {
            switch random.uniform(below: 10) {
            case 0..<6:
                // A new ID, sometimes one of the last few again or out of order.
                let jitter = random.uniform(below: 4)
                let id = nextID > jitter ? nextID - jitter : nextID
                nextID += 1
                #expect(positions.updateValue(step, forKey: id) == reference.updateValue(step, forKey: id))
            case 6..<9:
                // The oldest few go (a finalized block).
                for _ in 0..<random.uniform(below: 3) where oldest < nextID {
                    #expect(positions.removeValue(forKey: oldest) == reference.removeValue(forKey: oldest))
                    oldest += 1
                }
            default:
                // An ID far away, or one long gone.
                let id = random.uniform(below: 2) == 0 ? nextID + 1_000_000 + random.uniform(below: 100) : random.uniform(below: oldest + 1)
                if random.uniform(below: 2) == 0 {
                    #expect(positions.updateValue(step, forKey: id) == reference.updateValue(step, forKey: id))
                } else {
                    #expect(positions.removeValue(forKey: id) == reference.removeValue(forKey: id))
                }
            }
            #expect(positions.count == reference.count)
        }
        for key in reference.keys.sorted().reversed() {
            #expect(positions.removeValue(forKey: key) == reference[key])
        }
        #expect(positions.count == 0)
    }

    /// The window takes IDs from its oldest on, up to a span bounded by what it holds; refuses
    /// older IDs and far ones; drops its old end as it empties, and starts afresh when empty.
    @Test func windowBounds() {
        var window = ItemWindow()
        let first = window.insert(0, for: 100, heldElsewhere: 0)
        let older = window.insert(1, for: 99, heldElsewhere: 0)
        let tooFar = window.insert(1, for: 100 + 4 * 2 + 4_096, heldElsewhere: 0)
        let farthest = window.insert(1, for: 100 + 4 * 2 + 4_095, heldElsewhere: 0)
        #expect(first && farthest)
        #expect(!older, "older than the oldest held")
        #expect(!tooFar, "past the span limit")
        #expect(window.place(of: 100) == 0 && window.place(of: 101) == nil && window.place(of: 99) == nil)
        let replaced = window.replace(7, of: 100)
        let notHeld = window.replace(7, of: 101)
        #expect(replaced == 0 && notHeld == nil)
        let removed = window.remove(100)
        let removedAgain = window.remove(100)
        #expect(removed == 7 && removedAgain == nil)
        #expect(window.count == 1)
        let behind = window.insert(2, for: 100, heldElsewhere: 0)
        #expect(!behind, "the oldest held moved past it")
        let last = window.remove(100 + 4 * 2 + 4_095)
        #expect(last == 1 && window.count == 0)
        let afresh = window.insert(3, for: 5, heldElsewhere: 0)
        #expect(afresh, "an empty window starts at any ID")
        #expect(window.place(of: 5) == 3)
        let wide = window.insert(Int(Int32.max), for: 6, heldElsewhere: 0)
        #expect(!wide, "a place past 32 bits")
    }

    /// A long FIFO run: the window's old end is dropped as it goes, and every place is found.
    @Test func longRunDropsItsOldEnd() {
        var window = ItemWindow()
        for id in UInt64(0)..<200_000 {
            let taken = window.insert(Int(id % 1_000), for: id, heldElsewhere: 0)
            #expect(taken)
            if id >= 500 {
                let removed = window.remove(id - 500)
                #expect(removed == Int((id - 500) % 1_000))
            }
        }
        #expect(window.count == 500)
        #expect(window.place(of: 199_500) == 500 && window.place(of: 199_499) == nil)
    }
}
