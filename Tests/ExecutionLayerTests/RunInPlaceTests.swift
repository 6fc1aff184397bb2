import Testing
import Wasm
@testable import ExecutionLayer

/// Messages run on the canister's own instance with an undo log: a message that traps
/// (explicitly, on `unreachable`, out of instructions), or a query method run as an update,
/// leaves the canister exactly as it was (heap contents, size and dirty chunks, globals, its
/// table, stable memory), as running on a copy did; one that ends keeps exactly what a run on
/// an untouched twin keeps; a paused message leaves the canister as it was until it ends.
@Suite("Execution: runs in place")
struct RunInPlaceTests {
    typealias B = CanisterModuleBuilder

    /// Writes a heap word in page 0 and in page 1, sets global 0, grows the heap by a page and
    /// writes there, grows stable memory and writes 8 bytes to it, clears table entry 0, then
    /// `ending`.
    static func work(_ b: B, then ending: [UInt8]) -> [UInt8] {
        B.i32(100) + B.i32(7) + B.i32Store
            + B.i32(70_000) + B.i32(8) + B.i32Store
            + B.i32(42) + [0x24, 0x00]
            + B.i32(1) + [0x40, 0x00] + B.drop
            + B.i32(2 * 65_536 + 8) + B.i32(9) + B.i32Store
            + B.i64(1) + b.call("stable64_grow") + B.drop
            + B.i64(0) + B.i64(100) + B.i64(8) + b.call("stable64_write")
            + B.i32(0) + [0xD0, 0x70, 0x26, 0x00]
            + ending
    }

    /// 20,000 turns of an empty loop (local 0 counts down).
    static let loop: [UInt8] = B.i32(20_000) + B.set(0) + [0x03, 0x40] + B.get(0) + B.i32(1) + [0x6B] + B.set(0)
        + B.get(0) + [0x0D, 0x00, 0x0B]

    static let module: B = {
        var b = B(["stable64_grow", "stable64_write", "trap", "msg_reply"])
        b.memoryPages = 2
        b.globalCount = 1
        b.table = [0]
        b.export(nil, [])
        b.export("canister_update work", work(b, then: b.call("msg_reply")))
        b.export("canister_update work_then_trap", work(b, then: B.i32(0) + B.i32(0) + b.call("trap")))
        b.export("canister_update work_then_unreachable", work(b, then: [0x00]))
        b.export("canister_update work_then_spin", work(b, then: [0x03, 0x40, 0x0C, 0x00, 0x0B]))
        b.export("canister_update work_then_loop", locals: [.i32], work(b, then: loop + b.call("msg_reply")))
        b.export("canister_query work_as_query", work(b, then: b.call("msg_reply")))
        b.export("canister_update touch", B.i32(4_100) + B.i32(3) + B.i32Store + b.call("msg_reply"))
        return b
    }()

    /// Everything observable of a canister's state that a message could change.
    struct Image: Equatable {
        struct Memory: Equatable {
            var pages: UInt32, bytes: [UInt8], dirty: [Int], allocatedCount: Int, allocated: [Bool]

            init(_ memory: LinearMemory?) throws {
                let memory = try #require(memory)
                pages = memory.pageCount
                bytes = try memory.bytes(at: 0, count: memory.byteCount)
                dirty = memory.dirtyChunks
                allocatedCount = memory.allocatedChunkCount
                allocated = (0..<memory.chunkCount).map { memory.isChunkAllocated($0) }
            }
        }

        var heap: Memory, stable: Memory, globals: [UInt64], tableEntry: UInt32?
        var cycles: Cycles, certifiedData: [UInt8], changesCommitted: UInt64, growLimit: UInt64?

        init(_ canister: CanisterState) throws {
            heap = try Memory(canister.code?.instance.memory)
            stable = try Memory(canister.stableMemory)
            globals = canister.code?.instance.globalSlots ?? []
            tableEntry = canister.code?.instance.tableFunction(at: 0)
            cycles = canister.cycles
            certifiedData = canister.certifiedData
            changesCommitted = canister.changesCommitted
            growLimit = canister.code?.instance.memoryGrowLimitBytes
        }
    }

    static let executor: CanisterExecutor = {
        var configuration = ExecutionConfiguration()
        configuration.updateInstructionsMax = 2_000_000
        return CanisterExecutor(configuration: configuration)
    }()

    static func input(_ method: String) -> MessageInput {
        MessageInput(.update(method), caller: .user(2), timeNanos: 1_000)
    }

    /// An installed canister whose heap was written once already (so the run finds chunks of
    /// its own to log).
    static func canister() throws -> CanisterState {
        var canister = try BuiltCanister.installed(module)
        #expect(executor.run(input("touch"), on: &canister).outcome == .replied([]))
        return canister
    }

    @Test(arguments: ["work_then_trap", "work_then_unreachable", "work_then_spin"])
    func aTrapLeavesTheCanisterExactlyAsBefore(method: String) throws {
        var canister = try Self.canister()
        let before = try Image(canister)
        let result = Self.executor.run(Self.input(method), on: &canister)
        #expect(result.trapped)
        #expect(try Image(canister) == before)
        // The same message kept: what an untouched twin keeps.
        var twin = try Self.canister()
        #expect(Self.executor.run(Self.input("work"), on: &canister).outcome == .replied([]))
        #expect(Self.executor.run(Self.input("work"), on: &twin).outcome == .replied([]))
        let after = try Image(canister)
        #expect(after == (try Image(twin)))
        #expect(after.heap.pages == 3 && after.stable.pages == 1 && after.globals == [42] && after.tableEntry == nil)
        #expect(after.heap.bytes[100] == 7 && after.heap.bytes[70_000] == 8 && after.heap.bytes[2 * 65_536 + 8] == 9)
        #expect(after.stable.bytes[0] == 7)
    }

    @Test func aTrapWhileASnapshotSharesTheHeapLeavesBothAsBefore() throws {
        var canister = try Self.canister()
        let snapshot = canister
        let before = try Image(canister)
        #expect(Self.executor.run(Self.input("work_then_trap"), on: &canister).trapped)
        #expect(try Image(canister) == before)
        #expect(try Image(snapshot) == before)
        #expect(Self.executor.run(Self.input("work"), on: &canister).outcome == .replied([]))
        #expect(try Image(snapshot) == before, "a kept change does not reach the snapshot")
    }

    @Test func aQueryMethodRunAsAnUpdateChangesNothing() throws {
        var canister = try Self.canister()
        let before = try Image(canister)
        let result = Self.executor.run(Self.input("work_as_query"), on: &canister)
        #expect(result.outcome == .replied([]))
        #expect(try Image(canister) == before)
    }

    @Test(arguments: ["work_then_loop", "work_then_spin"])
    func aPausedMessageLeavesTheCanisterAsBeforeUntilItEnds(method: String) throws {
        var canister = try Self.canister()
        let before = try Image(canister)
        var step = Self.executor.start(Self.input(method), on: &canister, sliceInstructions: 10_000)
        var slices = 0
        while case .paused(let paused) = step {
            #expect(try Image(canister) == before, "slice \(slices)")
            step = Self.executor.resume(paused, on: &canister, sliceInstructions: 10_000)
            slices += 1
        }
        guard case .finished(let result) = step else { return }
        #expect(slices > 3)
        var twin = try Self.canister()
        let unsliced = Self.executor.run(Self.input(method), on: &twin)
        #expect(result.outcome == unsliced.outcome && result.trapped == unsliced.trapped && result.instructions == unsliced.instructions)
        #expect(try Image(canister) == (try Image(twin)))
        #expect(try (Image(canister) == before) == result.trapped)
    }
}
