import Testing
@testable import Wasm

/// The fused forms the compiler emits for an address computation feeding a load and for an
/// f64 multiplication feeding an addition, a subtraction or another multiplication: each must
/// compute, trap and charge exactly as the two WebAssembly instructions it replaces.
@Suite("Wasm fused instructions")
struct FusedInstructionTests {
    typealias B = ModuleBuilder

    static let i32toI64: [UInt8] = [0x60, 0x01, 0x7F, 0x01, 0x7E]
    static let i32toI32: [UInt8] = [0x60, 0x01, 0x7F, 0x01, 0x7F]
    static let f64x3toF64: [UInt8] = [0x60, 0x03, 0x7C, 0x7C, 0x7C, 0x01, 0x7C]

    /// A one-page memory whose byte at each address `k` is `k % 251`, written by the test
    /// before each call.
    static func filledMemory(_ instance: inout WasmInstance) throws {
        for address in 0..<LinearMemory.pageBytes {
            try instance.memoryStorage.store(UInt8(address % 251), at: UInt64(address))
        }
    }

    /// The little-endian value of `width` bytes at `address` of a ``filledMemory(_:)``.
    static func filledValue(at address: Int, width: Int) -> UInt64 {
        (0..<width).reduce(UInt64(0)) { $0 | UInt64((address + $1) % 251) << (8 * UInt64($1)) }
    }

    /// The opcodes of function `index`'s compiled code.
    static func opcodes(_ instance: WasmInstance, _ index: Int) -> [OpCode] {
        let code = instance.compiled.functions[index].code
        return (0..<code.count).map { code.base[$0].code }
    }

    /// Sum of the cost table's costs of `opcodes` (what unfused, per-instruction charging pays).
    static func cost(_ opcodes: [UInt8]) -> UInt64 {
        opcodes.reduce(0) { $0 + InstructionCostTable.internetComputer.cost(opcode: $1) }
    }

    /// Functions: 0 = i64.load (a + 8) offset 0, 1 = i32.load (a << 2) offset 16,
    /// 2 = f64.load (a << 3) offset 0 (as i64 bits), 3 = f32.load (a + 3) offset 0 (as i32 bits).
    static let loads = InterpreterTests.module(types: [i32toI64, i32toI32], functions: [
        (0, [0x00], [0x20, 0x00, 0x41, 0x08, 0x6A, 0x29, 0x03, 0x00, 0x0B]),
        (1, [0x00], [0x20, 0x00, 0x41, 0x02, 0x74, 0x28, 0x02, 0x10, 0x0B]),
        (0, [0x00], [0x20, 0x00, 0x41, 0x03, 0x74, 0x2B, 0x03, 0x00, 0xBD, 0x0B]),
        (1, [0x00], [0x20, 0x00, 0x41, 0x03, 0x6A, 0x2A, 0x02, 0x00, 0xBC, 0x0B]),
    ], exports: [("addLoad64", 0), ("shlLoad32", 1), ("shlLoadF64", 2), ("addLoadF32", 3)], memory: true)

    @Test func addressComputationsFuseIntoTheLoad() throws {
        let instance = try WasmInstance(CompiledModule.load(Self.loads))
        #expect(Self.opcodes(instance, 0).contains(.i64LoadAddImm))
        #expect(Self.opcodes(instance, 1).contains(.i32LoadShlImm))
        #expect(Self.opcodes(instance, 2).contains(.i64LoadShlImm))
        #expect(Self.opcodes(instance, 3).contains(.i32LoadAddImm))
        for index in 0..<4 {
            #expect(!Self.opcodes(instance, index).contains(.i32AddImm) && !Self.opcodes(instance, index).contains(.i32ShlImm))
        }
    }

    @Test func fusedLoadsReadWhatTheTwoInstructionsWould() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.loads))
        try Self.filledMemory(&instance)
        for address in [0, 1, 100, 4_093, 4_095, 30_000] {  // 4_093 + 8 and 4_095 + 3 cross a 4 KiB chunk
            let a = UInt32(address)
            #expect(try instance.invoke(functionIndex: 0, arguments: [.i32(a)]).results == [.i64(Self.filledValue(at: address + 8, width: 8))])
            let index = address % 16_000
            #expect(try instance.invoke(functionIndex: 1, arguments: [.i32(UInt32(index))]).results
                    == [.i32(UInt32(Self.filledValue(at: index * 4 + 16, width: 4)))])
            #expect(try instance.invoke(functionIndex: 2, arguments: [.i32(a / 8)]).results
                    == [.i64(Self.filledValue(at: address / 8 * 8, width: 8))])
            #expect(try instance.invoke(functionIndex: 3, arguments: [.i32(a)]).results
                    == [.i32(UInt32(Self.filledValue(at: address + 3, width: 4)))])
        }
    }

    @Test func fusedAddressesWrapAt32BitsBeforeTheOffset() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.loads))
        try Self.filledMemory(&instance)
        // 0xFFFF_FFFC + 8 wraps to 4 (in bounds); 0x4000_0001 << 2 wraps to 4, then + 16.
        #expect(try instance.invoke(functionIndex: 0, arguments: [.i32(0xFFFF_FFFC)]).results == [.i64(Self.filledValue(at: 4, width: 8))])
        #expect(try instance.invoke(functionIndex: 1, arguments: [.i32(0x4000_0001)]).results
                == [.i32(UInt32(Self.filledValue(at: 20, width: 4)))])
    }

    @Test func fusedLoadsTrapOutOfBoundsAndChargeAsUnfused() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.loads))
        // Function 0: local.get, i32.const, i32.add, i64.load, end.
        let charged = try instance.invoke(functionIndex: 0, arguments: [.i32(0)]).instructions
        #expect(charged == Self.cost([0x20, 0x41, 0x6A, 0x29, 0x0B]))
        for (function, argument) in [(0, UInt32(65_529)), (1, UInt32(16_381)), (2, UInt32(8_192)), (3, UInt32(65_530))] {
            do {
                try instance.invoke(functionIndex: UInt32(function), arguments: [.i32(argument)])
                Issue.record("function \(function) at \(argument): expected a trap")
            } catch {
                #expect(error.reason == .outOfBoundsMemoryAccess)
            }
        }
        // The last in-bounds addresses do not trap.
        #expect(try instance.invoke(functionIndex: 0, arguments: [.i32(65_520)]).results == [.i64(0)])
        #expect(try instance.invoke(functionIndex: 1, arguments: [.i32(16_375)]).results == [.i32(0)])
    }

    /// Functions of (x, y, z): 0 = x * y + z, 1 = z + x * y, 2 = x * y - z, 3 = z - x * y.
    static let multiplies = InterpreterTests.module(types: [f64x3toF64], functions: [
        (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0xA2, 0x20, 0x02, 0xA0, 0x0B]),
        (0, [0x00], [0x20, 0x02, 0x20, 0x00, 0x20, 0x01, 0xA2, 0xA0, 0x0B]),
        (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0xA2, 0x20, 0x02, 0xA1, 0x0B]),
        (0, [0x00], [0x20, 0x02, 0x20, 0x00, 0x20, 0x01, 0xA2, 0xA1, 0x0B]),
    ], exports: [("mulAdd", 0), ("addMul", 1), ("mulSub", 2), ("subMul", 3)])

    func run(_ instance: inout WasmInstance, _ function: Int, _ x: Double, _ y: Double, _ z: Double) throws -> UInt64 {
        let results = try instance.invoke(functionIndex: UInt32(function), arguments: [.f64(x.bitPattern), .f64(y.bitPattern), .f64(z.bitPattern)]).results
        guard case .f64(let bits) = results.first else { return 0 }
        return bits
    }

    @Test func multiplicationsFuseIntoAdditionsAndSubtractions() throws {
        let instance = try WasmInstance(CompiledModule.load(Self.multiplies))
        #expect(Self.opcodes(instance, 0).contains(.f64MulAdd))
        #expect(Self.opcodes(instance, 1).contains(.f64MulAdd))
        #expect(Self.opcodes(instance, 2).contains(.f64MulSub))
        #expect(Self.opcodes(instance, 3).contains(.f64SubMul))
        for index in 0..<4 { #expect(!Self.opcodes(instance, index).contains(.f64Mul)) }
    }

    @Test func fusedMultiplyAddRoundsTwiceLikeTheUnfusedPair() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.multiplies))
        // (1 + 2^-30)(1 - 2^-30) = 1 - 2^-60 rounds to 1; a single rounding (FMA) would give -2^-60.
        let x = 1 + 0x1p-30, y = 1 - 0x1p-30
        #expect(try run(&instance, 0, x, y, -1) == (0.0).bitPattern)
        #expect(try run(&instance, 1, x, y, -1) == (0.0).bitPattern)
        #expect(try run(&instance, 2, x, y, 1) == (0.0).bitPattern)
        #expect(try run(&instance, 3, x, y, 1) == (0.0).bitPattern)
        #expect(try run(&instance, 0, 1.5, 2.25, 0.125) == (1.5 * 2.25 + 0.125).bitPattern)
        #expect(try run(&instance, 2, 1.5, 2.25, 0.125) == (1.5 * 2.25 - 0.125).bitPattern)
        #expect(try run(&instance, 3, 1.5, 2.25, 0.125) == (0.125 - 1.5 * 2.25).bitPattern)
        let charged = try instance.invoke(functionIndex: 0, arguments: [.f64(0), .f64(0), .f64(0)]).instructions
        #expect(charged == Self.cost([0x20, 0x20, 0xA2, 0x20, 0xA0, 0x0B]))
    }

    /// The canonical NaN every f64 arithmetic result that is a NaN becomes.
    static let canonicalNaN: UInt64 = 0x7FF8_0000_0000_0000
    /// A quiet NaN with a payload.
    static let nanWithPayload = Double(bitPattern: 0x7FF8_0000_0000_1234)
    /// A signalling NaN with the sign set.
    static let negativeSignallingNaN = Double(bitPattern: 0xFFF0_0000_0000_0001)

    /// Expects every function in `functions` of `module` (of x, y, z: x * y combined with z)
    /// to return the canonical NaN for inf * 0, for a NaN product, for a NaN z, and for the
    /// arguments `more(function)` adds.
    func expectCanonicalNaNs(_ module: [UInt8], _ functions: Range<Int>, more: (Int) -> [(Double, Double, Double)]) throws {
        var instance = try WasmInstance(CompiledModule.load(module))
        for function in functions {
            let arguments = [(Double.infinity, 0, 1), (Self.nanWithPayload, 1, 1), (1, 1, Self.negativeSignallingNaN)] + more(function)
            for (x, y, z) in arguments {
                #expect(try run(&instance, function, x, y, z) == Self.canonicalNaN, "(\(x), \(y), \(z)), function \(function)")
            }
        }
    }

    @Test func fusedMultiplyAddCanonicalizesNaN() throws {
        try expectCanonicalNaNs(Self.multiplies, 0..<4) { function in [(.infinity, 1, function < 2 ? -.infinity : .infinity)] }
    }

    /// Functions of (x, y, z): 0 = x * y * z (the product on the left), 1 = z * (x * y) (on the right).
    static let productsOfProducts = InterpreterTests.module(types: [f64x3toF64], functions: [
        (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0xA2, 0x20, 0x02, 0xA2, 0x0B]),
        (0, [0x00], [0x20, 0x02, 0x20, 0x00, 0x20, 0x01, 0xA2, 0xA2, 0x0B]),
    ], exports: [("mulMul", 0), ("mulOfMul", 1)])

    @Test func aProductOfAProductIsOneInstructionThatRoundsTwice() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.productsOfProducts))
        for function in 0..<2 {
            #expect(Self.opcodes(instance, function).contains(.f64MulMul), "function \(function)")
            #expect(!Self.opcodes(instance, function).contains(.f64Mul), "function \(function)")
        }
        for function in 0..<2 {
            // (0.1 * 0.2) * 0.3 and 0.1 * (0.2 * 0.3) differ in the last bit: the product comes first.
            #expect(try run(&instance, function, 0.1, 0.2, 0.3) == ((0.1 * 0.2) * 0.3).bitPattern, "function \(function)")
            #expect((0.1 * 0.2) * 0.3 != 0.1 * (0.2 * 0.3))
            // The product overflows to infinity before the third factor could bring it back.
            #expect(try run(&instance, function, 1e200, 1e200, 1e-200) == Double.infinity.bitPattern, "function \(function)")
            #expect(try run(&instance, function, -1.5, 2.25, 0.125) == (-1.5 * 2.25 * 0.125).bitPattern, "function \(function)")
        }
        let charged = try instance.invoke(functionIndex: 0, arguments: [.f64(0), .f64(0), .f64(0)]).instructions
        #expect(charged == Self.cost([0x20, 0x20, 0xA2, 0x20, 0xA2, 0x0B]))
    }

    @Test func aProductOfAProductCanonicalizesNaN() throws {
        try expectCanonicalNaNs(Self.productsOfProducts, 0..<2) { _ in [(1e200, 1e200, 0)] }  // an overflowed product times 0
    }

    static let i32i32i32toI32: [UInt8] = [0x60, 0x03, 0x7F, 0x7F, 0x7F, 0x01, 0x7F]

    /// Functions of (a, x, y), two-term dot products whose second term accumulates into the
    /// first (a sum held in an operand slot, as clang's unrolled loops leave it):
    /// 0 = load(a) * x + load(a + 4, as offset 4) * y, 1 = load(a) * x + load(a + 8, as `i32.add`) * y.
    static let dotProducts = InterpreterTests.module(types: [i32i32i32toI32], functions: [
        (0, [0x00], [0x20, 0x00, 0x28, 0x02, 0x00, 0x20, 0x01, 0x6C,
                     0x20, 0x00, 0x28, 0x02, 0x04, 0x20, 0x02, 0x6C, 0x6A, 0x0B]),
        (0, [0x00], [0x20, 0x00, 0x28, 0x02, 0x00, 0x20, 0x01, 0x6C,
                     0x20, 0x00, 0x41, 0x08, 0x6A, 0x28, 0x02, 0x00, 0x20, 0x02, 0x6C, 0x6A, 0x0B]),
    ], exports: [("dotOffset", 0), ("dotAdd", 1)], memory: true)

    @Test func aLoadFeedingAMultiplyAccumulateIsOneInstruction() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.dotProducts))
        #expect(Self.opcodes(instance, 0).contains(.i32LoadMulAdd))
        #expect(Self.opcodes(instance, 1).contains(.i32LoadAddImmMulAdd))
        for function in 0..<2 { #expect(!Self.opcodes(instance, function).contains(.i32MulAdd), "function \(function)") }
        try Self.filledMemory(&instance)
        for (address, x, y) in [(0, UInt32(3), UInt32(5)), (4_090, 0xFFFF_FFFF, 7), (100, 0x8000_0001, 0x7FFF_FFFF)] {
            let first = UInt32(Self.filledValue(at: address, width: 4))
            for (function, distance) in [(0, 4), (1, 8)] {
                let second = UInt32(Self.filledValue(at: address + distance, width: 4))
                let result = try instance.invoke(functionIndex: UInt32(function), arguments: [.i32(UInt32(address)), .i32(x), .i32(y)])
                #expect(result.results == [.i32(first &* x &+ second &* y)], "function \(function) at \(address)")
            }
        }
        let charged = try instance.invoke(functionIndex: 1, arguments: [.i32(0), .i32(0), .i32(0)]).instructions
        #expect(charged == Self.cost([0x20, 0x28, 0x20, 0x6C, 0x20, 0x41, 0x6A, 0x28, 0x20, 0x6C, 0x6A, 0x0B]))
    }

    @Test func aLoadFeedingAMultiplyAccumulateTrapsAndChargesAsUnfused() throws {
        // The first load is in bounds, the second not: the count stops at the second load.
        for (function, address, upToTrap) in [(0, UInt32(65_532), [UInt8]([0x20, 0x28, 0x20, 0x6C, 0x20, 0x28])),
                                               (1, UInt32(65_528), [0x20, 0x28, 0x20, 0x6C, 0x20, 0x41, 0x6A, 0x28])] {
            var instance = try WasmInstance(CompiledModule.load(Self.dotProducts))
            var execution = try Execution(&instance, function: UInt32(function), arguments: [.i32(address), .i32(1), .i32(1)])
            guard case .trapped(let trap) = execution.run(&instance, instructionLimit: .max, suspendsAtLimit: false) else {
                Issue.record("function \(function): expected a trap")
                continue
            }
            #expect(trap.reason == .outOfBoundsMemoryAccess)
            #expect(execution.instructionsCharged == Self.cost(upToTrap), "function \(function)")
        }
    }


    /// Functions of (x, y, v) returning x after `x = (x OP y) ? v : x` (0: `<` signed,
    /// 1: `>` unsigned, 2: `<=` signed, 3: `>=` unsigned) and 4: `x = (x < y, unsigned) ? x : v`.
    static let conditionalMoves = InterpreterTests.module(types: [i32i32i32toI32], functions: [
        (0, [0x00], [0x20, 0x02, 0x20, 0x00, 0x20, 0x00, 0x20, 0x01, 0x48, 0x1B, 0x21, 0x00, 0x20, 0x00, 0x0B]),
        (0, [0x00], [0x20, 0x02, 0x20, 0x00, 0x20, 0x00, 0x20, 0x01, 0x4B, 0x1B, 0x21, 0x00, 0x20, 0x00, 0x0B]),
        (0, [0x00], [0x20, 0x02, 0x20, 0x00, 0x20, 0x00, 0x20, 0x01, 0x4C, 0x1B, 0x21, 0x00, 0x20, 0x00, 0x0B]),
        (0, [0x00], [0x20, 0x02, 0x20, 0x00, 0x20, 0x00, 0x20, 0x01, 0x4F, 0x1B, 0x21, 0x00, 0x20, 0x00, 0x0B]),
        (0, [0x00], [0x20, 0x00, 0x20, 0x02, 0x20, 0x00, 0x20, 0x01, 0x49, 0x1B, 0x21, 0x00, 0x20, 0x00, 0x0B]),
    ], exports: [("ltS", 0), ("gtU", 1), ("leS", 2), ("geU", 3), ("keepIfLtU", 4)])

    @Test func comparisonsFeedingASelectIntoItsOwnValueBecomeConditionalMoves() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.conditionalMoves))
        let moves: [OpCode] = [.moveIfI32LtS, .moveIfI32LtU, .moveIfI32GeS, .moveIfI32GeU, .moveIfI32GeU]
        for (index, move) in moves.enumerated() {
            #expect(Self.opcodes(instance, index).contains(move), "function \(index)")
            #expect(!Self.opcodes(instance, index).contains(.selectInto), "function \(index)")
        }
        let compare: [(Int32, Int32) -> Bool] = [
            { $0 < $1 }, { UInt32(bitPattern: $0) > UInt32(bitPattern: $1) }, { $0 <= $1 },
            { UInt32(bitPattern: $0) >= UInt32(bitPattern: $1) }, { UInt32(bitPattern: $0) >= UInt32(bitPattern: $1) },
        ]
        let values: [Int32] = [.min, -1, 0, 1, 7, .max]
        for function in 0..<5 {
            for x in values {
                for y in values {
                    let expected = compare[function](x, y) ? Int32(99) : x
                    let arguments: [Value] = [.i32(UInt32(bitPattern: x)), .i32(UInt32(bitPattern: y)), .i32(99)]
                    #expect(try instance.invoke(functionIndex: UInt32(function), arguments: arguments).results == [.i32(UInt32(bitPattern: expected))],
                            "function \(function), x \(x), y \(y)")
                }
            }
        }
        // local.get x3, i32.lt_s (or another comparison), select, local.set, local.get, end.
        let charged = try instance.invoke(functionIndex: 0, arguments: [.i32(1), .i32(2), .i32(3)]).instructions
        #expect(charged == Self.cost([0x20, 0x20, 0x20, 0x20, 0x48, 0x1B, 0x21, 0x20, 0x0B]))
    }

    /// shiftAdd(i) = (i << 3) + 1000.
    static let shiftAdds = InterpreterTests.module(types: [i32toI32], functions: [
        (0, [0x00], [0x20, 0x00, 0x41, 0x03, 0x74, 0x41, 0xE8, 0x07, 0x6A, 0x0B]),
    ], exports: [("shiftAdd", 0)])

    @Test func shiftThenAddOfConstantsIsOneInstructionAndWraps() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.shiftAdds))
        #expect(Self.opcodes(instance, 0).contains(.i32ShlAddImm))
        for value: UInt32 in [0, 1, 12_345, 0x2000_0000, 0xFFFF_FFFF] {
            #expect(try instance.invoke(functionIndex: 0, arguments: [.i32(value)]).results == [.i32((value << 3) &+ 1_000)])
        }
        let charged = try instance.invoke(functionIndex: 0, arguments: [.i32(1)]).instructions
        #expect(charged == Self.cost([0x20, 0x41, 0x74, 0x41, 0x6A, 0x0B]))
    }
}
