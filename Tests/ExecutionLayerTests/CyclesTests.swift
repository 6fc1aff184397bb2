import Testing
@testable import ExecutionLayer

/// Cycles: the IC's fees scaled by subnet size, ingress and execution fees (prepaid, unused
/// part refunded), call fees with the response's transmission prepaid, storage charged over
/// time, the freezing threshold, and the ledger: every cycle is somewhere at every round.
@Suite("Cycles")
struct CyclesTests {
    static let plenty: UInt64 = 10_000_000_000_000  // 10 T

    static func subnet(_ names: [(String, CanisterID)], cycles: UInt64 = plenty) throws -> ReplicatedState {
        var state = ReplicatedState()
        for (name, id) in names { state.add(try RoundExecutorTests.canister(name, id, cycles: cycles)) }
        return state
    }

    @Test func feesScaleWithTheSubnet() {
        let thirteen = CyclesFees(subnetSize: 13)
        #expect(thirteen.ingress(bytes: 300) == Cycles(1_200_000 + 2_000 * 300))
        #expect(thirteen.executionPrepayment(limit: 40_000_000_000) == Cycles(40_005_000_000))
        #expect(thirteen.executionRefund(limit: 100, used: 30) == Cycles(70))
        #expect(thirteen.call(bytes: 10) == Cycles(260_000 + 1_000 * (10 + 2 * 1_024 * 1_024)))
        let forty = CyclesFees(subnetSize: 40)
        #expect(forty.ingress(bytes: 0) == Cycles(1_200_000 * 40 / 13))
        #expect(CyclesFees.free.ingress(bytes: 1_000) == .zero)
        // 1 GiB for one second costs 127,000 cycles; a half-percent rounding is not needed.
        #expect(thirteen.idle(bytes: 1 << 30, computeAllocationPercent: 0, nanoseconds: 1_000_000_000) == Cycles(127_000))
        #expect(thirteen.idle(bytes: 0, computeAllocationPercent: 3, nanoseconds: 2_000_000_000) == Cycles(60_000_000))
    }

    @Test func ingressAndExecutionAreChargedAndTheLedgerBalances() throws {
        var state = try Self.subnet([("counter", RoundExecutorTests.counterID)])
        let total = state.cyclesAccountedFor
        let messages = (1...3).map { RoundExecutorTests.message($0, RoundExecutorTests.counterID, "inc") }
        var probe = try #require(state.canister(RoundExecutorTests.counterID))
        let instructions = messages.map { _ in CanisterExecutor().update("inc", argument: [], caller: .user(1), timeNanos: 1, on: &probe).instructions }
        _ = RoundExecutor().executeRound(ingress: messages, timeNanos: 1, on: &state)
        #expect(state.ingressHistory[3] == .replied(RoundExecutorTests.le64(3)))
        let fees = CyclesFees()
        let expected = messages.map { fees.ingress(bytes: $0.sizeBytes) }.reduce(Cycles.zero, +)
            + instructions.map { Cycles(5_000_000 + $0) }.reduce(Cycles.zero, +)
        #expect(state.canister(RoundExecutorTests.counterID)?.cycles == Cycles(Self.plenty) - expected)
        #expect(state.cyclesBurned == expected)
        #expect(state.cyclesAccountedFor == total)
    }

    @Test func aCanisterThatCannotPrepayRejects() throws {
        var state = try Self.subnet([("counter", RoundExecutorTests.counterID)], cycles: 1_000_000_000)
        _ = RoundExecutor().executeRound(ingress: [RoundExecutorTests.message(1, RoundExecutorTests.counterID, "inc")], timeNanos: 1, on: &state)
        guard case .rejected(let reject) = state.ingressHistory[1] else { Issue.record("no reject"); return }
        #expect(reject.errorCode == .canisterOutOfCycles && reject.code == .systemTransient, "\(reject)")
        #expect(state.canister(RoundExecutorTests.counterID)?.cycles == Cycles(1_000_000_000) - CyclesFees().ingress(bytes: 259),
                "the ingress fee was paid; the execution could not be")
    }

    @Test func callsPayTheirFeeAndGetTheUnusedTransmissionBack() throws {
        var state = try Self.subnet([("counter", RoundExecutorTests.counterID), ("caller", RoundExecutorTests.callerID)])
        let total = state.cyclesAccountedFor
        let argument = RoundExecutorTests.target(RoundExecutorTests.counterID, "accept")
        _ = RoundExecutor().executeRound(ingress: [RoundExecutorTests.message(1, RoundExecutorTests.callerID, "call_with_cycles", argument)],
                                         timeNanos: 1, on: &state)
        #expect(state.ingressHistory[1] == .replied(Cycles(700).littleEndianBytes))
        #expect(state.cyclesAccountedFor == total, "every cycle is accounted for")
        let fees = CyclesFees()
        // The call ("accept" and an 8-byte argument) costs its fee; the 16-byte reply's
        // transmission is all that is kept of the prepaid 2 MiB.
        let callCost = fees.call(bytes: 6 + 8) - fees.responseRefund(bytes: 16)
        #expect(callCost == Cycles(260_000 + 1_000 * (14 + 16)))
        let caller = try #require(state.canister(RoundExecutorTests.callerID))
        #expect(caller.cycles < Cycles(Self.plenty) - callCost - Cycles(300), "it also paid for its executions")
    }

    @Test func storageIsChargedOverTime() throws {
        var state = try Self.subnet([("counter", RoundExecutorTests.counterID)])
        let executor = RoundExecutor()
        _ = executor.executeRound(ingress: [], timeNanos: 1_000, on: &state)
        let before = try #require(state.canister(RoundExecutorTests.counterID)).cycles
        let bytes = try #require(state.entry(RoundExecutorTests.counterID)).memoryBytes
        #expect(bytes > 0, "a canister with a heap pays for it")
        _ = executor.executeRound(ingress: [], timeNanos: 1_000 + 5_000_000_000, on: &state)
        #expect(state.canister(RoundExecutorTests.counterID)?.cycles == before, "not yet: every 10 s")
        _ = executor.executeRound(ingress: [], timeNanos: 1_000 + 20_000_000_000, on: &state)
        let after = try #require(state.canister(RoundExecutorTests.counterID)).cycles
        let expected = CyclesFees().idle(bytes: bytes, computeAllocationPercent: 0, nanoseconds: 20_000_000_000)
        #expect(before - after == expected, "20 s of \(bytes) bytes: \(before - after) vs \(expected)")
        #expect(expected > .zero)
    }

    @Test func belowItsFreezingThresholdACanisterTakesNoIngress() throws {
        var state = try Self.subnet([("counter", RoundExecutorTests.counterID)])
        // 10 T cycles last about 2 * 10^13 s for a one-chunk heap: a threshold of 10^14 s
        // freezes it.
        state.canisters[0].state.freezingThresholdSeconds = 100_000_000_000_000
        let executor = RoundExecutor()
        _ = executor.executeRound(ingress: [], timeNanos: 1, on: &state)  // learns its idle cost
        _ = executor.executeRound(ingress: [RoundExecutorTests.message(1, RoundExecutorTests.counterID, "inc")], timeNanos: 2, on: &state)
        guard case .rejected(let reject) = state.ingressHistory[1] else { Issue.record("no reject"); return }
        #expect(reject.errorCode == .canisterOutOfCycles)
        #expect(reject.message.contains("freezing threshold"))
    }

    @Test func theLedgerBalancesThroughCallsTrapsAndRejects() throws {
        var state = try Self.subnet([("counter", RoundExecutorTests.counterID), ("caller", RoundExecutorTests.callerID)])
        let total = state.cyclesAccountedFor
        let executor = RoundExecutor()
        let methods = ["call", "call_reply_now", "call_then_trap_in_callback", "call_with_cycles", "call_twice"]
        let callees = ["inc", "reject", "nope", "inc_then_trap", "accept", "silent"]
        var id: UInt64 = 0
        for round in 0..<12 {
            var ingress: [IngressMessage] = []
            for (index, method) in methods.enumerated() {
                id += 1
                let callee = callees[(round + index) % callees.count]
                let target = index == 2 && round % 3 == 0 ? CanisterID(77) : RoundExecutorTests.counterID
                ingress.append(RoundExecutorTests.message(id, RoundExecutorTests.callerID, method, RoundExecutorTests.target(target, callee)))
            }
            _ = executor.executeRound(ingress: ingress, timeNanos: UInt64(round) * 3_000_000_000, on: &state)
            #expect(state.cyclesAccountedFor == total, "round \(round): \(state.cyclesAccountedFor) vs \(total)")
        }
        #expect(state.cyclesBurned > .zero)
        #expect((1...id).allSatisfy { state.ingressHistory[$0] != .processing && state.ingressHistory[$0] != nil }, "every message answered")
    }
}
