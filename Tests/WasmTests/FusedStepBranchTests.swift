import Testing
@testable import Wasm

/// A loop counter's update (`i32.add` of a constant to a local, written back) fused into the
/// compare-and-branch right after it when that branch tests other values (the step branches,
/// `stepBranchIfI32...`): the fused instruction must update the counter first, then compare,
/// branch and charge exactly as the instructions it replaces.
@Suite("Wasm fused step branches")
struct FusedStepBranchTests {
    static let i32i32i32toI32: [UInt8] = [0x60, 0x03, 0x7F, 0x7F, 0x7F, 0x01, 0x7F]

    /// What the loop's branch compares: the iteration count with the limit (a local other than
    /// the counter), the counter itself with the limit (in a comparison the counter forms
    /// lack), or the count with the constant 7 (a slot of the constant pool).
    enum Operands { case countAndLimit, counterAndLimit, countAndSeven }

    /// The comparisons, as (WebAssembly opcode, what they compare, the fused form expected).
    static let conditions: [(opcode: UInt8, operands: Operands, form: OpCode)] = [
        (0x46, .countAndLimit, .stepBranchIfI32Eq), (0x47, .countAndLimit, .stepBranchIfI32Ne),
        (0x48, .countAndLimit, .stepBranchIfI32LtS), (0x49, .countAndLimit, .stepBranchIfI32LtU),
        (0x4A, .countAndLimit, .stepBranchIfI32GtS), (0x4B, .countAndLimit, .stepBranchIfI32GtU),
        (0x4C, .countAndLimit, .stepBranchIfI32LeS), (0x4D, .countAndLimit, .stepBranchIfI32LeU),
        (0x4E, .countAndLimit, .stepBranchIfI32GeS), (0x4F, .countAndLimit, .stepBranchIfI32GeU),
        (0x49, .counterAndLimit, .stepBranchIfI32LtU), (0x4F, .counterAndLimit, .stepBranchIfI32GeU),
        (0x49, .countAndSeven, .stepBranchIfI32LtU),
    ]

    /// `f(start, limit, s)`: i = start; n = 0; do { n += 1; i += step } while (condition);
    /// returns n * 65,536 + (i & 0xFFFF). The step is the constant `step` (the fused form), or
    /// the third argument when `step` is nil (an `i32.add` of two locals, never fused).
    static func module(step: Int32?) -> [UInt8] {
        let increment: [UInt8] = step.map { [0x41] + ModuleBuilder.s64(Int64($0)) } ?? [0x20, 0x02]
        let functions = conditions.map { condition -> (type: UInt8, locals: [UInt8], code: [UInt8]) in
            let operands: [UInt8] = switch condition.operands {
            case .countAndLimit: [0x20, 0x04, 0x20, 0x01]
            case .counterAndLimit: [0x20, 0x03, 0x20, 0x01]
            case .countAndSeven: [0x20, 0x04, 0x41, 0x07]
            }
            let code: [UInt8] = [0x20, 0x00, 0x21, 0x03, 0x03, 0x40,          // i = start; loop
                                 0x20, 0x04, 0x41, 0x01, 0x6A, 0x21, 0x04,    //   n += 1
                                 0x20, 0x03] + increment + [0x6A, 0x21, 0x03] //   i += step
                + operands + [condition.opcode, 0x0D, 0x00, 0x0B,             //   br_if (condition); end
                              0x20, 0x04, 0x41, 0x10, 0x74, 0x20, 0x03, 0x41, 0xFF, 0xFF, 0x03, 0x71, 0x72, 0x0B]
            return (0, [0x01, 0x02, 0x7F], code)
        }
        return InterpreterTests.module(types: [i32i32i32toI32], functions: functions, exports: [])
    }

    /// Whether the comparison `opcode` holds for `left` and `right`.
    static func holds(_ opcode: UInt8, _ left: Int32, _ right: Int32) -> Bool {
        let (unsignedLeft, unsignedRight) = (UInt32(bitPattern: left), UInt32(bitPattern: right))
        switch opcode {
        case 0x46: return left == right
        case 0x47: return left != right
        case 0x48: return left < right
        case 0x49: return unsignedLeft < unsignedRight
        case 0x4A: return left > right
        case 0x4B: return unsignedLeft > unsignedRight
        case 0x4C: return left <= right
        case 0x4D: return unsignedLeft <= unsignedRight
        case 0x4E: return left >= right
        default: return unsignedLeft >= unsignedRight
        }
    }

    /// What function `index` returns, or nil if its loop runs more than 1,000 times.
    static func expected(_ index: Int, start: Int32, limit: Int32, step: Int32) -> UInt32? {
        let condition = conditions[index]
        var counter = start, count: Int32 = 0
        repeat {
            count += 1
            counter &+= step
            guard count <= 1_000 else { return nil }
        } while holds(condition.opcode, condition.operands == .counterAndLimit ? counter : count, condition.operands == .countAndSeven ? 7 : limit)
        return UInt32(count) << 16 | (UInt32(bitPattern: counter) & 0xFFFF)
    }

    static let steps: [Int32] = [1, 3, -1, -32_768, 32_767]
    static let bounds: [(start: Int32, limit: Int32)] = [(0, 10), (10, 0), (5, 5), (-7, 7), (.max - 2, 1), (0, -1), (0, 1_000_000)]

    @Test func stepsFuseIntoTheBranchesAfterThem() throws {
        let instance = try WasmInstance(CompiledModule.load(Self.module(step: 1)))
        let unfused = try WasmInstance(CompiledModule.load(Self.module(step: nil)))
        let wide = try WasmInstance(CompiledModule.load(Self.module(step: 40_000)))
        for (index, condition) in Self.conditions.enumerated() {
            let opcodes = FusedInstructionTests.opcodes(instance, index)
            #expect(opcodes.contains(condition.form), "function \(index)")
            #expect(opcodes.filter { $0 == .i32AddImm }.count == 1, "function \(index): only n += 1 is left")
            #expect(!FusedInstructionTests.opcodes(unfused, index).contains { $0.isStepBranch }, "an i32.add of two locals is not fused")
            #expect(!FusedInstructionTests.opcodes(wide, index).contains { $0.isStepBranch }, "a step beyond 16 bits is not fused")
        }
    }

    @Test(arguments: steps)
    func stepBranchesCountCompareAndChargeAsTheUnfusedLoop(step: Int32) throws {
        var fused = try WasmInstance(CompiledModule.load(Self.module(step: step)))
        var unfused = try WasmInstance(CompiledModule.load(Self.module(step: nil)))
        var ran = 0
        for index in Self.conditions.indices {
            for (start, limit) in Self.bounds {
                guard let expected = Self.expected(index, start: start, limit: limit, step: step) else { continue }
                let arguments: [Value] = [.i32(UInt32(bitPattern: start)), .i32(UInt32(bitPattern: limit)), .i32(UInt32(bitPattern: step))]
                let run = try fused.invoke(functionIndex: UInt32(index), arguments: arguments)
                let reference = try unfused.invoke(functionIndex: UInt32(index), arguments: arguments)
                #expect(run.results == [.i32(expected)], "function \(index) from \(start) to \(limit) by \(step)")
                #expect(run.instructions == reference.instructions, "function \(index) from \(start) to \(limit) by \(step)")
                ran += 1
            }
        }
        #expect(ran >= 40)
    }

    /// A limit stops a run where per-instruction charging would, except inside the fused group,
    /// which exact metering charges as one: there it stops before the group (charging less than
    /// the unfused run, by less than the group's cost). Resumed, both charge the same total.
    @Test func aLimitStopsAFusedLoopAtMostOneGroupEarlier() throws {
        for index in [2, 10] {
            let compiled = try CompiledModule.load(Self.module(step: 1))
            let body = compiled.functions[index]
            let pc = try #require((0..<body.code.count).first { body.code.base[$0].code.isStepBranch })
            let group = UInt64(body.costs[pc])
            for limit: UInt64 in [1, 7, 20, 33, 50, 101, 400] {
                var fused = try WasmInstance(compiled)
                var unfused = try WasmInstance(CompiledModule.load(Self.module(step: nil)))
                let arguments: [Value] = [.i32(0), .i32(100), .i32(1)]
                var fusedRun = try Execution(&fused, function: UInt32(index), arguments: arguments)
                var unfusedRun = try Execution(&unfused, function: UInt32(index), arguments: arguments)
                _ = fusedRun.run(&fused, instructionLimit: limit, suspendsAtLimit: true)
                _ = unfusedRun.run(&unfused, instructionLimit: limit, suspendsAtLimit: true)
                #expect(fusedRun.instructionsCharged <= unfusedRun.instructionsCharged, "function \(index), limit \(limit)")
                #expect(unfusedRun.instructionsCharged - fusedRun.instructionsCharged < group, "function \(index), limit \(limit)")
                let finished = fusedRun.run(&fused, instructionLimit: .max)
                _ = unfusedRun.run(&unfused, instructionLimit: .max)
                guard case .finished(let results) = finished else {
                    Issue.record("function \(index), limit \(limit): \(finished)")
                    continue
                }
                #expect(results == [.i32(100 << 16 | 100)], "function \(index)")
                #expect(fusedRun.instructionsCharged == unfusedRun.instructionsCharged, "function \(index), limit \(limit)")
            }
        }
    }
}
