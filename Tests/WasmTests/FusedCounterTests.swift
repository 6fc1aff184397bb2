import Testing
@testable import Wasm

/// A loop counter's update (`i32.add` of a constant to a local, `local.tee`) fused into the
/// conditional branch that tests it: the fused instruction must count, wrap, branch and
/// charge exactly as the instructions it replaces.
@Suite("Wasm fused counter branches")
struct FusedCounterTests {
    static let i32i32i32toI32: [UInt8] = [0x60, 0x03, 0x7F, 0x7F, 0x7F, 0x01, 0x7F]

    /// The loop conditions, tested after `i += step` left i on the stack: the counter != limit,
    /// < limit, limit < the counter (the counter as the comparison's second operand), the
    /// counter > limit (all signed), and the counter != 0 (`br_if` on it).
    enum Condition: CaseIterable {
        case notEqual, lessThan, limitLessThan, greaterThan, nonZero

        var code: [UInt8] {
            switch self {
            case .notEqual: [0x20, 0x01, 0x47, 0x0D, 0x00]
            case .lessThan: [0x20, 0x01, 0x48, 0x0D, 0x00]
            case .limitLessThan: [0x1A, 0x20, 0x01, 0x20, 0x03, 0x48, 0x0D, 0x00]
            case .greaterThan: [0x20, 0x01, 0x4A, 0x0D, 0x00]
            case .nonZero: [0x0D, 0x00]
            }
        }

        func holds(_ counter: Int32, _ limit: Int32) -> Bool {
            switch self {
            case .notEqual: counter != limit
            case .lessThan: counter < limit
            case .limitLessThan: limit < counter
            case .greaterThan: counter > limit
            case .nonZero: counter != 0
            }
        }
    }

    /// `f(start, limit, s)`: i = start; do { n += 1; i += step } while (condition); returns
    /// n * 65,536 + (i & 0xFFFF). The step is the constant `step` (the fused form), or the
    /// third argument when `step` is nil (an `i32.add` of two locals, never fused).
    static func module(step: Int32?) -> [UInt8] {
        let increment: [UInt8] = step.map { [0x41] + ModuleBuilder.s64(Int64($0)) } ?? [0x20, 0x02]
        let functions = Condition.allCases.map { condition -> (type: UInt8, locals: [UInt8], code: [UInt8]) in
            let code: [UInt8] = [0x20, 0x00, 0x21, 0x03, 0x03, 0x40,          // i = start; loop
                                 0x20, 0x04, 0x41, 0x01, 0x6A, 0x21, 0x04,    //   n += 1
                                 0x20, 0x03] + increment + [0x6A, 0x22, 0x03] //   i += step (tee)
                + condition.code + [0x0B,                                     // br_if 0; end
                                    0x20, 0x04, 0x41, 0x10, 0x74, 0x20, 0x03, 0x41, 0xFF, 0xFF, 0x03, 0x71, 0x72, 0x0B]
            return (0, [0x01, 0x02, 0x7F], code)
        }
        return InterpreterTests.module(types: [i32i32i32toI32], functions: functions, exports: [])
    }

    /// What `f` returns, or nil if the loop runs more than 1,000 times.
    static func expected(_ condition: Condition, start: Int32, limit: Int32, step: Int32) -> UInt32? {
        var counter = start, count: UInt32 = 0
        repeat {
            count += 1
            counter &+= step
            guard count <= 1_000 else { return nil }
        } while condition.holds(counter, limit)
        return count << 16 | (UInt32(bitPattern: counter) & 0xFFFF)
    }

    static let steps: [Int32] = [1, 3, -1, -2, -3, 32_767, -32_768, 40_000]
    static let bounds: [(start: Int32, limit: Int32)] = [
        (0, 10), (10, 0), (5, 5), (-7, 7), (.max - 2, .min + 1), (.min + 2, .max - 1), (1_000_000, 0), (0, 1_000_000),
    ]

    @Test func countersFuseIntoTheirBranches() throws {
        let instance = try WasmInstance(CompiledModule.load(Self.module(step: 1)))
        let forms: [OpCode] = [.counterBranchIfNe, .counterBranchIfLtS, .counterBranchIfGtS, .counterBranchIfGtS, .counterBranchIfNonZero]
        for (index, form) in forms.enumerated() {
            #expect(FusedInstructionTests.opcodes(instance, index).contains(form), "function \(index)")
        }
        let wide = try WasmInstance(CompiledModule.load(Self.module(step: 40_000)))
        for index in 0..<5 { #expect(FusedInstructionTests.opcodes(wide, index).contains(.i32AddImm), "a step beyond 16 bits is not fused") }
        let unfused = try WasmInstance(CompiledModule.load(Self.module(step: nil)))
        for index in 0..<5 { #expect(!FusedInstructionTests.opcodes(unfused, index).contains(forms[index])) }
    }

    @Test(arguments: steps)
    func fusedCountersCountWrapAndChargeAsTheUnfusedLoop(step: Int32) throws {
        var fused = try WasmInstance(CompiledModule.load(Self.module(step: step)))
        var unfused = try WasmInstance(CompiledModule.load(Self.module(step: nil)))
        var ran = 0
        for (index, condition) in Condition.allCases.enumerated() {
            for (start, limit) in Self.bounds {
                guard let expected = Self.expected(condition, start: start, limit: limit, step: step) else { continue }
                let arguments: [Value] = [.i32(UInt32(bitPattern: start)), .i32(UInt32(bitPattern: limit)), .i32(UInt32(bitPattern: step))]
                let run = try fused.invoke(functionIndex: UInt32(index), arguments: arguments)
                let reference = try unfused.invoke(functionIndex: UInt32(index), arguments: arguments)
                #expect(run.results == [.i32(expected)], "\(condition) from \(start) to \(limit) by \(step)")
                #expect(run.instructions == reference.instructions, "\(condition) from \(start) to \(limit) by \(step)")
                ran += 1
            }
        }
        #expect(ran >= 10)
    }

    @Test func aLimitStopsAFusedLoopWhereItStopsTheUnfusedOne() throws {
        for limit: UInt64 in [1, 7, 20, 33, 50, 101] {
            var fused = try WasmInstance(CompiledModule.load(Self.module(step: 1)))
            var unfused = try WasmInstance(CompiledModule.load(Self.module(step: nil)))
            let arguments: [Value] = [.i32(0), .i32(100), .i32(1)]
            var fusedRun = try Execution(&fused, function: 0, arguments: arguments)
            var unfusedRun = try Execution(&unfused, function: 0, arguments: arguments)
            _ = fusedRun.run(&fused, instructionLimit: limit)
            _ = unfusedRun.run(&unfused, instructionLimit: limit)
            #expect(fusedRun.instructionsCharged == unfusedRun.instructionsCharged, "limit \(limit)")
            let finished = fusedRun.run(&fused, instructionLimit: .max)
            guard case .finished(let results) = finished else {
                Issue.record("limit \(limit): \(finished)")
                continue
            }
            #expect(results == [.i32(100 << 16 | 100)])
        }
    }
}
