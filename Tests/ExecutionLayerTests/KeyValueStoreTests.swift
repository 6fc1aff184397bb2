import Testing
@testable import ExecutionLayer

/// The key-value store fixture (Fixtures/c/kv.c): values persist per key, replace, and come
/// back from queries; a missing key is rejected; each new key dirties one or two 4 KiB chunks.
@Suite("Key-value store canister")
struct KeyValueStoreTests {
    static func put(_ key: String, _ value: [UInt8]) -> [UInt8] { [UInt8(key.utf8.count)] + Array(key.utf8) + value }

    static func get(_ key: String, _ canister: CanisterState) -> CallOutcome {
        CanisterExecutorTests.executor.query("get", argument: Array(key.utf8), caller: .anonymous, timeNanos: 5_000, on: canister).outcome
    }

    @Test func valuesPersistReplaceAndComeBack() throws {
        var canister = try CanisterExecutorTests.installed("kv", cycles: 10_000_000_000)
        #expect(CanisterExecutorTests.update("put", &canister, argument: Self.put("alice", [1, 2, 3])).outcome == .replied(CanisterExecutorTests.le64(1)))
        #expect(CanisterExecutorTests.update("put", &canister, argument: Self.put("bob", Array(repeating: 7, count: 4_000))).outcome
                == .replied(CanisterExecutorTests.le64(2)))
        #expect(CanisterExecutorTests.update("put", &canister, argument: Self.put("alice", [9])).outcome == .replied(CanisterExecutorTests.le64(2)),
                "replacing a value adds no key")
        #expect(Self.get("alice", canister) == .replied([9]))
        #expect(Self.get("bob", canister) == .replied(Array(repeating: 7, count: 4_000)))
        guard case .rejected(let reject) = Self.get("carol", canister) else {
            Issue.record("a missing key is rejected")
            return
        }
        #expect(reject.code == .canisterReject && reject.message == "no such key")
        guard case .rejected(let bad) = CanisterExecutorTests.update("put", &canister, argument: [0, 1]).outcome else {
            Issue.record("an empty key traps")
            return
        }
        #expect(bad.message.contains("bad key"), "\(bad.message)")
    }

    @Test func eachNewKeyWritesAboutOnePage() throws {
        var canister = try CanisterExecutorTests.installed("kv", cycles: 10_000_000_000)
        var memory = try #require(canister.code?.instance.memory)
        memory.clearDirtyChunks()
        canister.code?.instance.memory = memory
        for index in 0..<50 { _ = CanisterExecutorTests.update("put", &canister, argument: Self.put("key \(index)", Array(repeating: 1, count: 3_000))) }
        let dirty = try #require(canister.code?.instance.memory).dirtyChunks.count
        #expect(dirty >= 50 && dirty <= 2 * 50 + 4, "\(dirty) chunks for 50 keys (a slot spans at most two, plus the argument buffer and the count)")
    }
}
