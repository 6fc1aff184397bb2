import Testing
@testable import Wasm

/// `i32.mul` feeding `i32.add` (a multiply-accumulate, as in a matrix product's inner loop), and
/// `i32.rem_u` feeding `i32.eqz` and `br_if` (a divisibility test): each one instruction that
/// must compute, wrap, trap and charge exactly as the instructions it replaces.
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

    /// Functions of (x, y): 9 if y divides x (unsigned), else 7; 0 tests `x % y == 0` directly
    /// (the fused form), 1 through `local.tee` of the remainder (which keeps it unfused).
    static let divisibility = InterpreterTests.module(types: [[0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F]], functions: [
        (0, [0x01, 0x01, 0x7F], [0x02, 0x40, 0x20, 0x00, 0x20, 0x01, 0x70, 0x45, 0x0D, 0x00, 0x41, 0x07, 0x0F, 0x0B, 0x41, 0x09, 0x0B]),
        (0, [0x01, 0x01, 0x7F], [0x02, 0x40, 0x20, 0x00, 0x20, 0x01, 0x70, 0x22, 0x02, 0x45, 0x0D, 0x00, 0x41, 0x07, 0x0F, 0x0B,
                                 0x41, 0x09, 0x0B]),
    ], exports: [("divides", 0), ("dividesTee", 1)])

    @Test func aDivisibilityTestIsOneBranchThatTrapsAndChargesAsUnfused() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.divisibility))
        #expect(Fused.opcodes(instance, 0).contains(.branchIfI32RemUEqz))
        #expect(!Fused.opcodes(instance, 0).contains(.i32RemU))
        #expect(Fused.opcodes(instance, 1).contains(.i32RemU))
        let tee = InstructionCostTable.internetComputer.cost(opcode: 0x22)
        // 0x8000_0001 = 3 * 715_827_883 unsigned (signed, its remainder by 3 is -1).
        for (x, y) in [(UInt32(10), UInt32(5)), (10, 3), (0x8000_0001, 3), (0, 7), (0xFFFF_FFFF, 0xFFFF_FFFF), (5, 0xFFFF_FFFF)] {
            let fused = try instance.invoke(functionIndex: 0, arguments: [.i32(x), .i32(y)])
            let unfused = try instance.invoke(functionIndex: 1, arguments: [.i32(x), .i32(y)])
            #expect(fused.results == [.i32(x % y == 0 ? 9 : 7)], "\(x) % \(y)")
            #expect(fused.results == unfused.results && fused.instructions + tee == unfused.instructions, "\(x) % \(y)")
        }
        for function in 0..<2 {
            var execution = try Execution(&instance, function: UInt32(function), arguments: [.i32(5), .i32(0)])
            guard case .trapped(let trap) = execution.run(&instance, instructionLimit: .max, suspendsAtLimit: false) else {
                Issue.record("function \(function): expected a trap")
                continue
            }
            #expect(trap.reason == .integerDivideByZero)
            #expect(execution.instructionsCharged == Fused.cost([0x02, 0x20, 0x20, 0x70]), "function \(function)")
        }
    }
}
