import Testing
import SimCore
@testable import ExecutionLayer

/// The round's priority order sorted as packed 64-bit keys is exactly the comparison sort's
/// (descending priority, ties by ascending position), for negative, equal and extreme 32-bit
/// priorities; priorities beyond 32 bits fall back to the comparison sort.
@Suite("Execution: priority order")
struct PriorityOrderTests {
    /// The comparison sort the packed keys stand in for.
    static func compared(_ working: [(position: Int, priority: Int64)]) -> [Int] {
        working.sorted { $0.priority != $1.priority ? $0.priority > $1.priority : $0.position < $1.position }.map(\.position)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func packedKeysSortAsTheComparison(seed: UInt64) {
        var random = RandomStream(generator: Xoshiro256StarStar(seed: seed))
        let extremes: [Int64] = [Int64(Int32.min), Int64(Int32.max), -1, 0, 1]
        var positions = Array(0..<500)
        random.shuffle(&positions)
        let working = positions.map { position -> (position: Int, priority: Int64) in
            let priority = random.uniform(below: 4) == 0
                ? extremes[Int(random.uniform(below: UInt64(extremes.count)))]
                : Int64(random.uniform(below: 41)) - 20  // many ties
            return (position, priority)
        }
        #expect(RoundExecutor.sortedByPackedKeys(working) == Self.compared(working))
    }

    @Test func prioritiesBeyond32BitsFallBack() {
        let working: [(position: Int, priority: Int64)] = [(0, 1), (1, Int64(Int32.max) + 1), (2, -5)]
        #expect(RoundExecutor.sortedByPackedKeys(working) == nil)
        #expect(RoundExecutor.sortedByPackedKeys([]) == [])
        #expect(Self.compared(working) == [1, 0, 2])
    }
}
