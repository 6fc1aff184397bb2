import Testing
import Wasm
@testable import ExecutionLayer

/// A session's stable memory is given back to the canister only when the call may have
/// changed it: every mutation (grow, write, an assignment) marks it, reads do not, and what a
/// message writes in place, paused or not, is kept exactly.
@Suite("Execution: stable memory given back only when changed")
struct StableMemoryGiveBackTests {
    static func session(pages: UInt32) -> CallSession {
        var memory = LinearMemory(minimumPages: 0, maximumPages: 10)
        _ = memory.grow(by: pages)
        return CallSession(context: .update, canister: CanisterID(7), caller: .user(2), argument: [], timeNanos: 1, balance: .zero,
                           stableMemory: memory)
    }

    @Test func readsLeaveItUnmarkedAndEveryChangeMarksIt() throws {
        let reading = Self.session(pages: 1)
        #expect(reading.stableMemory.pageCount == 1 && reading.stableMemory.byteCount == 65_536)
        _ = try reading.stableMemory.bytes(at: 0, count: 8)
        #expect(!reading.stableMemoryMayHaveChanged)
        let growing = Self.session(pages: 0)
        _ = growing.stableMemory.grow(by: 1)
        #expect(growing.stableMemoryMayHaveChanged && growing.stableMemory.pageCount == 1)
        let writing = Self.session(pages: 1)
        try writing.stableMemory.write([1, 2, 3], at: 10)
        let written = try writing.stableMemory.bytes(at: 10, count: 3)
        #expect(writing.stableMemoryMayHaveChanged && written == [1, 2, 3])
        let assigning = Self.session(pages: 1)
        assigning.stableMemory = LinearMemory(minimumPages: 0, maximumPages: 1)
        #expect(assigning.stableMemoryMayHaveChanged && assigning.stableMemory.pageCount == 0)
    }

    @Test(arguments: [UInt64.max, 50])
    func messagesKeepTheirStableWritesAndOthersLeaveIt(slice: UInt64) throws {
        var canister = try RunInPlaceTests.canister()
        var twin = try RunInPlaceTests.canister()
        var memo = MethodMemo()
        for method in ["work", "touch", "work_then_trap", "work_as_query", "touch", "work"] {
            let result = try MethodMemoTests.run(method, on: &canister, memo: &memo, slice: slice)
            let alone = RunInPlaceTests.executor.run(RunInPlaceTests.input(method), on: &twin)
            #expect(result.outcome == alone.outcome, "\(method)")
            #expect(try RunInPlaceTests.Image(canister) == RunInPlaceTests.Image(twin), "\(method)")
            #expect(canister.chunksInUse == ChunkCountTests.recount(canister), "\(method)")
        }
        let first = try canister.stableMemory.bytes(at: 0, count: 1)
        #expect(canister.stableMemory.pageCount == 2 && first == [7])
    }
}

/// A message's session is lent the canister's stable memory, controllers and environment
/// variables only if its module imports a function that reads them: a module without
/// stable-memory imports leaves the stable memory an earlier module wrote exactly as it was (in
/// one slice or several), one importing `ic0.is_controller` reads the controllers, and one
/// importing `ic0.env_var_count` counts the variables.
@Suite("Execution: stable memory, controllers and variables lent only to modules that import their readers")
struct SessionLendingTests {
    typealias B = CanisterModuleBuilder

    /// Replies 1 if the caller is a controller, else 0.
    static let checker: B = {
        var b = B(["msg_caller_size", "msg_caller_copy", "is_controller", "msg_reply_data_append", "msg_reply"])
        let copyCaller = B.i32(0) + B.i32(0) + b.call("msg_caller_size") + b.call("msg_caller_copy")
        b.export("canister_update check", copyCaller + BuiltCanister.replyWithI32(b, B.i32(0) + b.call("msg_caller_size") + b.call("is_controller")))
        return b
    }()

    @Test func aModuleWithoutStableImportsLeavesTheStableMemoryAnEarlierOneWrote() throws {
        let executor = RunInPlaceTests.executor
        var canister = try RunInPlaceTests.canister()
        #expect(executor.run(RunInPlaceTests.input("work"), on: &canister).outcome == .replied([]))
        let written = try RunInPlaceTests.Image(canister).stable
        #expect(written.pages == 1 && written.bytes[0] == 7)
        _ = try executor.install(.upgrade, wasm: MethodMemoTests.first.bytes, argument: [], caller: BuiltCanister.controller, timeNanos: 2,
                                 on: &canister).get()
        #expect(canister.installed?.importsStableMemory == false)
        var memo = MethodMemo()
        for (method, slice) in [("one", UInt64.max), ("two", 20), ("fail", .max), ("one", 20)] {
            _ = try MethodMemoTests.run(method, on: &canister, memo: &memo, slice: slice)
            #expect(try RunInPlaceTests.Image(canister).stable == written, "\(method)")
            #expect(canister.chunksInUse == ChunkCountTests.recount(canister), "\(method)")
        }
        _ = try executor.install(.upgrade, wasm: RunInPlaceTests.module.bytes, argument: [], caller: BuiltCanister.controller, timeNanos: 3,
                                 on: &canister).get()
        #expect(canister.installed?.importsStableMemory == true)
        #expect(executor.run(RunInPlaceTests.input("work"), on: &canister).outcome == .replied([]))
        let after = try RunInPlaceTests.Image(canister).stable
        #expect(after.pages == 2 && after.bytes[0] == 7)
    }

    @Test func aModuleImportingIsControllerReadsTheControllers() throws {
        var canister = try BuiltCanister.installed(Self.checker)
        #expect(canister.installed?.importsIsController == true && canister.installed?.importsStableMemory == false)
        var memo = MethodMemo()
        var scratch = ExecutionScratch()
        for (caller, answer) in [(BuiltCanister.controller, UInt32(1)), (.user(2), 0)] {
            let input = MessageInput(.update("check"), caller: caller, timeNanos: 1_000)
            let step = RunInPlaceTests.executor.start(input, on: &canister, sliceInstructions: .max, discardsChanges: false, scratch: &scratch,
                                                      methods: &memo)
            guard case .finished(let result) = step else { Issue.record("paused"); return }
            #expect(result.outcome == MethodMemoTests.reply(answer), "\(caller)")
        }
        let plain = try BuiltCanister.installed(MethodMemoTests.first)
        #expect(plain.installed?.importsIsController == false && plain.installed?.importsEnvironmentVariables == false)
    }

    @Test func aModuleImportingEnvironmentVariableFunctionsReadsTheVariables() throws {
        var b = B(["env_var_count", "msg_reply_data_append", "msg_reply"])
        b.export("canister_update count", BuiltCanister.replyWithI32(b, b.call("env_var_count")))
        let variables = try EnvironmentVariables([(name: "B", value: "2"), (name: "A", value: "1")])
        var canister = try BuiltCanister.installed(b, environment: variables)
        #expect(canister.installed?.importsEnvironmentVariables == true)
        var memo = MethodMemo()
        #expect(try MethodMemoTests.run("count", on: &canister, memo: &memo).outcome == MethodMemoTests.reply(2))
        let session = RunInPlaceTests.executor.makeSession(.update, canister, caller: .user(2), argument: [], timeNanos: 1)
        #expect(session.environment.variables == variables)
        let plain = try BuiltCanister.installed(MethodMemoTests.first, environment: variables)
        let unlent = RunInPlaceTests.executor.makeSession(.update, plain, caller: .user(2), argument: [], timeNanos: 1)
        #expect(unlent.environment.variables == EnvironmentVariables())
    }
}
