import Foundation
import Testing
import Wasm
@testable import ExecutionLayer

/// Canisters written in C (Fixtures/c) installed and called through ``CanisterExecutor``:
/// replies, rejects, persistence, rollback of a trapped message, query isolation, the
/// System API's context checks, instruction limits, upgrades keeping stable memory.
@Suite("Canister execution")
struct CanisterExecutorTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/c")
    static let controller = Principal.user(1)
    static let executor = CanisterExecutor()

    static func wasm(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent("\(name).wasm")))
    }

    static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

    /// A canister with `name` installed, `argument` given to its init.
    static func installed(_ name: String, argument: [UInt8] = [], cycles: UInt64 = 1_000_000) throws -> CanisterState {
        var canister = CanisterState(id: CanisterID(7), controllers: [controller], cycles: Cycles(cycles))
        let result = executor.install(.install, wasm: try wasm(name), argument: argument, caller: controller, timeNanos: 1, on: &canister)
        if case .failure(let reject) = result { Issue.record("install failed: \(reject)") }
        return canister
    }

    static func update(_ method: String, _ canister: inout CanisterState, argument: [UInt8] = [], caller: Principal = .user(2),
                       cycles: Cycles = .zero, time: UInt64 = 1_000) -> MessageResult {
        executor.update(method, argument: argument, caller: caller, cycles: cycles, timeNanos: time, on: &canister)
    }

    @Test func initSetsStateAndUpdatesPersistIt() throws {
        var canister = try Self.installed("counter", argument: Self.le64(41))
        #expect(Self.update("inc", &canister).outcome == .replied(Self.le64(42)))
        #expect(Self.update("inc", &canister).outcome == .replied(Self.le64(43)))
        let query = Self.executor.query("get", argument: [], caller: .anonymous, timeNanos: 2_000, on: canister)
        #expect(query.outcome == .replied(Self.le64(43)))
        #expect(canister.version == 1)
    }

    @Test func aTrapRollsBackEverythingTheMessageDid() throws {
        var canister = try Self.installed("counter")
        _ = Self.update("inc", &canister)
        let before = canister
        let result = Self.update("inc_then_trap", &canister)
        guard case .rejected(let reject) = result.outcome else { Issue.record("expected a reject, got \(result.outcome)"); return }
        #expect(reject.code == .canisterError)
        #expect(reject.errorCode == .canisterCalledTrap)
        #expect(reject.message.hasSuffix("trapped explicitly: changed my mind"))
        #expect(result.instructions > 65_536, "the loop ran before the trap: \(result.instructions)")
        let heapBefore = try #require(before.code?.instance.memory)
        let heapAfter = try #require(canister.code?.instance.memory)
        #expect(heapAfter.byteCount == heapBefore.byteCount)
        #expect(try heapAfter.bytes(at: 0, count: heapAfter.byteCount) == heapBefore.bytes(at: 0, count: heapBefore.byteCount), "the written page is gone")
        #expect(Self.update("inc", &canister).outcome == .replied(Self.le64(2)), "the trapped increment is gone")
    }

    @Test func queryChangesVanishEvenRunAsUpdates() throws {
        var canister = try Self.installed("counter")
        let query = Self.executor.query("inc_in_query", argument: [], caller: .anonymous, timeNanos: 5, on: canister)
        #expect(query.outcome == .replied(Self.le64(1)))
        #expect(Self.executor.query("get", argument: [], caller: .anonymous, timeNanos: 6, on: canister).outcome == .replied(Self.le64(0)))
        #expect(Self.update("inc_in_query", &canister).outcome == .replied(Self.le64(1)), "a query method called as an update")
        // dfinity/ic's execute_replicated_query runs it on clones of the states: nothing stays.
        #expect(Self.executor.query("get", argument: [], caller: .anonymous, timeNanos: 7, on: canister).outcome == .replied(Self.le64(0)))
        #expect(Self.update("inc", &canister).outcome == .replied(Self.le64(1)))
    }

    @Test func theSystemAPIReportsTheMessage() throws {
        var canister = try Self.installed("counter")
        let caller = Principal.user(99)
        #expect(Self.update("echo", &canister, argument: [1, 2, 3]).outcome == .replied([1, 2, 3]))
        #expect(Self.update("whoami", &canister, caller: caller).outcome == .replied(caller.bytes))
        #expect(Self.update("self", &canister).outcome == .replied(CanisterID(7).principal.bytes))
        #expect(Self.update("time", &canister, time: 123_456_789).outcome == .replied(Self.le64(123_456_789)))
        #expect(Self.update("print", &canister, argument: Array("hello".utf8)).outcome == .replied([]))
        #expect(canister.log.last?.message == "hello")
        #expect(canister.log.last?.timeNanos == 1_000)
    }

    @Test func rejectsCarryTheICsCodes() throws {
        var canister = try Self.installed("counter")
        #expect(Self.update("reject", &canister).outcome == .rejected(Reject(canisterMessage: "no thanks")))
        let silent = Self.update("silent", &canister).outcome
        #expect(silent == .rejected(Reject(.canisterDidNotReply, "canister \(canister.id) did not produce a response")))
        guard case .rejected(let missing) = Self.update("nope", &canister).outcome else { Issue.record("no reject"); return }
        #expect(missing.errorCode == .canisterMethodNotFound && missing.code == .canisterError)
        guard case .rejected(let notQuery) = Self.executor.query("inc", argument: [], caller: .anonymous, timeNanos: 1, on: canister).outcome else {
            Issue.record("an update method cannot be queried"); return
        }
        #expect(notQuery.errorCode == .canisterMethodNotFound)
        canister.status = .stopped
        guard case .rejected(let stopped) = Self.update("inc", &canister).outcome else { Issue.record("no reject"); return }
        #expect(stopped.errorCode == .canisterStopped)
    }

    @Test func systemAPIFunctionsTrapOutsideTheirContexts() throws {
        var canister = try Self.installed("counter")
        guard case .rejected(let reject) = Self.update("method_name", &canister).outcome else { Issue.record("no reject"); return }
        #expect(reject.errorCode == .canisterTrapped)
        #expect(reject.message.contains("ic0.msg_method_name_size cannot be executed in update mode"), "\(reject.message)")
        guard case .rejected(let twice) = Self.update("reply_twice", &canister).outcome else { Issue.record("no reject"); return }
        #expect(twice.message.contains("already replied"), "\(twice.message)")
    }

    @Test func theContextTableFollowsTheSpec() {
        #expect(SystemAPI.allows("msg_reply", in: .update) == true)
        #expect(SystemAPI.allows("msg_reply", in: .initialization) == false)
        #expect(SystemAPI.allows("msg_arg_data_size", in: .rejectCallback) == false)
        #expect(SystemAPI.allows("msg_reject_msg_size", in: .rejectCallback) == true)
        #expect(SystemAPI.allows("accept_message", in: .inspectMessage) == true)
        #expect(SystemAPI.allows("accept_message", in: .update) == false)
        #expect(SystemAPI.allows("time", in: .start) == false, "* excludes the start function")
        #expect(SystemAPI.allows("debug_print", in: .start) == true, "* s includes it")
        #expect(SystemAPI.allows("call_cycles_add128", in: .compositeQuery) == false)
        #expect(SystemAPI.allows("no_such_function", in: .update) == nil)
        // Every function of the spec 0.66.0's overview: 72, and the two of the bounded-wait calls
        // (SystemAPITableTests checks each against the spec's table).
        #expect(SystemAPI.functionNames.count == 74)
        #expect(Set(SystemAPI.functionNames).count == 74, "no function twice")
    }

    @Test func anEndlessLoopStopsAtTheInstructionLimit() throws {
        var canister = try Self.installed("counter")
        var executor = CanisterExecutor()
        executor.configuration.updateInstructionsMax = 1_000_000
        let result = executor.update("spin", argument: [], caller: .anonymous, timeNanos: 1, on: &canister)
        guard case .rejected(let reject) = result.outcome else { Issue.record("no reject"); return }
        #expect(reject.errorCode == .canisterInstructionLimitExceeded)
        #expect(result.instructions <= 1_000_000)
    }

    @Test func cyclesOfferedAreAcceptedIntoTheBalance() throws {
        var canister = try Self.installed("counter", cycles: 5_000)
        let result = Self.update("accept", &canister, argument: Self.le64(300), cycles: Cycles(1_000))
        #expect(result.outcome == .replied(Cycles(5_300).littleEndianBytes))
        #expect(canister.cycles == Cycles(5_300), "accepted 300 of the 1,000 offered")
    }

    @Test func certifiedDataAndTheTimerPersist() throws {
        var canister = try Self.installed("counter")
        #expect(Self.update("certify", &canister, argument: [9, 9]).outcome == .replied([]))
        #expect(canister.certifiedData == [9, 9])
        guard case .rejected = Self.update("certify", &canister, argument: Array(repeating: 1, count: 33)).outcome else {
            Issue.record("more than 32 bytes must trap"); return
        }
        #expect(canister.certifiedData == [9, 9])
        #expect(Self.update("set_timer", &canister, argument: Self.le64(77)).outcome == .replied(Self.le64(0)))
        #expect(Self.update("set_timer", &canister, argument: Self.le64(88)).outcome == .replied(Self.le64(77)))
        #expect(canister.globalTimerNanos == 88)
    }

    @Test func thePerformanceCounterCountsThisMessage() throws {
        var canister = try Self.installed("counter")
        guard case .replied(let bytes) = Self.update("counter_perf", &canister).outcome else { Issue.record("no reply"); return }
        let used = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        #expect(used > 1_000 && used < 100_000, "\(used)")
    }

    @Test func anUpgradeKeepsStableMemoryAndReplacesTheHeap() throws {
        var canister = try Self.installed("stable")
        for _ in 0..<5 { _ = Self.update("inc", &canister) }
        let upgrade = Self.executor.install(.upgrade, wasm: try Self.wasm("stable"), argument: [], caller: Self.controller, timeNanos: 9, on: &canister)
        #expect((try? upgrade.get()) != nil, "\(upgrade)")
        #expect(Self.executor.query("get", argument: [], caller: .anonymous, timeNanos: 10, on: canister).outcome == .replied(Self.le64(5)))
        #expect(Self.executor.query("stable_pages", argument: [], caller: .anonymous, timeNanos: 10, on: canister).outcome == .replied(Self.le64(1)))
        #expect(canister.version == 2)
        let reinstall = Self.executor.install(.reinstall, wasm: try Self.wasm("stable"), argument: [], caller: Self.controller, timeNanos: 11, on: &canister)
        #expect((try? reinstall.get()) != nil)
        #expect(Self.executor.query("get", argument: [], caller: .anonymous, timeNanos: 12, on: canister).outcome == .replied(Self.le64(0)))
        #expect(Self.executor.query("stable_pages", argument: [], caller: .anonymous, timeNanos: 12, on: canister).outcome == .replied(Self.le64(0)))
    }

    @Test func installChecksTheCallerTheModeAndTheModule() throws {
        var canister = CanisterState(id: CanisterID(3), controllers: [Self.controller], cycles: .zero)
        let counter = try Self.wasm("counter")
        func failure(_ result: Result<UInt64, Reject>) -> ErrorCode? {
            if case .failure(let reject) = result { return reject.errorCode }
            return nil
        }
        #expect(failure(Self.executor.install(.install, wasm: counter, argument: [], caller: .user(5), timeNanos: 0, on: &canister)) == .canisterInvalidController)
        #expect(failure(Self.executor.install(.upgrade, wasm: counter, argument: [], caller: Self.controller, timeNanos: 0, on: &canister)) == .canisterWasmModuleNotFound)
        #expect(failure(Self.executor.install(.install, wasm: [0, 1, 2], argument: [], caller: Self.controller, timeNanos: 0, on: &canister)) == .canisterInvalidWasm)
        #expect(failure(Self.executor.install(.install, wasm: counter, argument: [], caller: Self.controller, timeNanos: 0, on: &canister)) == nil)
        #expect(failure(Self.executor.install(.install, wasm: counter, argument: [], caller: Self.controller, timeNanos: 0, on: &canister)) == .canisterNonEmpty)
        guard case .rejected(let unknown) = Self.update("nothing", &canister).outcome else { Issue.record("no reject"); return }
        #expect(unknown.errorCode == .canisterMethodNotFound)
    }

    @Test func principalsPrintAsTheSpecSays() {
        #expect(Principal.managementCanister.description == "aaaaa-aa")
        #expect(Principal.anonymous.description == "2vxsx-fae")
        #expect(CanisterID(0).description == "rwlgt-iiaaa-aaaaa-aaaaa-cai")
        #expect(CanisterID(principal: CanisterID(12_345).principal) == CanisterID(12_345))
    }
}
