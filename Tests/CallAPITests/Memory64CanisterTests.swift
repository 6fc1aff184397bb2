import Foundation
import Testing
import ICSim

/// A canister with a 64-bit memory, built by clang --target=wasm64
/// (Tests/ExecutionLayerTests/Fixtures/c/memory64.c): every address and size it hands the
/// System API is an i64, and its callbacks' table indices and environments too.
@Suite struct Memory64CanisterTests {
    static let wasm: [UInt8] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ExecutionLayerTests/Fixtures/c/memory64.wasm")
        return FileManager.default.contents(atPath: url.path).map(Array.init) ?? []
    }()

    @Test func theModuleHasA64BitMemory() throws {
        let module = try ModuleDecoder.decode(Self.wasm)
        #expect(module.memories.first?.isMemory64 == true)
    }

    @Test func theI64SystemAPIWorksEndToEnd() throws {
        var ic = try SimulatedInternetComputer()
        let owner = Principal.user(5)
        let canister = try ic.deploy(wasm: Self.wasm, controller: owner)
        let argument = Array("sixty-four bits".utf8)
        let echoed = try ic.update(canister, "echo", argument: argument)
        #expect(echoed == argument)
        let caller = try ic.update(canister, "whoami", sender: owner)
        #expect(caller == owner.bytes)
        let own = try ic.update(canister, "self")
        #expect(own == canister.principal.bytes)
        let balance = try ic.update(canister, "balance")
        #expect(balance.count == 16 && balance.contains { $0 != 0 })
        let stable = try ic.update(canister, "stable", argument: argument)
        #expect(stable == argument, "stable64 through i64 addresses")
        let high = try ic.update(canister, "high", argument: argument)
        #expect(high == argument, "the heap above 4 MiB, grown by memory.grow")
        let called = try ic.update(canister, "call_self", argument: argument)
        #expect(called == argument, "a call whose callbacks take i64 table indices and environments")
        do {
            _ = try ic.update(canister, "trap")
            Issue.record("trap traps")
        } catch {
            #expect(error.reject?.code == .canisterError && error.reject?.message.contains("wasm64 trap") == true)
        }
    }
}
