import Testing
@testable import SimCore

/// The payload queue's map from item ID to place agrees with a `Dictionary` through long runs
/// of insertions, updates and removals (growing, and reusing the slots of removed entries).
@Suite("Item positions")
struct ItemPositionsTests {
    @Test func agreesWithADictionary() {
        var random = RandomStream(generator: Xoshiro256StarStar(seed: 3))
        var positions = ItemPositions()
        var reference: [UInt64: Int] = [:]
        for step in 0..<60_000 {
            // Keys from a range that grows and then stays, some far apart (multiples of 2^32).
            let range = UInt64(min(step / 4 + 8, 5_000))
            let key = random.uniform(below: range) &* (step % 3 == 0 ? 1 << 32 : 1)
            if random.uniform(below: 3) == 0 {
                #expect(positions.removeValue(forKey: key) == reference.removeValue(forKey: key))
            } else {
                #expect(positions.updateValue(step, forKey: key) == reference.updateValue(step, forKey: key))
            }
            #expect(positions.count == reference.count)
        }
        for key in reference.keys.sorted() {
            #expect(positions.removeValue(forKey: key) == reference[key])
        }
        #expect(positions.count == 0)
        positions.removeAll()
        #expect(positions.updateValue(1, forKey: 7) == nil && positions.removeValue(forKey: 7) == 1)
    }
}
