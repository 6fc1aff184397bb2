import ICSimTestSupport
import Testing
@testable import Wasm

/// 64-bit memories (memory64): decoding and validating their types, i64 addresses and 64-bit
/// offsets, `memory.size`/`memory.grow`/`memory.fill` on i64, data segments at i64 offsets,
/// the host's bound on their size, and the IC's cost of their accesses.
@Suite("Wasm memory64")
struct Memory64Tests {
    typealias B = ModuleBuilder

    static let i64i64ToI64: [UInt8] = [0x60, 0x02, 0x7E, 0x7E, 0x01, 0x7E]
    static let i64ToI64: [UInt8] = [0x60, 0x01, 0x7E, 0x01, 0x7E]
    static let noneToI64: [UInt8] = [0x60, 0x00, 0x01, 0x7E]
    static let i64i64ToNone: [UInt8] = [0x60, 0x02, 0x7E, 0x7E, 0x00]

    /// A module with `types`, `functions` (type index, code without locals), each exported as
    /// `f<index>`, the memory type bytes `memory` and a data segment of `data` at 100 (an
    /// i64 offset when the memory is 64-bit).
    static func module(types: [[UInt8]], functions: [(type: UInt8, code: [UInt8])], memory: [UInt8],
                       data: [UInt8] = []) -> [UInt8] {
        var module = ModuleBuilder()
        module.section(1, B.vector(types))
        module.section(3, B.vector(functions.map { [$0.type] }))
        module.section(5, B.vector([memory]))
        module.section(7, B.vector(functions.indices.map { B.name("f\($0)") + [0x00, UInt8($0)] }))
        module.section(10, B.vector(functions.map { B.u32(UInt32($0.code.count + 1)) + [0x00] + $0.code }))
        if !data.isEmpty {
            let offset: [UInt8] = memory[0] & 0x04 != 0 ? [0x42] + B.s64(100) : [0x41] + B.s64(100)
            module.section(11, B.vector([[0x00] + offset + [0x0B] + B.u32(UInt32(data.count)) + data]))
        }
        return module.bytes
    }

    /// f0 stores an i64 at the address and loads it back; f1 loads at the address + 2^40; f2
    /// at the address + (2^64 - 1); f3 is `memory.size`, f4 `memory.grow`, f5 fills with 0xAB;
    /// f6 loads the i64 at the address. One page, at most three; "ICSIM64!" at 100.
    static let program = module(types: [i64i64ToI64, i64ToI64, noneToI64, i64i64ToNone], functions: [
        (0, [0x20, 0x00, 0x20, 0x01, 0x37, 0x03, 0x00, 0x20, 0x00, 0x29, 0x03, 0x00, 0x0B]),
        (1, [0x20, 0x00, 0x29, 0x03] + LEB128.unsigned(1 << 40) + [0x0B]),
        (1, [0x20, 0x00, 0x29, 0x03] + LEB128.unsigned(.max) + [0x0B]),
        (2, [0x3F, 0x00, 0x0B]),
        (1, [0x20, 0x00, 0x40, 0x00, 0x0B]),
        (3, [0x20, 0x00, 0x41] + B.s64(0xAB) + [0x20, 0x01, 0xFC, 0x0B, 0x00, 0x0B]),
        (1, [0x20, 0x00, 0x29, 0x03, 0x00, 0x0B]),
    ], memory: [0x05, 0x01, 0x03], data: Array("ICSIM64!".utf8))

    func instance(_ bytes: [UInt8], costTable: InstructionCostTable = .internetComputer) throws -> WasmInstance {
        try WasmInstance(CompiledModule.load(bytes, costTable: costTable))
    }

    func expectOutOfBounds(_ instance: inout WasmInstance, _ function: UInt32, _ arguments: [Value]) {
        do {
            let results = try instance.invoke(functionIndex: function, arguments: arguments).results
            Issue.record("f\(function)\(arguments) returned \(results), expected an out-of-bounds trap")
        } catch {
            #expect(error.reason == .outOfBoundsMemoryAccess, "f\(function)\(arguments)")
        }
    }

    @Test func memoryTypesDecodeWithTheirFlags() throws {
        let module = try WasmModule.load(Self.program)
        #expect(module.memories == [MemoryType(limits: Limits(minimum: 1, maximum: 3), isMemory64: true)])
        let huge = Self.module(types: [], functions: [], memory: [0x04] + LEB128.unsigned(1 << 40))
        #expect(try WasmModule.load(huge).memories.first?.limits.minimum == 1 << 40)
        // Shared memories (flags 2, 3, 6, 7) are not WebAssembly 3.0: malformed, at the flag.
        for flag: UInt8 in [0x02, 0x03, 0x06, 0x07, 0x08] {
            #expect(throws: WasmLoadError.self) { try WasmModule.load(Self.module(types: [], functions: [], memory: [flag, 0x01, 0x01])) }
        }
        // More than 2^48 pages is invalid, not malformed.
        let tooLarge = Self.module(types: [], functions: [], memory: [0x04] + LEB128.unsigned((1 << 48) + 1))
        do {
            _ = try WasmModule.load(tooLarge)
            Issue.record("a memory of 2^48 + 1 pages loaded")
        } catch {
            #expect(!error.isMalformed)
        }
    }

    @Test func addressesAreSixtyFourBitsAndNeverWrap() throws {
        var memory = try instance(Self.program)
        let value = Value.i64(0x1122_3344_5566_7788)
        #expect(try memory.invoke(functionIndex: 0, arguments: [.i64(8), value]).results == [value])
        #expect(try memory.invoke(functionIndex: 0, arguments: [.i64(65_528), value]).results == [value])
        expectOutOfBounds(&memory, 0, [.i64(65_529), value])
        // 2^32 + 8 is not 8: a 64-bit address is not truncated.
        expectOutOfBounds(&memory, 0, [.i64((1 << 32) + 8), value])
        expectOutOfBounds(&memory, 0, [.i64(.max), value])
        // Offsets of 2^40 and 2^64 - 1; the second with address 1 overflows 64 bits.
        expectOutOfBounds(&memory, 1, [.i64(0)])
        expectOutOfBounds(&memory, 2, [.i64(0)])
        expectOutOfBounds(&memory, 2, [.i64(1)])
        #expect(try memory.invoke(functionIndex: 6, arguments: [.i64(100)]).results == [.i64(0x2134_364D_4953_4349)])  // "ICSIM64!"
    }

    @Test func sizeAndGrowTakeAndReturnI64() throws {
        var memory = try instance(Self.program)
        #expect(try memory.invoke(functionIndex: 3, arguments: []).results == [.i64(1)])
        #expect(try memory.invoke(functionIndex: 4, arguments: [.i64(1)]).results == [.i64(1)])
        #expect(try memory.invoke(functionIndex: 4, arguments: [.i64(2)]).results == [.i64(.max)])  // past the maximum: -1
        #expect(try memory.invoke(functionIndex: 4, arguments: [.i64(1 << 40)]).results == [.i64(.max)])
        #expect(try memory.invoke(functionIndex: 4, arguments: [.i64(1)]).results == [.i64(2)])
        #expect(try memory.invoke(functionIndex: 3, arguments: []).results == [.i64(3)])
        #expect(try memory.invoke(functionIndex: 0, arguments: [.i64(3 * 65_536 - 8), .i64(5)]).results == [.i64(5)])
    }

    @Test func fillTakesSixtyFourBitLengths() throws {
        var memory = try instance(Self.program, costTable: .uniform)
        try memory.invoke(functionIndex: 5, arguments: [.i64(16), .i64(8)])
        #expect(try memory.invoke(functionIndex: 6, arguments: [.i64(16)]).results == [.i64(0xABAB_ABAB_ABAB_ABAB)])
        expectOutOfBounds(&memory, 5, [.i64(0), .i64(1 << 63)])
        expectOutOfBounds(&memory, 5, [.i64(.max), .i64(1)])
        // The IC charges the length before the operation runs: under its table a length no
        // budget can pay stops at the instruction limit, before the bounds check.
        var metered = try instance(Self.program)
        do {
            try metered.invoke(functionIndex: 5, arguments: [.i64(0), .i64(1 << 63)], instructionLimit: 1_000_000)
            Issue.record("a fill of 2^63 bytes returned")
        } catch {
            #expect(error.reason == .instructionLimitExceeded)
        }
    }

    @Test func theHostBoundsWhatAModuleMayAllocate() throws {
        // A 64-bit memory may declare more than 4 GiB; the host refuses to create it.
        let large = Self.module(types: [], functions: [], memory: [0x04] + LEB128.unsigned(UInt64(LinearMemory.pagesMax) + 1))
        let compiled = try CompiledModule.load(large)
        #expect(throws: InstantiationError.self) { try WasmInstance(compiled) }
        // A maximum beyond the host's is clamped: growing past it fails as memory.grow may.
        let unbounded = Self.module(types: [Self.i64ToI64], functions: [(0, [0x20, 0x00, 0x40, 0x00, 0x0B])],
                                    memory: [0x05, 0x00] + LEB128.unsigned(1 << 40))
        var memory = try instance(unbounded)
        #expect(memory.memory?.maximumPages == LinearMemory.pagesMax)
        #expect(try memory.invoke(functionIndex: 0, arguments: [.i64(UInt64(LinearMemory.pagesMax) + 1)]).results == [.i64(.max)])
    }

    /// The IC charges 2 for a load or store of a 64-bit memory, 1 for a 32-bit one.
    @Test func sixtyFourBitAccessesCostOneMore() throws {
        let i32i64ToI64: [UInt8] = [0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7E]
        let body: [UInt8] = [0x20, 0x00, 0x20, 0x01, 0x37, 0x03, 0x00, 0x20, 0x00, 0x29, 0x03, 0x08, 0x0B]
        var narrow = try instance(Self.module(types: [i32i64ToI64], functions: [(0, body)], memory: [0x00, 0x01]))
        var wide = try instance(Self.module(types: [Self.i64i64ToI64], functions: [(0, body)], memory: [0x04, 0x01]))
        let narrowRun = try narrow.invoke(functionIndex: 0, arguments: [.i32(0), .i64(7)])
        let wideRun = try wide.invoke(functionIndex: 0, arguments: [.i64(0), .i64(7)])
        #expect(narrowRun.results == [.i64(0)] && wideRun.results == [.i64(0)])
        #expect(narrowRun.instructions > 0 && wideRun.instructions == narrowRun.instructions + 2)
        var uniform = try instance(Self.module(types: [Self.i64i64ToI64], functions: [(0, body)], memory: [0x04, 0x01]), costTable: .uniform)
        #expect(try uniform.invoke(functionIndex: 0, arguments: [.i64(0), .i64(7)]).instructions == 5)  // five instructions and `end`
        // An i32 address is a type error on a 64-bit memory, and the other way round.
        #expect(throws: WasmLoadError.self) { try CompiledModule.load(Self.module(types: [i32i64ToI64], functions: [(0, body)], memory: [0x04, 0x01])) }
        #expect(throws: WasmLoadError.self) { try CompiledModule.load(Self.module(types: [Self.i64i64ToI64], functions: [(0, body)], memory: [0x00, 0x01])) }
    }
}
