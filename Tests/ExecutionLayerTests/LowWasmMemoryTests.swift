import Testing
@testable import ExecutionLayer

/// The `wasm_memory_limit` and `wasm_memory_threshold` settings: `memory.grow` past the limit
/// traps in an update (IC0539) and leaves the heap as it was, and
/// `canister_on_low_wasm_memory` runs once when the room under the limit falls below the
/// threshold, not again until the room rises to the threshold and falls again.
@Suite("The low-Wasm-memory hook")
struct LowWasmMemoryTests {
    static let id = CanisterID(30)
    static let page: UInt64 = 65_536
    static let executor = RoundExecutorTests.executor

    static func state() throws -> ReplicatedState {
        var state = ReplicatedState()
        state.add(try RoundExecutorTests.canister("boundedwait", id))
        return state
    }

    /// The hook's runs and the heap's pages.
    static func hook(_ state: ReplicatedState) throws -> (runs: UInt64, pages: UInt64) {
        let result = CanisterExecutor().query("hook_runs", argument: [], caller: .user(1), timeNanos: 1, on: try #require(state.canister(id)))
        guard case .replied(let bytes) = result.outcome, bytes.count == 12 else { return (.max, .max) }
        let runs = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let pages = bytes[8..<12].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (runs, pages)
    }

    /// Grows the heap by `pages` in one round (and runs one more, for a hook it queued).
    static func grow(_ pages: UInt32, id message: UInt64, _ state: inout ReplicatedState) -> IngressStatus? {
        let ingress = RoundExecutorTests.message(message, id, "grow", BoundedWaitTests.le32(pages))
        _ = executor.executeRound(ingress: [ingress], timeNanos: message * 10, on: &state)
        _ = executor.executeRound(ingress: [], timeNanos: message * 10 + 1, on: &state)
        return state.ingressHistory[message]
    }

    @Test func theHookRunsOncePerCrossingOfTheThreshold() throws {
        var state = try Self.state()
        let start = try Self.hook(state).pages
        // Room: 10 pages under the limit; the hook runs below 4.
        state.updateWasmMemorySettings(Self.id, limitBytes: (start + 10) * Self.page, thresholdBytes: 4 * Self.page)
        #expect(try Self.hook(state) == (0, start), "10 pages of room: nothing yet")
        #expect(Self.grow(2, id: 1, &state) == .replied(BoundedWaitTests.le32(UInt32(start))))
        #expect(try Self.hook(state).runs == 0, "8 pages of room")
        _ = Self.grow(5, id: 2, &state)
        #expect(try Self.hook(state) == (1, start + 7), "3 pages of room: the hook ran")
        _ = Self.grow(1, id: 3, &state)
        #expect(try Self.hook(state).runs == 1, "still below the threshold: not again")
        // A higher limit gives room again (the hook is re-armed); falling below runs it again.
        state.updateWasmMemorySettings(Self.id, limitBytes: (start + 20) * Self.page, thresholdBytes: 4 * Self.page)
        #expect(try Self.hook(state).runs == 1)
        _ = Self.grow(9, id: 4, &state)
        #expect(try Self.hook(state) == (2, start + 17), "3 pages of room again: it ran a second time")
    }

    @Test func growingPastTheLimitTrapsAndChangesNothing() throws {
        var state = try Self.state()
        let start = try Self.hook(state).pages
        state.updateWasmMemorySettings(Self.id, limitBytes: (start + 2) * Self.page, thresholdBytes: 0)
        #expect(Self.grow(2, id: 1, &state) == .replied(BoundedWaitTests.le32(UInt32(start))), "up to the limit is fine")
        guard case .rejected(let reject) = Self.grow(1, id: 2, &state) else { Issue.record("not rejected"); return }
        #expect(reject.errorCode == .canisterWasmMemoryLimitExceeded && reject.code == .canisterError)
        #expect(reject.message.contains("exceeded its Wasm memory limit"))
        #expect(try Self.hook(state) == (0, start + 2), "the heap kept its size; no threshold, no hook")
        // A grow the memory's own maximum refuses still returns -1 rather than trapping.
        #expect(Self.grow(70_000, id: 3, &state) == .replied(BoundedWaitTests.le32(UInt32.max)))
        // A limit of 0 means no limit.
        state.updateWasmMemorySettings(Self.id, limitBytes: 0, thresholdBytes: 0)
        #expect(Self.grow(1, id: 4, &state) == .replied(BoundedWaitTests.le32(UInt32(start + 2))))
    }

    @Test func theLimitAppliesToCanisterInit() throws {
        let wasm = try CanisterExecutorTests.wasm("boundedwait")
        var limited = CanisterState(id: Self.id, controllers: [CanisterExecutorTests.controller], cycles: Cycles(1_000))
        limited.wasmMemoryLimitBytes = 64 * Self.page
        let refused = CanisterExecutor().install(.install, wasm: wasm, argument: BoundedWaitTests.le32(100),
                                                 caller: CanisterExecutorTests.controller, timeNanos: 1, on: &limited)
        guard case .failure(let reject) = refused else { Issue.record("installed"); return }
        #expect(reject.errorCode == .canisterWasmMemoryLimitExceeded && reject.message.contains("in canister_init"))
        #expect(limited.code == nil, "nothing installed")
        let installed = CanisterExecutor().install(.install, wasm: wasm, argument: BoundedWaitTests.le32(10),
                                                   caller: CanisterExecutorTests.controller, timeNanos: 1, on: &limited)
        #expect((try? installed.get()) != nil, "within the limit")
    }

    @Test func defaultSettingsLeaveTheStateHashAsItWas() throws {
        var plain = try Self.state()
        var configured = try Self.state()
        let before = plain.stateHash(includingMemory: true)
        #expect(before == configured.stateHash(includingMemory: true))
        configured.updateWasmMemorySettings(Self.id, limitBytes: nil, thresholdBytes: 0)
        let unchanged = configured.stateHash(includingMemory: true)
        #expect(before == unchanged, "the defaults hash as before")
        configured.updateWasmMemorySettings(Self.id, limitBytes: 1 << 30, thresholdBytes: 0)
        let limited = configured.stateHash(includingMemory: true)
        #expect(before != limited, "a limit shows")
    }
}
