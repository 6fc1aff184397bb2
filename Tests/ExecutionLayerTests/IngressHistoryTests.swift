import Testing
import SimCore
@testable import ExecutionLayer

/// The ingress history (statuses found through an `ItemPositions`) agrees with a plain
/// `Dictionary` through IDs mostly in order, some far away, some older than the first.
@Suite("Ingress history")
struct IngressHistoryTests {
    @Test func agreesWithADictionary() {
        var random = RandomStream(generator: Xoshiro256StarStar(seed: 5))
        var history = IngressHistory()
        var reference: [UInt64: IngressStatus] = [:]
        var nextID: UInt64 = 1_000
        for step in 0..<30_000 {
            let id: UInt64
            switch random.uniform(below: 10) {
            case 0..<7:
                id = nextID
                nextID += 1 + random.uniform(below: 3)
            case 7: id = random.uniform(below: 1_000)  // older than the first
            case 8: id = nextID + 100_000 + random.uniform(below: 1_000_000)  // far past the run
            default: id = random.uniform(below: nextID + 1)  // one seen, or a hole, again
            }
            let status: IngressStatus = step % 3 == 0 ? .processing : .replied([UInt8(truncatingIfNeeded: step)])
            history[id] = status
            reference[id] = status
            #expect(history.count == reference.count)
            let probe = random.uniform(below: nextID + 2_000_000)
            #expect(history[probe] == reference[probe])
        }
        for (id, status) in reference.sorted(by: { $0.key < $1.key }) {
            #expect(history[id] == status)
        }
    }

    @Test func literalAndEmpty() {
        let empty = IngressHistory()
        #expect(empty[0] == nil && empty[.max] == nil && empty.count == 0)
        let history: IngressHistory = [7: .replied([2]), 3: .replied([1])]
        #expect(history[7] == .replied([2]) && history[3] == .replied([1]) && history[5] == nil)
        #expect(history.count == 2)
    }
}
