import Testing
@testable import Wasm

/// Blocks entered by falling through from straight-line code are merged into the block before
/// them (FunctionCompiler+BlockMerging.swift): their `charge` goes, the block before pays for
/// both, and branches to them pay for them and land on their first instruction. Metering must
/// not notice: every run charges, stops and resumes as per-instruction charging would.
@Suite("Wasm merged blocks")
struct MergedBlockTests {
    static let i32toI32: [UInt8] = [0x60, 0x01, 0x7F, 0x01, 0x7F]

    /// f(n): s = 0; for i in 0..<n { if i & 1 { s += i }; s ^= 1 } (the `if`'s end is a join
    /// point the `if` body falls into); g(n): n *= 3 first, so the loop's start is entered by
    /// falling through from straight-line code too.
    static let module = InterpreterTests.module(types: [i32toI32], functions: [
        (0, [0x01, 0x02, 0x7F], body(setUp: [])),
        (0, [0x01, 0x02, 0x7F], body(setUp: [0x20, 0x00, 0x41, 0x03, 0x6C, 0x21, 0x00])),
    ], exports: [])

    static func body(setUp: [UInt8]) -> [UInt8] {
        setUp + [0x03, 0x40,                                     // loop
                 0x20, 0x01, 0x41, 0x01, 0x71, 0x04, 0x40,       //   if i & 1
                 0x20, 0x02, 0x20, 0x01, 0x6A, 0x21, 0x02, 0x0B, //     s += i; end
                 0x20, 0x02, 0x41, 0x01, 0x73, 0x21, 0x02,       //   s ^= 1
                 0x20, 0x01, 0x41, 0x01, 0x6A, 0x22, 0x01,       //   i += 1
                 0x20, 0x00, 0x48, 0x0D, 0x00, 0x0B,             //   br_if (i < n); end
                 0x20, 0x02, 0x0B]
    }

    static func expected(_ n: Int32, setUp: Bool) -> UInt32 {
        let count = setUp ? n &* 3 : n
        var sum: Int32 = 0, index: Int32 = 0
        repeat {
            if index & 1 != 0 { sum &+= index }
            sum ^= 1
            index &+= 1
        } while index < count
        return UInt32(bitPattern: sum)
    }

    @Test func noChargeFollowsStraightLineCode() throws {
        let compiled = try CompiledModule.load(Self.module)
        for function in compiled.functions {
            let code = function.code.base
            var charges = 0
            for pc in 1..<function.code.count where code[pc].code == .charge {
                charges += 1
                #expect(!FunctionCompiler.fallsIntoNextBlock(code[pc - 1].code), "pc \(pc) after \(code[pc - 1].code)")
            }
            #expect(charges >= 1)
        }
    }

    @Test(arguments: [0, 1, 2, 7, 100])
    func mergedBlocksRunAndChargeAsPerInstruction(n: Int32) throws {
        var instance = try WasmInstance(CompiledModule.load(Self.module))
        for function: UInt32 in [0, 1] {
            let whole = try instance.invoke(functionIndex: function, arguments: [.i32(UInt32(bitPattern: n))])
            #expect(whole.results == [.i32(Self.expected(n, setUp: function == 1))], "f\(function)(\(n))")
            // Suspended after every instruction (exact metering throughout): the cumulative charges.
            var stepped = try Execution(&instance, function: function, arguments: [.i32(UInt32(bitPattern: n))])
            var stops: [UInt64] = []
            while case .suspended = stepped.run(&instance, instructionLimit: 1) { stops.append(stepped.instructionsCharged) }
            #expect(stepped.instructionsCharged == whole.instructions, "f\(function)(\(n))")
            // A run that traps at its limit has charged the most per-instruction charging can
            // charge within it.
            for limit in stride(from: UInt64(1), to: whole.instructions, by: max(1, Int(whole.instructions / 300))) {
                var execution = try Execution(&instance, function: function, arguments: [.i32(UInt32(bitPattern: n))])
                guard case .trapped = execution.run(&instance, instructionLimit: limit, suspendsAtLimit: false) else {
                    Issue.record("f\(function)(\(n)), limit \(limit): expected a trap")
                    continue
                }
                #expect(execution.instructionsCharged == stops.last { $0 <= limit } ?? 0, "f\(function)(\(n)), limit \(limit)")
            }
        }
    }
}
