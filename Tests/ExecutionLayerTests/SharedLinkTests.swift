import SimCore
import Testing
import Wasm
@testable import ExecutionLayer

/// Canisters installed from one ``PreparedModule`` link its System API imports once and share
/// them: each keeps a state of its own, through messages, traps, upgrades and reinstalls.
@Suite("Execution: modules linked once")
struct SharedLinkTests {
    static let controller = Principal.user(1)
    static let executor = CanisterExecutor()

    static func prepared(_ name: String) throws -> PreparedModule {
        let wasm = try CanisterExecutorTests.wasm(name)
        let compiled = try CanisterExecutor.compile(wasm, for: CanisterID(0)).get()
        return PreparedModule(compiled, moduleHash: SHA256.hash(wasm))
    }

    static func installed(_ id: UInt64, _ module: PreparedModule, mode: InstallMode = .install, argument: [UInt8] = [],
                          on existing: CanisterState? = nil) throws -> CanisterState {
        var canister = existing ?? CanisterState(id: CanisterID(id), controllers: [controller], cycles: Cycles(1_000_000))
        _ = try executor.install(mode, prepared: module, argument: argument, caller: controller, timeNanos: 1, on: &canister).get()
        return canister
    }

    static func inc(_ canister: inout CanisterState) -> CallOutcome {
        executor.update("inc", argument: [], caller: .user(2), timeNanos: 1_000, on: &canister).outcome
    }

    @Test func canistersOfOneModuleKeepTheirOwnState() throws {
        let counter = try Self.prepared("counter")
        var first = try Self.installed(1, counter, argument: CanisterExecutorTests.le64(10))
        var second = try Self.installed(2, counter)
        #expect(Self.inc(&first) == .replied(CanisterExecutorTests.le64(11)))
        #expect(Self.inc(&second) == .replied(CanisterExecutorTests.le64(1)))
        let trapped = Self.executor.update("inc_then_trap", argument: [], caller: .user(2), timeNanos: 1_000, on: &first)
        #expect(trapped.trapped)
        #expect(Self.inc(&first) == .replied(CanisterExecutorTests.le64(12)))
        #expect(Self.inc(&second) == .replied(CanisterExecutorTests.le64(2)))

        // An upgrade and a reinstall from the same prepared module start the heap over; the
        // other canister is untouched.
        first = try Self.installed(1, counter, mode: .upgrade, on: first)
        #expect(Self.inc(&first) == .replied(CanisterExecutorTests.le64(1)))
        second = try Self.installed(2, counter, mode: .reinstall, argument: CanisterExecutorTests.le64(100), on: second)
        #expect(Self.inc(&second) == .replied(CanisterExecutorTests.le64(101)))
        #expect(Self.inc(&first) == .replied(CanisterExecutorTests.le64(2)))
    }

    @Test func anUpgradeToAnotherModuleRunsIt() throws {
        let counter = try Self.prepared("counter")
        let store = try Self.prepared("kv")
        var first = try Self.installed(1, counter)
        var second = try Self.installed(2, counter)
        #expect(Self.inc(&first) == .replied(CanisterExecutorTests.le64(1)))
        first = try Self.installed(1, store, mode: .upgrade, on: first)
        #expect(first.installed?.moduleHash == store.shared.moduleHash)
        guard case .rejected(let reject) = Self.inc(&first) else { Issue.record("the new module has no inc"); return }
        #expect(reject.message.contains("has no update method 'inc'"))
        #expect(Self.inc(&second) == .replied(CanisterExecutorTests.le64(1)))
    }

    @Test func aModuleThatDoesNotLinkIsRefusedAtEveryInstall() throws {
        // Imports ic0.msg_reply with the wrong type, (i32) -> () (loaded without the canister
        // checks, which would refuse it before linking).
        var b = CanisterModuleBuilder(["msg_reply"])
        b.importTypes = ["msg_reply": FunctionType(parameters: [.i32], results: [])]
        let bytes = b.bytes
        let compiled = try CompiledModule.load(bytes)
        let module = PreparedModule(compiled, moduleHash: SHA256.hash(bytes))
        for id in [UInt64(1), 2] {
            var canister = CanisterState(id: CanisterID(id), controllers: [Self.controller], cycles: Cycles(1_000_000))
            let result = Self.executor.install(.install, prepared: module, argument: [], caller: Self.controller, timeNanos: 1, on: &canister)
            guard case .failure(let reject) = result else { Issue.record("expected a refusal"); continue }
            #expect(reject.message.contains("cannot be instantiated: incompatible import type: ic0.msg_reply"))
            #expect(canister.code == nil)
        }
    }
}
