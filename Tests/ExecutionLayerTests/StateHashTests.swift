import SimCore
import Testing
@testable import ExecutionLayer

/// The replicated state's digests (certified, without memory; full, with it): deterministic,
/// equal whether built incrementally or from scratch, moved by what changes the state and by
/// nothing else.
@Suite("State hash")
struct StateHashTests {
    static func busySubnet(rounds: Int) throws -> ReplicatedState {
        var state = try RoundExecutorTests.subnet()
        let executor = RoundExecutor()
        var id: UInt64 = 0
        for round in 0..<rounds {
            id += 1
            let calls = [
                RoundExecutorTests.message(id, RoundExecutorTests.counterID, "inc"),
                RoundExecutorTests.message(id + 1_000, RoundExecutorTests.callerID, "call", RoundExecutorTests.target(RoundExecutorTests.counterID, "inc")),
                RoundExecutorTests.message(id + 2_000, RoundExecutorTests.counterID, round % 2 == 0 ? "inc_then_trap" : "echo", [UInt8(round)]),
            ]
            _ = executor.executeRound(ingress: calls, timeNanos: UInt64(round) * 4_000_000_000, on: &state)
        }
        return state
    }

    @Test func incrementalEqualsFromScratch() throws {
        var state = try RoundExecutorTests.subnet()
        for canister in state.canisters.indices { state.canisters[canister].state.cycles = Cycles(CyclesTests.plenty) }
        var incremental = state
        var hashes: [SHA256Digest] = []
        var fullHashes: [SHA256Digest] = []
        let executor = RoundExecutor()
        for round in 0..<6 {
            let message = RoundExecutorTests.message(UInt64(round + 1), RoundExecutorTests.counterID, round % 3 == 2 ? "inc_then_trap" : "inc")
            _ = executor.executeRound(ingress: [message], timeNanos: UInt64(round) * 4_000_000_000, on: &incremental)
            hashes.append(incremental.stateHash())
            if round % 2 == 1 { fullHashes.append(incremental.stateHash(includingMemory: true)) }
        }
        var scratch = incremental
        scratch.digests = StateDigests()
        #expect(scratch.stateHash() == hashes.last, "rehashing everything gives the same digest")
        var fullScratch = incremental
        fullScratch.digests = StateDigests()
        #expect(fullScratch.stateHash(includingMemory: true) == fullHashes.last)
        #expect(Set(hashes).count == hashes.count, "every round changes the state (its round number at least)")
        #expect(hashes.last != fullHashes.last, "the two digests differ")
    }

    @Test func theSameWorkGivesTheSameHashAndAnyDifferenceShows() throws {
        var first = try Self.busySubnet(rounds: 5)
        var second = try Self.busySubnet(rounds: 5)
        #expect(first.stateHash() == second.stateHash())
        #expect(first.stateHash(includingMemory: true) == second.stateHash(includingMemory: true))
        #expect(first.stateHash() == first.stateHash(), "hashing changes nothing")
        var changed = try Self.busySubnet(rounds: 5)
        var counter = try #require(changed.canister(RoundExecutorTests.counterID))
        _ = CanisterExecutor().update("inc", argument: [], caller: .anonymous, timeNanos: 1, on: &counter)
        changed.add(counter)
        #expect(changed.stateHash() == first.stateHash(), "the certified digest does not cover the heap")
        #expect(changed.stateHash(includingMemory: true) != first.stateHash(includingMemory: true), "the full one does")
    }

    @Test func theCertifiedDigestHoldsWhatTheICCertifies() throws {
        var first = try Self.busySubnet(rounds: 3)
        var richer = try Self.busySubnet(rounds: 3)
        let position = try #require(richer.positions[RoundExecutorTests.counterID])
        richer.canisters[position].state.cycles = richer.canisters[position].state.cycles + Cycles(1)
        richer.markTouched([position])
        #expect(richer.stateHash() == first.stateHash(), "balances are not in the IC's certified tree")
        #expect(richer.stateHash(includingMemory: true) != first.stateHash(includingMemory: true), "checkpoints hold them")
        var certified = try Self.busySubnet(rounds: 3)
        certified.canisters[position].state.certifiedData = [1, 2, 3]
        certified.markTouched([position])
        #expect(certified.stateHash() != first.stateHash(), "certified data is")
        var controlled = try Self.busySubnet(rounds: 3)
        controlled.canisters[position].state.controllers.append(.user(9))
        controlled.markTouched([position])
        #expect(controlled.stateHash() != first.stateHash(), "so are controllers")
    }

    @Test func aTrappedMessageLeavesTheHeapDigestAlone() throws {
        var state = try RoundExecutorTests.subnet()
        for canister in state.canisters.indices { state.canisters[canister].state.cycles = Cycles(CyclesTests.plenty) }
        _ = state.stateHash(includingMemory: true)
        let position = try #require(state.positions[RoundExecutorTests.counterID])
        let before = state.digests.heaps[position].tree.leaves
        _ = RoundExecutor().executeRound(ingress: [RoundExecutorTests.message(1, RoundExecutorTests.counterID, "inc_then_trap")],
                                         timeNanos: 1, on: &state)
        _ = state.stateHash(includingMemory: true)
        #expect(state.digests.heaps[position].tree.leaves == before, "the trap's writes were rolled back, so no chunk changed")
        _ = RoundExecutor().executeRound(ingress: [RoundExecutorTests.message(2, RoundExecutorTests.counterID, "inc")], timeNanos: 2, on: &state)
        _ = state.stateHash(includingMemory: true)
        #expect(state.digests.heaps[position].tree.leaves != before, "an increment changes a chunk")
    }
}
