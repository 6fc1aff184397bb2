import Testing
@testable import ExecutionLayer

/// Heartbeats run every round, the global timer fires once due (and is disarmed as it fires,
/// so it runs again only if re-armed), and `canister_inspect_message` filters ingress.
@Suite("System tasks and inspection")
struct SystemTaskTests {
    static let id = CanisterID(5)
    static let second: UInt64 = 1_000_000_000

    static func subnet(timerInterval: UInt64) throws -> ReplicatedState {
        var canister = CanisterState(id: id, controllers: [CanisterExecutorTests.controller], cycles: Cycles(10_000))
        let result = CanisterExecutor().install(.install, wasm: try CanisterExecutorTests.wasm("timer"),
                                                argument: CanisterExecutorTests.le64(timerInterval),
                                                caller: CanisterExecutorTests.controller, timeNanos: 0, on: &canister)
        if case .failure(let reject) = result { Issue.record("install: \(reject)") }
        var state = ReplicatedState()
        state.add(canister)
        return state
    }

    static func counts(_ state: ReplicatedState) -> (timer: UInt64, heartbeats: UInt64)? {
        guard let canister = state.canister(id),
              case .replied(let bytes) = CanisterExecutor().query("counts", argument: [], caller: .anonymous, timeNanos: 0, on: canister).outcome,
              bytes.count == 16 else { return nil }
        func number(_ offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) } }
        return (number(0), number(8))
    }

    /// The count of canisters exporting `canister_inspect_message` follows canisters added
    /// and removed (with none, no lookup is made).
    @Test func inspectingCanistersAreCounted() throws {
        var state = try RoundExecutorTests.subnet()
        #expect(state.inspectingCanisters == 0)
        #expect(!state.inspectsMessages(RoundExecutorTests.counterID))
        state.add(try Self.subnet(timerInterval: 0).canisters.map(\.state))
        #expect(state.inspectingCanisters == 1)
        #expect(state.inspectsMessages(Self.id))
        #expect(!state.inspectsMessages(RoundExecutorTests.counterID))
        state.remove(Self.id)
        #expect(state.inspectingCanisters == 0)
        #expect(!state.inspectsMessages(Self.id))
    }

    @Test func heartbeatsRunEveryRoundAndTheTimerWhenDue() throws {
        var state = try Self.subnet(timerInterval: 2 * Self.second)
        #expect(state.canister(Self.id)?.globalTimerNanos == 2 * Self.second, "init armed it")
        let executor = RoundExecutorTests.executor
        // Rounds every half second for 5 s: the timer fires at 2 s and 4 s (re-armed each time).
        for round in 1...10 { _ = executor.executeRound(ingress: [], timeNanos: UInt64(round) * Self.second / 2, on: &state) }
        let counts = try #require(Self.counts(state))
        #expect(counts.heartbeats == 10)
        #expect(counts.timer == 2)
        #expect(state.canister(Self.id)?.globalTimerNanos == 6 * Self.second)
    }

    @Test func noTimerArmedNoneFires() throws {
        var state = try Self.subnet(timerInterval: 0)
        #expect(state.canister(Self.id)?.globalTimerNanos == 0)
        _ = RoundExecutorTests.executor.executeRound(ingress: [], timeNanos: 100 * Self.second, on: &state)
        #expect(Self.counts(state)?.timer == 0)
        #expect(Self.counts(state)?.heartbeats == 1)
    }

    @Test func stoppedCanistersRunNoTasks() throws {
        var state = try Self.subnet(timerInterval: 1)
        state.canisters[0].state.status = .stopped
        _ = RoundExecutorTests.executor.executeRound(ingress: [], timeNanos: 10 * Self.second, on: &state)
        state.canisters[0].state.status = .running
        #expect(Self.counts(state)?.heartbeats == 0)
        #expect(Self.counts(state)?.timer == 0)
        #expect(state.canister(Self.id)?.globalTimerNanos == 1, "still armed for when it runs again")
    }

    @Test func inspectionAcceptsAndRejects() throws {
        let canister = try #require(try Self.subnet(timerInterval: 0).canister(Self.id))
        let executor = CanisterExecutor()
        #expect(executor.inspect("ping", argument: [], caller: .user(1), timeNanos: 0, on: canister) == nil)
        let reject = executor.inspect("forbidden", argument: [], caller: .user(1), timeNanos: 0, on: canister)
        #expect(reject?.errorCode == .canisterRejectedMessage && reject?.code == .canisterReject)
        let counter = try CanisterExecutorTests.installed("counter")
        #expect(executor.inspect("anything", argument: [], caller: .user(1), timeNanos: 0, on: counter) == nil, "no export: accepted")
    }
}
