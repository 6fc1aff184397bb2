import Testing
@testable import ExecutionLayer

/// Deterministic time slicing: a message longer than a slice pauses and resumes, with the
/// same result and instruction count as an unsliced run; the canister's state stays as it was
/// before the message until it ends; past its total limit it traps.
@Suite("Time slicing")
struct TimeSlicingTests {
    static let below: UInt64 = 20_000

    static func primesCanister() throws -> CanisterState {
        try CanisterExecutorTests.installed("primes")
    }

    static func input(_ below: UInt64) -> MessageInput {
        MessageInput(.update("primes"), caller: .user(3), argument: CanisterExecutorTests.le64(below), timeNanos: 10)
    }

    @Test(arguments: [1_000, 77_777, 1_000_000] as [UInt64])
    func slicedEqualsUnsliced(slice: UInt64) throws {
        var whole = try Self.primesCanister()
        let unsliced = CanisterExecutorTests.executor.run(Self.input(Self.below), on: &whole)
        #expect(unsliced.outcome == .replied(CanisterExecutorTests.le64(2_262)), "2,262 primes below 20,000")

        var canister = try Self.primesCanister()
        var step = CanisterExecutorTests.executor.start(Self.input(Self.below), on: &canister, sliceInstructions: slice)
        var slices = 1
        while case .paused(let paused) = step {
            #expect(paused.instructionsUsed <= UInt64(slices) * slice + 100, "a slice may overshoot by one step only")
            let query = CanisterExecutorTests.executor.query("last", argument: [], caller: .anonymous, timeNanos: 11, on: canister)
            #expect(query.outcome == .replied(CanisterExecutorTests.le64(0)), "nothing is committed while paused")
            step = CanisterExecutorTests.executor.resume(paused, on: &canister, sliceInstructions: slice)
            slices += 1
        }
        guard case .finished(let result) = step else { return }
        #expect(result.outcome == unsliced.outcome)
        #expect(result.instructions == unsliced.instructions)
        #expect(UInt64(slices) >= unsliced.instructions / slice, "\(slices) slices for \(unsliced.instructions) instructions")
        let last = CanisterExecutorTests.executor.query("last", argument: [], caller: .anonymous, timeNanos: 12, on: canister)
        #expect(last.outcome == .replied(CanisterExecutorTests.le64(2_262)))
    }

    @Test func aSlicedMessagePastItsLimitTrapsAndChangesNothing() throws {
        var executor = CanisterExecutorTests.executor
        executor.configuration.updateInstructionsMax = 3_000_000
        var canister = try Self.primesCanister()
        var step = executor.start(Self.input(Self.below), on: &canister, sliceInstructions: 1_000_000)
        var slices = 1
        while case .paused(let paused) = step {
            step = executor.resume(paused, on: &canister, sliceInstructions: 1_000_000)
            slices += 1
        }
        guard case .finished(let result) = step, case .rejected(let reject) = result.outcome else { Issue.record("expected a reject"); return }
        #expect(reject.errorCode == .canisterInstructionLimitExceeded)
        #expect(result.trapped)
        #expect(result.instructions <= 3_000_000)
        // Three slices of up to 1 M each (a slice stops before a block that would exceed it, so
        // it may end a little short, and a fourth, short one then reaches the limit).
        #expect(slices == 3 || slices == 4, "\(slices) slices")
        let last = executor.query("last", argument: [], caller: .anonymous, timeNanos: 12, on: canister)
        #expect(last.outcome == .replied(CanisterExecutorTests.le64(0)))
    }
}
