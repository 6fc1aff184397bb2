import Testing
import SimCore
import Wasm
@testable import ExecutionLayer

/// Messages run one after another on one ``ExecutionScratch`` (as a round runs them: each
/// reuses the value stack, frame buffer and undo journal the previous one left) end exactly as
/// messages run each on storage of its own: the same outcomes, instructions and canister
/// states, through traps, roll-backs, a message paused across slices while others run, a
/// query method run as an update, canisters installed from one module, an upgrade and a
/// reinstall, and a message that writes a global and the table after messages that did not.
@Suite("Execution: storage reused between messages")
struct ScratchReuseTests {
    typealias Image = RunInPlaceTests.Image

    /// What one step did: the message's outcome, trap, instructions and cycles, and both
    /// canisters' images after it.
    struct Record: Equatable {
        var outcome: CallOutcome?
        var trapped = false
        var instructions: UInt64 = 0
        var unaccepted: Cycles = .zero
        var images: [Image] = []
    }

    /// A step: a message to canister 0 or 1, or an install on it.
    enum Step {
        case message(Int, String)
        /// A message run in slices of `slice` instructions, `between` run (on the other
        /// canister) after each slice.
        case sliced(Int, String, slice: UInt64, between: String)
        case install(Int, InstallMode)
    }

    static let steps: [Step] = [
        .message(0, "touch"), .message(1, "touch"),
        .message(0, "work"),  // globals and table written after messages that did not
        .message(1, "work_then_trap"), .message(1, "work"),
        .message(0, "work_then_unreachable"), .message(0, "touch"),
        .install(0, .upgrade), .message(0, "work"),
        .message(1, "work_as_query"),
        .sliced(0, "work_then_loop", slice: 10_000, between: "work_then_trap"),
        .install(1, .reinstall), .message(1, "work"),
        .sliced(1, "work_then_spin", slice: 250_000, between: "work"),  // pauses until its limit, then traps
        .message(0, "work"), .message(1, "touch"),
    ]

    /// `steps` on two canisters installed from one compiled module, every message on one
    /// scratch if `sharing`, else each on storage of its own.
    static func run(sharing: Bool) throws -> [Record] {
        let executor = RunInPlaceTests.executor
        let wasm = RunInPlaceTests.module.bytes
        let module = try CanisterExecutor.compile(wasm, for: CanisterID(7)).get()
        let prepared = PreparedModule(module, moduleHash: SHA256.hash(wasm))
        var canisters = [CanisterID(7), CanisterID(8)].map { CanisterState(id: $0, controllers: [BuiltCanister.controller], cycles: Cycles(1 << 40)) }
        for index in canisters.indices { try install(.install, prepared, on: &canisters[index]) }
        var scratch = ExecutionScratch()
        func start(_ method: String, _ index: Int, slice: UInt64) -> ExecutionStep {
            let input = RunInPlaceTests.input(method)
            if sharing { return executor.start(input, on: &canisters[index], sliceInstructions: slice, discardsChanges: false, scratch: &scratch) }
            return executor.start(input, on: &canisters[index], sliceInstructions: slice)
        }
        func record(_ step: ExecutionStep) -> Record {
            guard case .finished(let result) = step else { return Record(images: (try? canisters.map(Image.init)) ?? []) }
            return Record(outcome: result.outcome, trapped: result.trapped, instructions: result.instructions, unaccepted: result.cyclesUnaccepted,
                          images: (try? canisters.map(Image.init)) ?? [])
        }
        var records: [Record] = []
        for step in steps {
            switch step {
            case .message(let index, let method):
                records.append(record(start(method, index, slice: .max)))
            case .sliced(let index, let method, let slice, let between):
                var step = start(method, index, slice: slice)
                while case .paused(let paused) = step {
                    records.append(record(start(between, 1 - index, slice: .max)))
                    step = executor.resume(paused, on: &canisters[index], sliceInstructions: slice)
                }
                records.append(record(step))
            case .install(let index, let mode):
                try install(mode, prepared, on: &canisters[index])
                records.append(record(.finished(MessageResult(outcome: .replied([]), instructions: 0, calls: []))))
            }
        }
        return records
    }

    static func install(_ mode: InstallMode, _ prepared: PreparedModule, on canister: inout CanisterState) throws {
        _ = try RunInPlaceTests.executor.install(mode, prepared: prepared, argument: [], caller: BuiltCanister.controller, timeNanos: 1,
                                                 on: &canister).get()
    }

    @Test func messagesOnSharedStorageEndAsMessagesOnTheirOwn() throws {
        let shared = try Self.run(sharing: true)
        let own = try Self.run(sharing: false)
        #expect(shared.count == own.count)
        #expect(shared.count > Self.steps.count + 10, "the sliced messages paused")
        for (index, (sharedRecord, ownRecord)) in zip(shared, own).enumerated() {
            #expect(sharedRecord == ownRecord, "step \(index)")
        }
        #expect(shared.contains { $0.trapped } && shared.contains { $0.outcome == .replied([]) && !$0.trapped })
    }
}
