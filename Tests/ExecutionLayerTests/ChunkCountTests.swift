import Testing
import Wasm
@testable import ExecutionLayer

/// A canister's chunk counts (``CanisterState/chunksInUse``, kept beside its balance by the
/// observers of its code and stable memory) equal a count of both memories' chunk tables after
/// everything that changes them: messages that grow and write the heap and stable memory,
/// kept or rolled back (a trap, a query run as an update), paused across slices, installs,
/// upgrades, reinstalls and uninstalls, on a shared scratch with another canister installed
/// from the same module; and a message that writes a global or the table after messages that
/// did not rolls back or keeps it exactly as on an untouched twin.
@Suite("Execution: chunk counts kept beside the balance")
struct ChunkCountTests {
    typealias Image = RunInPlaceTests.Image

    /// Both memories' chunks in use, counted in their chunk tables.
    static func recount(_ canister: CanisterState) -> Int {
        (canister.code?.instance.memoryAllocatedChunkCount ?? 0) + canister.stableMemory.allocatedChunkCount
    }

    static func expectCounted(_ canister: CanisterState, _ step: String) {
        #expect(canister.chunksInUse == recount(canister), "after \(step)")
    }

    /// Runs `method` on `canister` in slices of `slice` instructions on `scratch`.
    static func run(_ method: String, on canister: inout CanisterState, slice: UInt64, scratch: inout ExecutionScratch) -> MessageResult? {
        var step = RunInPlaceTests.executor.start(RunInPlaceTests.input(method), on: &canister, sliceInstructions: slice,
                                                  discardsChanges: false, scratch: &scratch)
        while case .paused(let paused) = step {
            step = RunInPlaceTests.executor.resume(paused, on: &canister, sliceInstructions: slice)
        }
        guard case .finished(let result) = step else { return nil }
        return result
    }

    static let methods = ["touch", "work_then_trap", "work", "work_as_query", "work_then_unreachable", "work", "work_then_loop",
                          "work_then_spin", "touch"]

    @Test(arguments: [10_000, UInt64.max] as [UInt64])
    func countsFollowMessagesOnASharedScratch(slice: UInt64) throws {
        var first = try RunInPlaceTests.canister()
        var second = try RunInPlaceTests.canister()
        var twin = try RunInPlaceTests.canister()
        Self.expectCounted(first, "install")
        var scratch = ExecutionScratch()
        for (index, method) in Self.methods.enumerated() {
            let result = try #require(Self.run(method, on: &first, slice: slice, scratch: &scratch))
            Self.expectCounted(first, "\(index): \(method)")
            _ = Self.run(index % 2 == 0 ? "touch" : method, on: &second, slice: slice, scratch: &scratch)
            Self.expectCounted(second, "\(index): \(method) on the second canister")
            let unshared = RunInPlaceTests.executor.run(RunInPlaceTests.input(method), on: &twin)
            #expect(result.outcome == unshared.outcome && result.trapped == unshared.trapped, "\(index): \(method)")
            #expect(try Image(first) == Image(twin), "\(index): \(method)")
        }
    }

    @Test func countsFollowInstallsUpgradesReinstallsAndUninstalls() throws {
        var canister = try RunInPlaceTests.canister()
        let executor = RunInPlaceTests.executor
        let wasm = RunInPlaceTests.module.bytes
        #expect(executor.run(RunInPlaceTests.input("work"), on: &canister).outcome == .replied([]))
        Self.expectCounted(canister, "work")
        #expect(canister.chunksInUse > 0 && canister.stableMemory.allocatedChunkCount > 0)
        for mode in [InstallMode.upgrade, .reinstall, .upgrade] {
            _ = try executor.install(mode, wasm: wasm, argument: [], caller: BuiltCanister.controller, timeNanos: 2, on: &canister).get()
            Self.expectCounted(canister, "\(mode)")
            #expect(executor.run(RunInPlaceTests.input("work"), on: &canister).outcome == .replied([]))
            Self.expectCounted(canister, "work after \(mode)")
        }
        canister.uninstall()
        Self.expectCounted(canister, "uninstall")
        #expect(canister.chunksInUse == 0)
        _ = try executor.install(.install, wasm: wasm, argument: [], caller: BuiltCanister.controller, timeNanos: 3, on: &canister).get()
        Self.expectCounted(canister, "install after uninstall")
    }
}
