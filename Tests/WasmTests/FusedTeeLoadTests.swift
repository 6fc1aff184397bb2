import Testing
@testable import Wasm

/// The fourth round's interpreter changes: a shifted index kept in a local (`local.tee`) and
/// loaded through (`i32LoadShlImmTee`, `i64LoadShlImmTee`); branches that pay for their target
/// pointing past its `charge` (and going back to it when the budget cannot pay); the hot loop
/// leaving a store to the outer loop when the chunk is not stamped. Each must compute, trap and
/// charge exactly as the unfused instructions do, under block and exact metering alike.
@Suite("Wasm fused tee loads and branch charges")
struct FusedTeeLoadTests {
    typealias Fused = FusedInstructionTests

    static let i32toI64: [UInt8] = [0x60, 0x01, 0x7F, 0x01, 0x7E]
    static let i32toI32: [UInt8] = [0x60, 0x01, 0x7F, 0x01, 0x7F]
    /// One i32 local besides the parameter.
    static let oneLocal: [UInt8] = [0x01, 0x01, 0x7F]

    /// Function 0: `i32.load offset=16 (local.tee 1 (i32.shl a 2))`, returned as the loaded
    /// value | local 1 << 32. Function 1: `i64.load (local.tee 1 (i32.shl a 3))` xor local 1
    /// << 48.
    static let teeLoads = InterpreterTests.module(types: [i32toI64], functions: [
        (0, oneLocal, [0x20, 0x00, 0x41, 0x02, 0x74, 0x22, 0x01, 0x28, 0x02, 0x10, 0xAD,
                       0x20, 0x01, 0xAD, 0x42, 0x20, 0x86, 0x84, 0x0B]),
        (0, oneLocal, [0x20, 0x00, 0x41, 0x03, 0x74, 0x22, 0x01, 0x29, 0x03, 0x00,
                       0x20, 0x01, 0xAD, 0x42, 0x30, 0x86, 0x85, 0x0B]),
    ], exports: [("teeLoad32", 0), ("teeLoad64", 1)], memory: true)

    @Test func aShiftedIndexKeptInALocalFusesIntoTheLoad() throws {
        let instance = try WasmInstance(CompiledModule.load(Self.teeLoads))
        #expect(Fused.opcodes(instance, 0).contains(.i32LoadShlImmTee))
        #expect(Fused.opcodes(instance, 1).contains(.i64LoadShlImmTee))
        for index in 0..<2 { #expect(!Fused.opcodes(instance, index).contains(.i32ShlImm), "function \(index)") }
    }

    @Test func teeLoadsReadAndWriteTheLocalAsTheUnfusedInstructionsWould() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.teeLoads))
        try Fused.filledMemory(&instance)
        // 1_023 * 4 + 16 and 511 * 8 cross no chunk; 1_020 * 4 + 16 = 4_096 starts one; 4_092 / 4
        // + 16 = 4_108; 0x4000_0001 << 2 wraps to 4.
        for index: UInt32 in [0, 1, 1_020, 1_023, 1_025, 10_000, 16_379, 0x4000_0001] {
            let address = Int(index << 2) + 16
            let expected = Fused.filledValue(at: address, width: 4) | UInt64(index << 2) << 32
            #expect(try instance.invoke(functionIndex: 0, arguments: [.i32(index)]).results == [.i64(expected)], "index \(index)")
        }
        for index: UInt32 in [0, 1, 511, 512, 4_000, 8_191, 0x2000_0001] {
            let address = Int(index << 3)
            let expected = Fused.filledValue(at: address, width: 8) ^ UInt64(index << 3) << 48
            #expect(try instance.invoke(functionIndex: 1, arguments: [.i32(index)]).results == [.i64(expected)], "index \(index)")
        }
    }

    @Test func teeLoadsTrapOutOfBoundsAndChargeAsUnfused() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.teeLoads))
        // The last in-bounds accesses: 16_379 * 4 + 16 + 4 = 65_536, 8_191 * 8 + 8 = 65_536.
        #expect(throws: Never.self) { try instance.invoke(functionIndex: 0, arguments: [.i32(16_379)]) }
        #expect(throws: Never.self) { try instance.invoke(functionIndex: 1, arguments: [.i32(8_191)]) }
        for (function, index) in [(0, UInt32(16_380)), (0, UInt32(0x3FFF_FFFF)), (1, UInt32(8_192)), (1, UInt32(0x1FFF_FFFF))] {
            do {
                try instance.invoke(functionIndex: UInt32(function), arguments: [.i32(index)])
                Issue.record("function \(function) at \(index): expected a trap")
            } catch {
                #expect(error.reason == .outOfBoundsMemoryAccess)
            }
        }
        let charged = try instance.invoke(functionIndex: 0, arguments: [.i32(3)]).instructions
        #expect(charged == Fused.cost([0x20, 0x41, 0x74, 0x22, 0x28, 0xAD, 0x20, 0xAD, 0x42, 0x86, 0x84, 0x0B]))
    }

    /// count(n): a loop of `i += 1; br_if out (i >= n); br back`, returning i: the block
    /// that `br_if` falls through to is only the `br` (clang's loop shape). The update and the
    /// branch compile to one step branch (`stepBranchIfI32GeU`).
    static let loop = InterpreterTests.module(types: [i32toI32], functions: [
        (0, oneLocal, [0x02, 0x40, 0x03, 0x40,
                       0x20, 0x01, 0x41, 0x01, 0x6A, 0x21, 0x01,
                       0x20, 0x01, 0x20, 0x00, 0x4F, 0x0D, 0x01,
                       0x0C, 0x00, 0x0B, 0x0B, 0x20, 0x01, 0x0B]),
    ], exports: [("count", 0)])

    @Test func aLoopOfBranchesThatPayForTheirTargetsChargesAsUnfused() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.loop))
        let opcodes = Fused.opcodes(instance, 0)
        let branch = try #require(opcodes.firstIndex(of: .stepBranchIfI32GeU))
        #expect(opcodes[branch + 1] == .charge && opcodes[branch + 2] == .jump)
        let once = try instance.invoke(functionIndex: 0, arguments: [.i32(1)])
        let thrice = try instance.invoke(functionIndex: 0, arguments: [.i32(3)])
        #expect(once.results == [.i32(1)] && thrice.results == [.i32(3)])
        // Each further iteration: the `br` back and the body (get, const, add, set, get, get, ge_u, br_if).
        let iteration = Fused.cost([0x0C, 0x20, 0x41, 0x6A, 0x21, 0x20, 0x20, 0x4F, 0x0D])
        #expect(thrice.instructions - once.instructions == 2 * iteration)
    }

    @Test func aFallThroughIntoTheJumpBackContinuesAtTheJumpsDestination() throws {
        let instance = try WasmInstance(CompiledModule.load(Self.loop))
        let code = instance.compiled.functions[0].code.base
        let opcodes = Fused.opcodes(instance, 0)
        let branch = try #require(opcodes.firstIndex(of: .stepBranchIfI32GeU))
        let (charge, jump) = (code[branch + 1], code[branch + 2])
        // The jump pays for the loop's block and lands past its `charge`; the branch's fall-through
        // pays for its own next block and the jump's target at once and lands where the jump would.
        #expect(jump.targetCost > 0 && code[branch + 2 + Int(jump.targetBytes) / 16 - 1].code == .charge)
        #expect(Int(code[branch].fallthroughCost) == Int(charge.wide) + Int(jump.targetCost))
        #expect(Int(charge.fallThroughBytes) == 2 * 16 + Int(jump.targetBytes))
    }

    @Test func aLimitAtEveryPointOfTheLoopStopsAsPerInstructionCharging() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.loop))
        let whole = try instance.invoke(functionIndex: 0, arguments: [.i32(4)])
        // Stopped at any limit, a run has charged the limit less at most what the instruction it
        // stops at (with what it stands for) costs; suspended and resumed, it charges the whole.
        for limit in 1..<whole.instructions {
            var execution = try Execution(&instance, function: 0, arguments: [.i32(4)])
            guard case .trapped(let trap) = execution.run(&instance, instructionLimit: limit, suspendsAtLimit: false) else {
                Issue.record("limit \(limit): expected a trap")
                continue
            }
            #expect(trap.reason == .instructionLimitExceeded)
            #expect(execution.instructionsCharged <= limit && execution.instructionsCharged + 20 > limit, "limit \(limit)")
            var sliced = try Execution(&instance, function: 0, arguments: [.i32(4)])
            var outcome = sliced.run(&instance, instructionLimit: limit)
            while case .suspended = outcome { outcome = sliced.run(&instance, instructionLimit: limit) }
            #expect(sliced.instructionsCharged == whole.instructions, "slice \(limit)")
        }
    }

    @Test func exactMeteringInSmallSlicesChargesWhatBlockMeteringDoes() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.loop))
        let whole = try instance.invoke(functionIndex: 0, arguments: [.i32(50)])
        for slice: UInt64 in [1, 2, 3, 5, 8, 13] {
            var execution = try Execution(&instance, function: 0, arguments: [.i32(50)])
            var outcome = execution.run(&instance, instructionLimit: slice)
            var runs = 1
            while case .suspended = outcome, runs < 10_000 {
                outcome = execution.run(&instance, instructionLimit: slice)
                runs += 1
            }
            guard case .finished(let results) = outcome else {
                Issue.record("slice \(slice): did not finish")
                continue
            }
            #expect(results == whole.results, "slice \(slice)")
            #expect(execution.instructionsCharged == whole.instructions, "slice \(slice)")
        }
    }

    @Test func aLimitInsideTheLoopTrapsHavingChargedNoMoreThanTheLimit() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.loop))
        let whole = try instance.invoke(functionIndex: 0, arguments: [.i32(50)]).instructions
        for limit in [whole - 1, whole / 2, whole / 2 + 1, 9, 10] {
            var execution = try Execution(&instance, function: 0, arguments: [.i32(50)])
            guard case .trapped(let trap) = execution.run(&instance, instructionLimit: limit, suspendsAtLimit: false) else {
                Issue.record("limit \(limit): expected a trap")
                continue
            }
            #expect(trap.reason == .instructionLimitExceeded)
            #expect(execution.instructionsCharged <= limit, "limit \(limit)")
        }
    }

    @Test func theHotLoopsStorePathStoresOnlyIntoStampedChunks() throws {
        var memory = LinearMemory(minimumPages: 1, maximumPages: 1)
        func stamped<T: FixedWidthInteger & UnsignedInteger>(_ value: T, _ base: UInt32, _ offset: UInt32 = 0) -> Bool? {
            memory.hotView.storeIfStamped(value, at: UInt64(base) &+ UInt64(offset))
        }
        memory.beginDirectStores()
        #expect(stamped(UInt32(7), 100) == nil)  // not stamped: nothing written
        #expect(try memory.load(UInt32.self, at: 100) == 0)
        let checked = memory.storeDirect(UInt32(8), base: 100, offset: 0)  // the checked path stamps chunk 0
        #expect(checked)
        #expect(stamped(UInt32(9), 96, 8) == true)
        #expect(try memory.load(UInt32.self, at: 104) == 9)
        #expect(stamped(UInt32(1), 4_094) == nil)  // straddles chunks 0 and 1
        #expect(stamped(UInt64(1), 65_536) == false)  // past the end
        #expect(stamped(UInt64(1), 65_532) == nil)  // crosses the end: the checked path traps
        #expect(stamped(UInt8(1), 0xFFFF_FFFF, 0xFFFF_FFFF) == false)
        memory.beginDirectStores()  // a new generation: chunk 0 is stale again
        #expect(stamped(UInt32(10), 100) == nil)
        #expect(try memory.load(UInt32.self, at: 100) == 8)
    }

    @Test func theHotLoopsLoadsBoundEachAccessByItsChunk() throws {
        var memory = LinearMemory(minimumPages: 1, maximumPages: 2)
        try memory.store(UInt64(0x0807_0605_0403_0201), at: 4_092)  // across chunks 0 and 1
        try memory.store(UInt32(0xAABB_CCDD), at: 65_532)  // the last four bytes
        func load<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, _ address: UInt64) -> T? {
            memory.hotView.load(T.self, at: address, &memory)
        }
        #expect(load(UInt64.self, 4_092) == 0x0807_0605_0403_0201)  // read by the memory
        #expect(load(UInt32.self, 4_096) == 0x0807_0605)
        #expect(load(UInt32.self, 65_532) == 0xAABB_CCDD)
        #expect(load(UInt8.self, 65_535) == 0xAA)
        #expect(load(UInt8.self, 65_536) == nil)
        #expect(load(UInt32.self, 65_533) == nil)  // crosses the end
        #expect(load(UInt64.self, 0x1_FFFF_FFFE) == nil)
        #expect(memory.grow(by: 1) == 1)
        #expect(load(UInt32.self, 65_536) == 0)  // a view taken after growing sees the new page
        #expect(load(UInt64.self, 65_532) == 0xAABB_CCDD)
    }

    /// fill(n): stores i at 4 * i + 4_000 for i < n (crossing from chunk 0 into chunk 1 and
    /// so leaving the hot loop for each chunk's first store), returning the sum of what it reads back.
    static let filler = InterpreterTests.module(types: [i32toI32], functions: [
        (0, [0x01, 0x02, 0x7F], [0x02, 0x40, 0x03, 0x40,
                                 0x20, 0x01, 0x41, 0x02, 0x74, 0x20, 0x01, 0x36, 0x02, 0xA0, 0x1F,
                                 0x20, 0x02, 0x20, 0x01, 0x41, 0x02, 0x74, 0x28, 0x02, 0xA0, 0x1F, 0x6A, 0x21, 0x02,
                                 0x20, 0x01, 0x41, 0x01, 0x6A, 0x22, 0x01, 0x20, 0x00, 0x4F, 0x0D, 0x01,
                                 0x0C, 0x00, 0x0B, 0x0B, 0x20, 0x02, 0x0B]),
    ], exports: [("fill", 0)], memory: true)

    @Test func storesLeftToTheOuterLoopLandAndChargeAsTheOthers() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.filler))
        let run = try instance.invoke(functionIndex: 0, arguments: [.i32(100)])
        #expect(run.results == [.i32(UInt32((0..<100).reduce(0, +)))])
        for index in [0, 23, 24, 99] { #expect(try instance.memory?.load(UInt32.self, at: UInt64(4 * index + 4_000)) == UInt32(index)) }
        var sliced = try Execution(&instance, function: 0, arguments: [.i32(100)])
        var outcome = sliced.run(&instance, instructionLimit: 3)
        while case .suspended = outcome { outcome = sliced.run(&instance, instructionLimit: 3) }
        guard case .finished(let results) = outcome else { throw Trap(.host("the sliced run did not finish")) }
        #expect(results == run.results)
        #expect(sliced.instructionsCharged == run.instructions)
    }
}
