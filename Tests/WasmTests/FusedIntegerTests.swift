import Testing
@testable import Wasm

/// `i32.mul` feeding `i32.add` (a multiply-accumulate, as in a matrix product's inner loop):
/// one instruction that must compute, wrap and charge exactly as the two it replaces.
@Suite("Wasm fused integer instructions")
struct FusedIntegerTests {
    typealias Fused = FusedInstructionTests

    /// Functions of (x, y, z): 0 = x * y + z, 1 = z + x * y, 2 = `sum += x * y` into a local
    /// (the product's sum redirected by `local.set`, then returned), 3 = x * y + 5 (an add of a
    /// constant, which stays an immediate form).
    static let multiplyAdds = InterpreterTests.module(types: [FusedInstructionTests.i32i32i32toI32], functions: [
        (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0x6C, 0x20, 0x02, 0x6A, 0x0B]),
        (0, [0x00], [0x20, 0x02, 0x20, 0x00, 0x20, 0x01, 0x6C, 0x6A, 0x0B]),
        (0, [0x00], [0x20, 0x02, 0x20, 0x00, 0x20, 0x01, 0x6C, 0x6A, 0x21, 0x02, 0x20, 0x02, 0x0B]),
        (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0x6C, 0x41, 0x05, 0x6A, 0x0B]),
    ], exports: [("mulAdd", 0), ("addMul", 1), ("accumulate", 2), ("mulAddConstant", 3)])

    @Test func anIntegerProductFeedingAnAdditionIsOneInstruction() throws {
        let instance = try WasmInstance(CompiledModule.load(Self.multiplyAdds))
        for index in 0..<3 {
            #expect(Fused.opcodes(instance, index).contains(.i32MulAdd), "function \(index)")
            #expect(!Fused.opcodes(instance, index).contains(.i32Mul) && !Fused.opcodes(instance, index).contains(.i32Add))
        }
        #expect(Fused.opcodes(instance, 3).contains(.i32Mul) && Fused.opcodes(instance, 3).contains(.i32AddImm))
    }

    @Test func fusedMultiplyAddWrapsLikeTheUnfusedPair() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.multiplyAdds))
        let values: [UInt32] = [0, 1, 3, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1234_5678]
        for x in values {
            for y in values {
                for z in [UInt32(0), 1, 0xFFFF_FFFF, 0x8000_0001] {
                    let expected = x &* y &+ z
                    for function in 0..<3 {
                        let results = try instance.invoke(functionIndex: UInt32(function), arguments: [.i32(x), .i32(y), .i32(z)]).results
                        #expect(results == [.i32(expected)], "function \(function), \(x) * \(y) + \(z)")
                    }
                }
                #expect(try instance.invoke(functionIndex: 3, arguments: [.i32(x), .i32(y), .i32(0)]).results == [.i32(x &* y &+ 5)])
            }
        }
    }

    @Test func fusedMultiplyAddChargesBothInstructions() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.multiplyAdds))
        let charged = try instance.invoke(functionIndex: 0, arguments: [.i32(2), .i32(3), .i32(4)]).instructions
        #expect(charged == Fused.cost([0x20, 0x20, 0x6C, 0x20, 0x6A, 0x0B]))
        let accumulated = try instance.invoke(functionIndex: 2, arguments: [.i32(2), .i32(3), .i32(4)]).instructions
        #expect(accumulated == Fused.cost([0x20, 0x20, 0x20, 0x6C, 0x6A, 0x21, 0x20, 0x0B]))
    }
}
