import Testing
import Wasm
import SimCore
@testable import ExecutionLayer

/// A round's memo of update methods (``MethodMemo``) gives what looking the method up gives:
/// canisters installed from one module share its entries, a canister whose module changed
/// (upgrade, reinstall, another module) finds its own module's functions, a missing method is
/// rejected, a query method called as an update still runs as a replicated query, and every
/// message's outcome and state equal an untouched twin's run without the memo, on more methods
/// than the memo holds.
@Suite("Execution: the round's memo of update methods")
struct MethodMemoTests {
    typealias B = CanisterModuleBuilder

    /// Exports `methods` in order, each an update replying with its value as 4 bytes (plus one
    /// query method, `peek`, which replies 99, and `fail`, which traps).
    static func module(_ methods: [(name: String, value: Int32)]) -> B {
        var b = B(["msg_reply_data_append", "msg_reply", "trap"])
        for (name, value) in methods {
            b.export("canister_update \(name)", BuiltCanister.replyWithI32(b, B.i32(value)))
        }
        b.export("canister_query peek", BuiltCanister.replyWithI32(b, B.i32(99)))
        b.export("canister_update fail", B.i32(0) + B.i32(0) + b.call("trap"))
        return b
    }

    /// The same names at different function indices, with other values.
    static let first = module([("one", 1), ("two", 2)])
    static let second = module([("two", 22), ("one", 11), ("three", 33)])

    static func input(_ method: String) -> MessageInput {
        MessageInput(.update(method), caller: .user(2), timeNanos: 1_000)
    }

    /// Runs `method` on `canister` through `memo` (in slices of `slice` instructions).
    static func run(_ method: String, on canister: inout CanisterState, memo: inout MethodMemo, slice: UInt64 = .max) throws -> MessageResult {
        var scratch = ExecutionScratch()
        var step = RunInPlaceTests.executor.start(input(method), on: &canister, sliceInstructions: slice, discardsChanges: false,
                                                  scratch: &scratch, methods: &memo)
        while case .paused(let paused) = step { step = RunInPlaceTests.executor.resume(paused, on: &canister, sliceInstructions: slice) }
        guard case .finished(let result) = step else { throw Unfinished() }
        return result
    }

    struct Unfinished: Error {}

    static func reply(_ value: UInt32) -> CallOutcome {
        .replied(withUnsafeBytes(of: value.littleEndian) { Array($0) })
    }

    @Test func aModuleAfterAnotherFindsItsOwnFunctions() throws {
        var memo = MethodMemo()
        var a = try BuiltCanister.installed(Self.first)
        var b = try BuiltCanister.installed(Self.second)
        #expect(try Self.run("one", on: &a, memo: &memo).outcome == Self.reply(1))
        #expect(try Self.run("one", on: &b, memo: &memo).outcome == Self.reply(11))
        #expect(try Self.run("two", on: &b, memo: &memo).outcome == Self.reply(22))
        #expect(try Self.run("two", on: &a, memo: &memo).outcome == Self.reply(2))
        #expect(try Self.run("one", on: &a, memo: &memo).outcome == Self.reply(1))
    }

    /// Canisters 7 and 8 installed from one prepared module (they share its tables).
    static func twoFromOneModule(_ builder: B) throws -> (CanisterState, CanisterState) {
        let compiled = try CanisterExecutor.compile(builder.bytes, for: CanisterID(7)).get()
        let prepared = PreparedModule(compiled, moduleHash: SHA256Digest.zero)
        var pair: [CanisterState] = []
        for id in [7, 8] as [UInt64] {
            var canister = CanisterState(id: CanisterID(id), controllers: [BuiltCanister.controller], cycles: Cycles(1_000_000_000_000))
            _ = try RunInPlaceTests.executor.install(.install, prepared: prepared, argument: [], caller: BuiltCanister.controller,
                                                     timeNanos: 1, on: &canister).get()
            pair.append(canister)
        }
        return (pair[0], pair[1])
    }

    @Test func canistersOfOneModuleShareTheirEntriesAndStayApart() throws {
        var memo = MethodMemo()
        var (a, b) = try Self.twoFromOneModule(Self.first)
        #expect(a.installed === b.installed)
        let (committedA, committedB) = (a.changesCommitted, b.changesCommitted)
        #expect(try Self.run("two", on: &a, memo: &memo).outcome == Self.reply(2))
        #expect(try Self.run("two", on: &b, memo: &memo).outcome == Self.reply(2))
        #expect(try Self.run("fail", on: &b, memo: &memo).trapped)
        #expect(try Self.run("one", on: &a, memo: &memo).outcome == Self.reply(1))
        #expect(a.changesCommitted == committedA + 2 && b.changesCommitted == committedB + 1)
    }

    @Test(arguments: [InstallMode.upgrade, .reinstall])
    func aCanisterWhoseCodeChangedFindsTheNewModule(mode: InstallMode) throws {
        var memo = MethodMemo()
        var canister = try BuiltCanister.installed(Self.first)
        #expect(try Self.run("one", on: &canister, memo: &memo).outcome == Self.reply(1))
        _ = try RunInPlaceTests.executor.install(mode, wasm: Self.second.bytes, argument: [], caller: BuiltCanister.controller, timeNanos: 2,
                                                 on: &canister).get()
        #expect(try Self.run("one", on: &canister, memo: &memo).outcome == Self.reply(11))
        // The same module installed again is another module object: the memo misses, and is right.
        _ = try RunInPlaceTests.executor.install(.reinstall, wasm: Self.first.bytes, argument: [], caller: BuiltCanister.controller,
                                                 timeNanos: 3, on: &canister).get()
        #expect(try Self.run("one", on: &canister, memo: &memo).outcome == Self.reply(1))
        #expect(try Self.run("three", on: &canister, memo: &memo).outcome
            == .rejected(Reject(.canisterMethodNotFound, "canister \(canister.id) has no update method 'three'")))
    }

    @Test func missingMethodsTrapsQueriesAndMoreMethodsThanTheMemoHolds() throws {
        let names = (0..<(MethodMemo.capacity + 3)).map { ("m\($0)", Int32($0)) }
        let many = Self.module(names)
        var memo = MethodMemo()
        var canister = try BuiltCanister.installed(many)
        var twin = try BuiltCanister.installed(many)
        let methods = names.map(\.0) + ["fail", "m0", "missing", "peek", "m1", "fail", "missing"] + names.map(\.0).reversed()
        for (round, method) in (methods + methods).enumerated() {
            let slice: UInt64 = round % 3 == 0 ? 50 : .max
            let result = try Self.run(method, on: &canister, memo: &memo, slice: slice)
            let unmemoized = RunInPlaceTests.executor.run(Self.input(method), on: &twin)
            #expect(result.outcome == unmemoized.outcome && result.trapped == unmemoized.trapped, "\(round): \(method)")
            #expect(result.instructions == unmemoized.instructions, "\(round): \(method)")
            #expect(canister.changesCommitted == twin.changesCommitted, "\(round): \(method)")
        }
        // A query method called as an update answers and keeps nothing; the query itself runs as before.
        #expect(try Self.run("peek", on: &canister, memo: &memo).outcome == Self.reply(99))
        let query = RunInPlaceTests.executor.query("peek", argument: [], caller: .user(2), timeNanos: 2_000, on: canister)
        #expect(query.outcome == Self.reply(99))
        #expect(canister.changesCommitted == twin.changesCommitted)
    }
}
