import Foundation
import Testing
@testable import Wasm

/// Block metering must be observably equal to charging each instruction before it runs: at
/// limits, at traps, when a host function reads the count, across suspensions, and for bulk
/// operations whose cost depends on their operands.
@Suite("Wasm metering")
struct MeteringTests {
    typealias B = ModuleBuilder

    static let i32toI32: [UInt8] = [0x60, 0x01, 0x7F, 0x01, 0x7F]
    static let voidToI64: [UInt8] = [0x60, 0x00, 0x01, 0x7E]

    /// The clang-built benchmark programs with small inputs.
    static let programs: [(file: String, export: String, argument: UInt32)] = [
        ("primes", "count_primes", 300), ("intmix", "run", 1), ("nbody", "advance", 8), ("sort", "sort", 60),
    ]

    static func load(_ file: String) throws -> WasmInstance {
        let bytes = Array(try Data(contentsOf: ClangModuleTests.directory.appendingPathComponent("\(file).wasm")))
        return try WasmInstance(CompiledModule.load(bytes))
    }

    /// Runs `export(argument)` suspending every `slice` instructions; returns the results, the
    /// total charged and the number of runs.
    static func sliced(_ instance: inout WasmInstance, _ function: UInt32, _ argument: UInt32, slice: UInt64) throws
        -> (results: [Value], charged: UInt64, runs: Int) {
        var execution = try Execution(&instance, function: function, arguments: [.i32(argument)])
        var runs = 1
        var outcome = execution.run(&instance, instructionLimit: slice)
        while case .suspended = outcome {
            runs += 1
            outcome = execution.run(&instance, instructionLimit: slice)
        }
        guard case .finished(let results) = outcome else { throw Trap(.host("slice \(slice): \(outcome)")) }
        return (results, execution.instructionsCharged, runs)
    }

    /// Real programs (calls, loops, loads, stores, floats) suspended every K instructions, for
    /// many K, compute the same results for the same total count as an unsuspended run.
    @Test(arguments: programs)
    func suspendedProgramsMatchUnsuspendedRuns(file: String, export: String, argument: UInt32) throws {
        var reference = try Self.load(file)
        let function = try #require(reference.exportedFunction(export))
        let (expected, total) = try reference.invoke(functionIndex: function, arguments: [.i32(argument)])
        for slice: UInt64 in [1, 2, 3, 5, 13, 101, 4_099, total / 2 + 1] {
            var instance = try Self.load(file)
            let run = try Self.sliced(&instance, function, argument, slice: slice)
            #expect(run.results == expected, "\(file) slice \(slice)")
            #expect(run.charged == total, "\(file) slice \(slice)")
            #expect(UInt64(run.runs) >= total / (slice + 300), "\(file) slice \(slice): \(run.runs) runs")
        }
    }

    /// Trapping at a limit never exceeds it, and stops within one fused group of it (a group
    /// costs at most a few hundred: a `memory.grow` and the operands read with it).
    @Test(arguments: programs)
    func limitsAreNeverExceeded(file: String, export: String, argument: UInt32) throws {
        var reference = try Self.load(file)
        let function = try #require(reference.exportedFunction(export))
        let total = try reference.invoke(functionIndex: function, arguments: [.i32(argument)]).instructions
        for step in 1..<7 {
            let limit = total * UInt64(step) / 7
            var instance = try Self.load(file)
            var execution = try Execution(&instance, function: function, arguments: [.i32(argument)])
            let outcome = execution.run(&instance, instructionLimit: limit, suspendsAtLimit: false)
            guard case .trapped(let trap) = outcome else {
                Issue.record("\(file) limit \(limit) of \(total): \(outcome)")
                continue
            }
            #expect(trap.reason == .instructionLimitExceeded)
            #expect(execution.instructionsCharged <= limit && execution.instructionsCharged + 400 > limit,
                    "\(file): \(execution.instructionsCharged) charged at limit \(limit)")
        }
    }

    /// f(x) = 7 / x + 5. Dividing by zero traps after i32.const (1), local.get (1) and
    /// i32.div_u (10): 12, whether the block was charged whole on entry (no limit) or
    /// instruction by instruction (a limit below the block's 14); the i32.const 5 and i32.add
    /// after the trap are not charged.
    @Test func aTrapChargesUpToTheTrappingInstruction() throws {
        let code: [UInt8] = [0x41, 0x07, 0x20, 0x00, 0x6E, 0x41, 0x05, 0x6A, 0x0B]
        let bytes = InterpreterTests.module(types: [Self.i32toI32], functions: [(0, [0x00], code)], exports: [("f", 0)])
        for limit: UInt64 in [.max, 13, 12] {
            var instance = try WasmInstance(CompiledModule.load(bytes))
            var execution = try Execution(&instance, function: 0, arguments: [.i32(0)])
            guard case .trapped(let trap) = execution.run(&instance, instructionLimit: limit, suspendsAtLimit: false) else {
                Issue.record("limit \(limit): expected a trap")
                continue
            }
            #expect(trap.reason == .integerDivideByZero)
            #expect(execution.instructionsCharged == 12, "limit \(limit)")
        }
        var instance = try WasmInstance(CompiledModule.load(bytes))
        #expect(try instance.invoke(functionIndex: 0, arguments: [.i32(2)]).instructions == 14)
    }

    /// A host function sees every instruction before its call charged, the call included
    /// (i32.const 1, drop, call: 1 + 1 + 5), and none after it.
    @Test func hostFunctionsSeeTheExactCount() throws {
        var module = ModuleBuilder()
        module.section(1, B.vector([Self.voidToI64]))
        module.section(2, B.vector([B.name("env") + B.name("count") + [0x00, 0x00]]))
        module.section(3, B.vector([[0x00]]))
        // i32.const 1; drop; call 0 (host); i32.const 2; drop; end
        module.section(10, B.vector([[0x0A, 0x00, 0x41, 0x01, 0x1A, 0x10, 0x00, 0x41, 0x02, 0x1A, 0x0B]]))
        var imports = Imports()
        imports.define("env", "count", function: HostFunction(type: FunctionType(parameters: [], results: [.i64])) { _, context throws(Trap) in
            [.i64(context.instructionsCharged)]
        })
        var instance = try WasmInstance(CompiledModule.load(module.bytes), imports: imports)
        let (results, instructions) = try instance.invoke(functionIndex: 1, arguments: [])
        #expect(results == [.i64(7)])
        #expect(instructions == 9)
    }

    /// fill(n): memory.fill of n bytes, 100 times. Each fill costs 100 plus n (one per byte);
    /// suspended every K instructions, even K smaller than one fill, the total is the same
    /// and every run makes progress.
    @Test func bulkOperationsAreChargedPerByteAcrossSuspensions() throws {
        let code: [UInt8] = [
            0x01, 0x01, 0x7F,                         // one i32 local: the counter
            0x03, 0x40,                               // loop
            0x41, 0x00, 0x41, 0x2A, 0x20, 0x00,       //   i32.const 0; i32.const 42; local.get 0 (n)
            0xFC, 0x0B, 0x00,                         //   memory.fill
            0x20, 0x01, 0x41, 0x01, 0x6A, 0x22, 0x01, //   counter += 1 (tee)
            0x41, 0xE4, 0x00, 0x49, 0x0D, 0x00,       //   i32.const 100; i32.lt_u; br_if 0
            0x0B, 0x20, 0x01, 0x0B,                   // end; local.get 1; end
        ]
        let bytes = InterpreterTests.module(types: [Self.i32toI32], functions: [(0, Array(code.prefix(3)), Array(code.dropFirst(3)))],
                                            exports: [("fill", 0)], memory: true)
        var reference = try WasmInstance(CompiledModule.load(bytes))
        let (expected, total) = try reference.invoke(functionIndex: 0, arguments: [.i32(1_000)])
        #expect(expected == [.i32(100)])
        // Per iteration: 3 operands (3) + memory.fill (100 + 1,000) + 4 + i32.const, lt_u (2) + br_if (2).
        #expect(total == 100 * (3 + 1_100 + 4 + 2 + 2) + 1)
        for slice: UInt64 in [1, 7, 500, 1_109, 5_000] {
            var instance = try WasmInstance(CompiledModule.load(bytes))
            let run = try MeteringTests.sliced(&instance, 0, 1_000, slice: slice)
            #expect(run.results == expected && run.charged == total, "slice \(slice)")
            #expect(try instance.memory?.load(UInt8.self, at: 999) == 42)
        }
    }

    /// fill(n) writes n bytes 100 times: within a limit of 4 chunks (16 KiB) of memory held,
    /// 8,000 bytes run; 40,000 would need 10 chunks and trap "host memory limit exceeded" at
    /// the end of the run that wrote them, sliced or not.
    @Test func writingMoreThanTheMemoryLimitTrapsAtTheEndOfTheRun() throws {
        let code: [UInt8] = [
            0x01, 0x01, 0x7F,
            0x03, 0x40, 0x41, 0x00, 0x41, 0x2A, 0x20, 0x00, 0xFC, 0x0B, 0x00,
            0x20, 0x01, 0x41, 0x01, 0x6A, 0x22, 0x01, 0x41, 0xE4, 0x00, 0x49, 0x0D, 0x00,
            0x0B, 0x20, 0x01, 0x0B,
        ]
        let bytes = InterpreterTests.module(types: [Self.i32toI32], functions: [(0, Array(code.prefix(3)), Array(code.dropFirst(3)))],
                                            exports: [("fill", 0)], memory: true)
        var limits = ExecutionLimits()
        limits.memoryBytesHeld = 4 * LinearMemory.chunkBytes
        var fits = try WasmInstance(CompiledModule.load(bytes))
        #expect(try fits.invoke(functionIndex: 0, arguments: [.i32(8_000)], limits: limits).results == [.i32(100)])
        for slice: UInt64 in [1_000, .max] {
            var instance = try WasmInstance(CompiledModule.load(bytes))
            var execution = try Execution(&instance, function: 0, arguments: [.i32(40_000)], limits: limits)
            var outcome = execution.run(&instance, instructionLimit: slice)
            var runs = 1
            while case .suspended = outcome {
                outcome = execution.run(&instance, instructionLimit: slice)
                runs += 1
            }
            guard case .trapped(let trap) = outcome else { Issue.record("slice \(slice): \(outcome)"); continue }
            // Sliced, the first run stops before the first fill (it costs more than a slice);
            // the second runs that fill alone and traps at its end.
            #expect(trap.reason == .hostMemoryLimitExceeded && runs == (slice == .max ? 1 : 2), "slice \(slice): \(trap), \(runs) runs")
            #expect((instance.memory?.allocatedChunkCount ?? 0) <= 4)
        }
    }
}
