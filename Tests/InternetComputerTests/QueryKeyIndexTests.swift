import Testing
import SimCore
import ExecutionLayer
@testable import InternetComputer

/// The query cache's key index agrees with a `Dictionary` through insertions and removals,
/// also when every key hashes alike; the key hash separates keys that differ in any field.
@Suite("Query key index")
struct QueryKeyIndexTests {
    /// Slots found by (hash, key) against a reference map, with hashes drawn from a small set
    /// so that many collide.
    @Test(arguments: [UInt64(4), 1 << 40])
    func agreesWithADictionary(hashRange: UInt64) {
        var random = RandomStream(generator: Xoshiro256StarStar(seed: 9))
        var index = QueryKeyIndex()
        var reference: [UInt64: Int] = [:]  // key -> slot
        var hashOf: [UInt64: UInt64] = [:]  // key -> hash
        var nextSlot = 0
        for _ in 0..<20_000 {
            let key = random.uniform(below: 600)
            let hash = hashOf[key] ?? random.uniform(below: hashRange)
            hashOf[key] = hash
            let found = index.slot(hash: hash) { slot in reference[key] == slot }
            #expect(found == reference[key])
            if let slot = found {
                index.remove(hash: hash, slot: slot)
                reference[key] = nil
            } else {
                index.insert(hash: hash, slot: nextSlot)
                reference[key] = nextSlot
                nextSlot += 1
            }
            #expect(index.count == reference.count)
        }
        for (key, slot) in reference.sorted(by: { $0.key < $1.key }) {
            let hash = hashOf[key] ?? 0
            #expect(index.slot(hash: hash) { $0 == slot } == slot)
        }
    }

    @Test func keyHashSeparatesFields() {
        func key(_ sender: Principal = .user(1), canister: UInt64 = 1, method: String = "get", argument: [UInt8] = [1, 2]) -> QueryCache.Key {
            QueryCache.Key(QueryRequest(canister: CanisterID(canister), method: method, argument: argument, sender: sender))
        }
        let base = key().indexHash
        #expect(key().indexHash == base, "the same key hashes the same")
        let others = [key(.user(2)), key(canister: 2), key(method: "got"), key(argument: [1, 2, 0]), key(argument: [2, 1]),
                      key(method: "get\u{1}", argument: [2])]
        for other in others { #expect(other.indexHash != base) }
    }
}
