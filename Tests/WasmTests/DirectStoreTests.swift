import Synchronization
import Testing
@testable import Wasm

/// The interpreter's direct stores (``LinearMemory/storeDirect(_:base:offset:)``): a chunk
/// already written in the current generation is written without the copy-on-write checks, so
/// every way a copy of the memory can come to share that chunk must start a new generation
/// first (a run's start, a host call, clearing the dirty bits), or the copy would see the
/// store.
@Suite("Wasm direct stores")
struct DirectStoreTests {
    typealias B = ModuleBuilder

    static let i32i32: [UInt8] = [0x60, 0x02, 0x7F, 0x7F, 0x00]

    /// store(address, value): `i32.store` of the value at the address.
    static let storer = InterpreterTests.module(types: [i32i32], functions: [
        (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0x36, 0x02, 0x00, 0x0B]),
    ], exports: [("store", 0)], memory: true)

    @Test func aCopyTakenBetweenRunsKeepsItsBytes() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.storer))
        _ = try instance.invoke(functionIndex: 0, arguments: [.i32(100), .i32(1)])
        _ = try instance.invoke(functionIndex: 0, arguments: [.i32(104), .i32(2)])  // chunk 0 stamped: a direct store
        let snapshot = try #require(instance.memory)
        _ = try instance.invoke(functionIndex: 0, arguments: [.i32(100), .i32(3)])
        _ = try instance.invoke(functionIndex: 0, arguments: [.i32(104), .i32(4)])
        #expect(try snapshot.load(UInt32.self, at: 100) == 1)
        #expect(try snapshot.load(UInt32.self, at: 104) == 2)
        #expect(try instance.memory?.load(UInt32.self, at: 100) == 3)
        #expect(try instance.memory?.load(UInt32.self, at: 104) == 4)

        // Rolling back to the snapshot and storing again leaves the discarded copy alone.
        let discarded = try #require(instance.memory)
        instance.memory = snapshot
        _ = try instance.invoke(functionIndex: 0, arguments: [.i32(100), .i32(5)])
        #expect(try discarded.load(UInt32.self, at: 100) == 3)
        #expect(try snapshot.load(UInt32.self, at: 100) == 1)
        #expect(try instance.memory?.load(UInt32.self, at: 100) == 5)
    }

    @Test func aCopyTakenAfterWritesOutsideTheInterpreterKeepsItsBytes() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.storer))
        var memory = try #require(instance.memory)
        try memory.store(UInt32(9), at: 200)  // a checked write outside any run
        instance.memory = memory
        let snapshot = try #require(instance.memory)
        _ = try instance.invoke(functionIndex: 0, arguments: [.i32(200), .i32(10)])
        _ = try instance.invoke(functionIndex: 0, arguments: [.i32(204), .i32(11)])
        #expect(try snapshot.load(UInt32.self, at: 200) == 9)
        #expect(try snapshot.load(UInt32.self, at: 204) == 0)
        #expect(try instance.memory?.load(UInt32.self, at: 200) == 10)
    }

    @Test func storesAfterClearingTheDirtyBitsMarkTheirChunksAgain() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.storer))
        _ = try instance.invoke(functionIndex: 0, arguments: [.i32(8_192), .i32(1)])
        #expect(instance.memory?.dirtyChunks == [2])
        var memory = try #require(instance.memory)
        memory.clearDirtyChunks()
        instance.memory = memory
        _ = try instance.invoke(functionIndex: 0, arguments: [.i32(8_200), .i32(2)])
        #expect(instance.memory?.dirtyChunks == [2])
    }

    /// A host function that keeps a copy of the caller's memory (in `kept`).
    final class Keeper: Sendable {
        let kept = Mutex<LinearMemory?>(nil)
    }

    @Test func aCopyTakenByAHostFunctionMidRunKeepsItsBytes() throws {
        // run(address): store 1 at the address, call the host (which keeps a copy), store 2.
        var module = ModuleBuilder()
        module.section(1, B.vector([[0x60, 0x00, 0x00], [0x60, 0x01, 0x7F, 0x00]]))
        module.section(2, B.vector([B.name("env") + B.name("keep") + [0x00, 0x00]]))
        module.section(3, B.vector([[0x01]]))
        module.section(5, B.vector([[0x00, 0x01]]))
        let body: [UInt8] = [
            0x00,
            0x20, 0x00, 0x41, 0x01, 0x36, 0x02, 0x00,  // i32.store (address) 1
            0x20, 0x00, 0x41, 0x07, 0x36, 0x02, 0x04,  // i32.store (address + 4) 7: the chunk is stamped now
            0x10, 0x00,                                // call keep
            0x20, 0x00, 0x41, 0x02, 0x36, 0x02, 0x00,  // i32.store (address) 2
            0x0B,
        ]
        module.section(10, B.vector([B.u32(UInt32(body.count)) + body]))
        let keeper = Keeper()
        var imports = Imports()
        imports.define("env", "keep", function: HostFunction(type: FunctionType(parameters: [], results: [])) { _, context throws(Trap) in
            let memory = context.memory
            keeper.kept.withLock { $0 = memory }
            return []
        })
        var instance = try WasmInstance(CompiledModule.load(module.bytes), imports: imports)
        _ = try instance.invoke(functionIndex: 1, arguments: [.i32(300)])
        let kept = try #require(keeper.kept.withLock { $0 })
        #expect(try kept.load(UInt32.self, at: 300) == 1)
        #expect(try instance.memory?.load(UInt32.self, at: 300) == 2)
        #expect(try instance.memory?.load(UInt32.self, at: 304) == 7)
    }

    @Test func directAccessesAreBoundedByOneComparisonWithoutWrapping() {
        var memory = LinearMemory(minimumPages: 1, maximumPages: 1)
        memory.beginDirectStores()
        let stored = [
            memory.storeDirect(UInt32(0xAABB_CCDD), base: 65_532, offset: 0),
            memory.storeDirect(UInt32(1), base: 65_533, offset: 0),
            memory.storeDirect(UInt8(1), base: 0, offset: 65_536),
            memory.storeDirect(UInt64(1), base: .max, offset: .max),
        ]
        #expect(stored == [true, false, false, false])
        #expect(memory.load(UInt32.self, base: 65_530, offset: 2) == 0xAABB_CCDD)
        #expect(memory.load(UInt32.self, base: 65_533, offset: 0) == nil)
        #expect(memory.load(UInt8.self, base: .max, offset: .max) == nil)
        #expect(memory.load(UInt8.self, base: 65_535, offset: 0) == 0xAA)
        // Across a chunk boundary, twice (the second time the chunks are stamped).
        for value in [UInt64(0x0102_0304_0506_0708), 0x1112_1314_1516_1718] {
            let isStored = memory.storeDirect(value, base: 4_000, offset: 92)
            #expect(isStored)
            #expect(memory.load(UInt64.self, base: 4_092, offset: 0) == value)
        }
        #expect(memory.dirtyChunks == [0, 1, 15])
    }

    @Test func aMemoryOfNoPagesRefusesEveryDirectAccess() {
        var memory = LinearMemory.empty
        memory.beginDirectStores()
        let isStored = memory.storeDirect(UInt8(1), base: 0, offset: 0)
        #expect(!isStored)
        #expect(memory.load(UInt8.self, base: 0, offset: 0) == nil)
    }
}
