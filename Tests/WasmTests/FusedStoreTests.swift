import Testing
@testable import Wasm

/// `f64.add` or `f64.sub` whose result `f64.store` stores at once (`f64AddStore`,
/// `f64SubStore`), and an f64 loaded, added to and stored back (`f64AddToMemory`): each must
/// store, trap and charge exactly as the WebAssembly instructions it stands for.
@Suite("Wasm fused arithmetic stores")
struct FusedStoreTests {
    typealias Fused = FusedInstructionTests

    /// (address: i32, x: f64, y: f64) -> ().
    static let storeType: [UInt8] = [0x60, 0x03, 0x7F, 0x7C, 0x7C, 0x00]

    /// Functions storing at address + 8: 0 = x + y, 1 = x - y, 2 = x + y kept in local 1 by
    /// `local.tee` before the store (not fused: the local must be written).
    static let stores = InterpreterTests.module(types: [storeType], functions: [
        (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xA0, 0x39, 0x03, 0x08, 0x0B]),
        (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xA1, 0x39, 0x03, 0x08, 0x0B]),
        (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xA0, 0x22, 0x01, 0x39, 0x03, 0x08, 0x0B]),
    ], exports: [("addStore", 0), ("subStore", 1), ("addTeeStore", 2)], memory: true)

    /// Functions adding y to the f64 at address + 8: 0 = `m = y + m`, 1 = `m = m + y`, 2 = the
    /// same with the load at offset 16 (another address: fused into the store only).
    static let updates = InterpreterTests.module(types: [storeType], functions: [
        (0, [0x00], [0x20, 0x00, 0x20, 0x02, 0x20, 0x00, 0x2B, 0x03, 0x08, 0xA0, 0x39, 0x03, 0x08, 0x0B]),
        (0, [0x00], [0x20, 0x00, 0x20, 0x00, 0x2B, 0x03, 0x08, 0x20, 0x02, 0xA0, 0x39, 0x03, 0x08, 0x0B]),
        (0, [0x00], [0x20, 0x00, 0x20, 0x00, 0x2B, 0x03, 0x10, 0x20, 0x02, 0xA0, 0x39, 0x03, 0x08, 0x0B]),
    ], exports: [("addTo", 0), ("addedTo", 1), ("addOther", 2)], memory: true)

    @Test func anAdditionToTheLoadedValueStoredBackIsOneInstruction() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.updates))
        #expect(Fused.opcodes(instance, 0).contains(.f64AddToMemory) && !Fused.opcodes(instance, 0).contains(.f64Load))
        #expect(Fused.opcodes(instance, 1).contains(.f64AddToMemory) && !Fused.opcodes(instance, 1).contains(.f64Load))
        #expect(Fused.opcodes(instance, 2).contains(.f64AddStore) && Fused.opcodes(instance, 2).contains(.f64Load))
        for function in 0..<3 {
            for address: UInt32 in [0, 4_084, 40_000] {
                try instance.memoryStorage.store((0.1).bitPattern, at: UInt64(address) + 8)
                try instance.memoryStorage.store((2.5).bitPattern, at: UInt64(address) + 16)
                let expected = (function == 2 ? 2.5 + 0.2 : 0.1 + 0.2).bitPattern
                #expect(try Self.stored(&instance, function, address, 0, 0.2).bits == expected, "function \(function) at \(address)")
            }
            try instance.memoryStorage.store(Fused.nanWithPayload.bitPattern, at: 72)
            try instance.memoryStorage.store(Fused.nanWithPayload.bitPattern, at: 80)
            #expect(try Self.stored(&instance, function, 64, 0, 1).bits == Fused.canonicalNaN, "function \(function)")
        }
        let unfused = Fused.cost([0x20, 0x20, 0x20, 0x2B, 0xA0, 0x39, 0x0B])
        for function in 0..<3 { #expect(try Self.stored(&instance, function, 16, 0, 1).charged == unfused, "function \(function)") }
    }

    @Test func anAdditionToMemoryTrapsAtItsLoadAndChargesAsUnfused() throws {
        // Function 0 reads three locals before its load, function 1 two.
        for (function, upToTrap) in [(0, [UInt8]([0x20, 0x20, 0x20, 0x2B])), (1, [0x20, 0x20, 0x2B])] {
            var instance = try WasmInstance(CompiledModule.load(Self.updates))
            var execution = try Execution(&instance, function: UInt32(function), arguments: [.i32(65_521), .f64(0), .f64(0)])
            guard case .trapped(let trap) = execution.run(&instance, instructionLimit: .max, suspendsAtLimit: false) else {
                Issue.record("function \(function): expected a trap")
                continue
            }
            #expect(trap.reason == .outOfBoundsMemoryAccess)
            #expect(execution.instructionsCharged == Fused.cost(upToTrap), "function \(function)")
        }
    }

    /// Runs `function(address, x, y)` and returns the stored f64's bits and the count charged.
    static func stored(_ instance: inout WasmInstance, _ function: Int, _ address: UInt32, _ x: Double, _ y: Double) throws
        -> (bits: UInt64, charged: UInt64) {
        let charged = try instance.invoke(functionIndex: UInt32(function), arguments: [.i32(address), .f64(x.bitPattern), .f64(y.bitPattern)]).instructions
        return (try instance.memoryStorage.load(UInt64.self, at: UInt64(address) + 8), charged)
    }

    @Test func anAdditionOrSubtractionFeedingAStoreIsOneInstruction() throws {
        let instance = try WasmInstance(CompiledModule.load(Self.stores))
        #expect(Fused.opcodes(instance, 0).contains(.f64AddStore) && !Fused.opcodes(instance, 0).contains(.f64Add))
        #expect(Fused.opcodes(instance, 1).contains(.f64SubStore) && !Fused.opcodes(instance, 1).contains(.f64Sub))
        #expect(Fused.opcodes(instance, 2).contains(.f64Add) && Fused.opcodes(instance, 2).contains(.f64Store))
    }

    @Test func fusedStoresStoreAndChargeWhatTheTwoInstructionsWould() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.stores))
        for (x, y) in [(0.1, 0.2), (1e308, 1e308), (-0.0, 0.0), (3.5, -1.25)] {
            // Address 4,096 - 12 puts the stored bytes across two chunks; 40,000 is in a chunk not yet written.
            for address: UInt32 in [0, 4_084, 40_000] {
                #expect(try Self.stored(&instance, 0, address, x, y).bits == (x + y).bitPattern, "\(x) + \(y) at \(address)")
                #expect(try Self.stored(&instance, 1, address, x, y).bits == (x - y).bitPattern, "\(x) - \(y) at \(address)")
                #expect(try Self.stored(&instance, 2, address, x, y).bits == (x + y).bitPattern, "\(x) + \(y) at \(address), unfused")
            }
        }
        let unfused = Fused.cost([0x20, 0x20, 0x20, 0xA0, 0x39, 0x0B])
        #expect(try Self.stored(&instance, 0, 16, 1, 2).charged == unfused)
        #expect(try Self.stored(&instance, 1, 16, 1, 2).charged == unfused)
        #expect(try Self.stored(&instance, 2, 16, 1, 2).charged == unfused + Fused.cost([0x22]))
    }

    @Test func fusedStoresStoreTheCanonicalNaN() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.stores))
        for (x, y) in [(Fused.nanWithPayload, 1), (1, Fused.negativeSignallingNaN)] {
            #expect(try Self.stored(&instance, 0, 64, x, y).bits == Fused.canonicalNaN, "\(x) + \(y)")
            #expect(try Self.stored(&instance, 1, 64, x, y).bits == Fused.canonicalNaN, "\(x) - \(y)")
        }
        #expect(try Self.stored(&instance, 0, 64, .infinity, -.infinity).bits == Fused.canonicalNaN)
        #expect(try Self.stored(&instance, 1, 64, .infinity, .infinity).bits == Fused.canonicalNaN)
    }

    @Test func fusedStoresTrapOutOfBoundsAndChargeAsUnfused() throws {
        // 65,520 + 8 is the last f64 of the page; one byte further the store traps, after the arithmetic.
        for function in 0..<2 {
            var instance = try WasmInstance(CompiledModule.load(Self.stores))
            #expect(try Self.stored(&instance, function, 65_520, 1, 2).bits == (function == 0 ? 3.0 : -1.0).bitPattern)
            var execution = try Execution(&instance, function: UInt32(function), arguments: [.i32(65_521), .f64(0), .f64(0)])
            guard case .trapped(let trap) = execution.run(&instance, instructionLimit: .max, suspendsAtLimit: false) else {
                Issue.record("function \(function): expected a trap")
                continue
            }
            #expect(trap.reason == .outOfBoundsMemoryAccess)
            #expect(execution.instructionsCharged == Fused.cost([0x20, 0x20, 0x20, 0xA0, 0x39]), "function \(function)")
        }
    }
}
