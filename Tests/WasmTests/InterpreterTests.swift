import Testing
import SimCore
@testable import Wasm

@Suite("Wasm interpreter")
struct InterpreterTests {
    typealias B = ModuleBuilder

    /// A module with the given types, functions (type index, locals, code) and exports; one
    /// memory page when `memory` is set.
    static func module(types: [[UInt8]], functions: [(type: UInt8, locals: [UInt8], code: [UInt8])],
                       exports: [(String, UInt8)], memory: Bool = false) -> [UInt8] {
        var module = ModuleBuilder()
        module.section(1, B.vector(types))
        module.section(3, B.vector(functions.map { [$0.type] }))
        if memory { module.section(5, B.vector([[0x00, 0x01]])) }
        module.section(7, B.vector(exports.map { B.name($0.0) + [0x00, $0.1] }))
        module.section(10, B.vector(functions.map { function in
            let body = function.locals + function.code
            return B.u32(UInt32(body.count)) + body
        }))
        return module.bytes
    }

    func instance(_ bytes: [UInt8]) throws -> WasmInstance {
        try WasmInstance(CompiledModule.load(bytes))
    }

    static let i32i32toI32: [UInt8] = [0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F]
    static let i64toI64: [UInt8] = [0x60, 0x01, 0x7E, 0x01, 0x7E]
    static let i32toI32: [UInt8] = [0x60, 0x01, 0x7F, 0x01, 0x7F]

    /// factorial(n: i64) = n == 0 ? 1 : n * factorial(n - 1), recursive.
    static let factorial = module(types: [i64toI64], functions: [(0, [0x00], [
        0x20, 0x00, 0x50,             // local.get 0; i64.eqz
        0x04, 0x7E,                   // if (result i64)
        0x42, 0x01,                   //   i64.const 1
        0x05,                         // else
        0x20, 0x00,                   //   local.get 0
        0x20, 0x00, 0x42, 0x01, 0x7D, //   local.get 0; i64.const 1; i64.sub
        0x10, 0x00,                   //   call 0
        0x7E,                         //   i64.mul
        0x0B, 0x0B,                   // end; end
    ])], exports: [("fac", 0)])

    /// sum(n: i32) = 0 + 1 + ... + n, with a loop and br_if.
    static let sum = module(types: [i32toI32], functions: [(0, [0x01, 0x01, 0x7F], [
        0x03, 0x40,                               // loop
        0x20, 0x01, 0x20, 0x00, 0x6A, 0x21, 0x01, //   acc += n
        0x20, 0x00, 0x41, 0x01, 0x6B, 0x22, 0x00, //   n -= 1 (tee)
        0x0D, 0x00,                               //   br_if 0
        0x0B,                                     // end
        0x20, 0x01, 0x0B,                         // local.get 1; end
    ])], exports: [("sum", 0)])

    @Test func addsAndChargesByTheTable() throws {
        var add = try instance(Self.module(types: [Self.i32i32toI32], functions: [(0, [0x00], [0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B])],
                                           exports: [("add", 0)]))
        let index = try #require(add.exportedFunction("add"))
        let (results, instructions) = try add.invoke(functionIndex: index, arguments: [.i32(2), .i32(3)])
        #expect(results == [.i32(5)])
        #expect(instructions == 3)  // local.get 1 + local.get 1 + i32.add 1 + end 0
    }

    @Test func recursionAndIfElse() throws {
        var fac = try instance(Self.factorial)
        let (results, instructions) = try fac.invoke(functionIndex: 0, arguments: [.i64(20)])
        #expect(results == [.i64(2_432_902_008_176_640_000)])
        // Per call with n > 0: local.get 1, i64.eqz 1, if 2, local.get 1, local.get 1, i64.const 1,
        // i64.sub 1, call 5, i64.mul 1 = 14 (else and end cost 0); the last call (n = 0):
        // local.get 1, i64.eqz 1, if 2, i64.const 1 = 5.
        #expect(instructions == 20 * 14 + 5)
    }

    @Test func loopsWithBranches() throws {
        var sum = try instance(Self.sum)
        let (results, instructions) = try sum.invoke(functionIndex: 0, arguments: [.i32(100)])
        #expect(results == [.i32(5_050)])
        // Per iteration: acc += n (local.get, local.get, i32.add, local.set: 4), n -= 1 (local.get,
        // i32.const, i32.sub, local.tee: 4), br_if 2 = 10 (loop and end cost 0); then local.get 1.
        #expect(instructions == 100 * 10 + 1)
    }

    @Test func suspendedExecutionResumesWithTheSameResultAndCount() throws {
        var reference = try instance(Self.sum)
        let (expected, total) = try reference.invoke(functionIndex: 0, arguments: [.i32(1_000)])
        for slice: UInt64 in [1, 2, 3, 7, 13, 100, 999] {
            var sliced = try instance(Self.sum)
            var execution = try Execution(&sliced, function: 0, arguments: [.i32(1_000)])
            var runs = 0
            var outcome = execution.run(&sliced, instructionLimit: slice)
            while case .suspended = outcome {
                runs += 1
                outcome = execution.run(&sliced, instructionLimit: slice)
            }
            guard case .finished(let results) = outcome else {
                Issue.record("slice \(slice): \(outcome)")
                continue
            }
            #expect(results == expected)
            #expect(execution.instructionsCharged == total, "slice \(slice)")
            // Each run charges at most its slice plus one overshooting instruction: here a fused
            // group costs at most 4 (local.get, local.get, i32.add, local.set).
            #expect(UInt64(runs + 1) >= total / (slice + 4), "slice \(slice) suspended \(runs) times")
        }
    }

    @Test func instructionLimitTrapsWhenNotSuspending() throws {
        var sum = try instance(Self.sum)
        do {
            try sum.invoke(functionIndex: 0, arguments: [.i32(1_000)], instructionLimit: 500)
            Issue.record("expected a trap")
        } catch {
            #expect(error.reason == .instructionLimitExceeded)
        }
        // A limit of exactly the cost succeeds; one less traps.
        #expect(try sum.invoke(functionIndex: 0, arguments: [.i32(10)], instructionLimit: 101).results == [.i32(55)])
        #expect(throws: Trap.self) { try sum.invoke(functionIndex: 0, arguments: [.i32(10)], instructionLimit: 100) }
    }

    @Test func trapsCarryReasonAndBacktrace() throws {
        let divide = Self.module(types: [Self.i32i32toI32], functions: [
            (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0x6D, 0x0B]),                  // f0 = a / b
            (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0x10, 0x00, 0x0B]),            // f1 calls f0
        ], exports: [("outer", 1)])
        var module = try instance(divide)
        #expect(try module.invoke(functionIndex: 1, arguments: [.i32(7), .i32(2)]).results == [.i32(3)])
        do {
            try module.invoke(functionIndex: 1, arguments: [.i32(7), .i32(0)])
            Issue.record("expected a trap")
        } catch {
            #expect(error.reason == .integerDivideByZero)
            #expect(error.backtrace.map(\.index) == [0, 1])
        }
        do {
            try module.invoke(functionIndex: 0, arguments: [.i32(UInt32(bitPattern: Int32.min)), .i32(UInt32(bitPattern: -1))])
            Issue.record("expected a trap")
        } catch {
            #expect(error.reason == .integerOverflow && error.backtrace.map(\.index) == [0])
        }
    }

    @Test func unboundedRecursionExhaustsTheStackNotTheHost() throws {
        let forever = Self.module(types: [[0x60, 0x00, 0x00]], functions: [(0, [0x00], [0x10, 0x00, 0x0B])], exports: [("f", 0)])
        var module = try instance(forever)
        #expect(throws: Trap.self) { try module.invoke(functionIndex: 0, arguments: []) }
        do { try module.invoke(functionIndex: 0, arguments: []) } catch { #expect(error.reason == .callStackExhausted) }
    }

    @Test func memoryLoadsStoresAndBounds() throws {
        // store(address, value) then load it back as i32.load8_s / i32.load
        let bytes = Self.module(types: [Self.i32i32toI32], functions: [(0, [0x00], [
            0x20, 0x00, 0x20, 0x01, 0x36, 0x02, 0x00,  // i32.store
            0x20, 0x00, 0x2C, 0x00, 0x00,              // i32.load8_s
            0x20, 0x00, 0x28, 0x02, 0x00, 0x6A,        // i32.load; add
            0x0B,
        ])], exports: [("m", 0)], memory: true)
        var module = try instance(bytes)
        // 0x000000FF stored: load8_s gives -1, load gives 255: sum 254.
        #expect(try module.invoke(functionIndex: 0, arguments: [.i32(16), .i32(255)]).results == [.i32(254)])
        #expect(try module.memory?.load(UInt32.self, at: 16) == 255)
        do {
            try module.invoke(functionIndex: 0, arguments: [.i32(65_534), .i32(1)])
            Issue.record("expected a trap")
        } catch {
            #expect(error.reason == .outOfBoundsMemoryAccess)
        }
    }

    @Test func floatsCanonicalizeNaNAndFollowWasmMinMax() throws {
        let f64Binary: [UInt8] = [0x60, 0x02, 0x7C, 0x7C, 0x01, 0x7C]
        let bytes = Self.module(types: [f64Binary], functions: [
            (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0xA0, 0x0B]),  // add
            (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0xA4, 0x0B]),  // min
        ], exports: [("add", 0), ("min", 1)])
        var module = try instance(bytes)
        let payloadNaN = Value.f64(0x7FF8_0000_0000_1234)
        #expect(try module.invoke(functionIndex: 0, arguments: [payloadNaN, .f64(1.0.bitPattern)]).results == [.f64(0x7FF8_0000_0000_0000)])
        #expect(try module.invoke(functionIndex: 1, arguments: [.f64(0.0.bitPattern), .f64((-0.0).bitPattern)]).results
                == [.f64((-0.0).bitPattern)])
        #expect(try module.invoke(functionIndex: 0, arguments: [.f64(0.1.bitPattern), .f64(0.2.bitPattern)]).results
                == [.f64((0.1 + 0.2).bitPattern)])
    }

    @Test func hostFunctionsAreCalledAndMayCharge() throws {
        var module = ModuleBuilder()
        module.section(1, B.vector([Self.i32toI32]))
        module.section(2, B.vector([B.name("env") + B.name("double") + [0x00, 0x00]]))
        module.section(3, B.vector([[0x00]]))
        module.section(10, B.vector([[0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0B]]))  // local.get 0; call 0 (host)
        var imports = Imports()
        imports.define("env", "double", function: HostFunction(type: FunctionType(parameters: [.i32], results: [.i32])) { arguments, context throws(Trap) in
            context.charge = 100
            guard case .i32(let value) = arguments[0] else { throw Trap(.host("expected an i32")) }
            return [.i32(value &* 2)]
        })
        var instance = try WasmInstance(CompiledModule.load(module.bytes), imports: imports)
        let (results, instructions) = try instance.invoke(functionIndex: 1, arguments: [.i32(21)])
        #expect(results == [.i32(42)])
        #expect(instructions == 1 + 5 + 100)
        #expect(throws: InstantiationError.unlinkable("unknown import env.double")) {
            _ = try WasmInstance(CompiledModule.load(module.bytes))
        }
    }

    @Test func hugeTablesAndLyingHostsAreRefusedNotFatal() throws {
        var huge = ModuleBuilder()
        huge.section(4, B.vector([[0x70, 0x00] + B.u32(4_000_000_000)]))
        #expect(throws: InstantiationError.self) { _ = try WasmInstance(CompiledModule.load(huge.bytes)) }

        var module = ModuleBuilder()
        module.section(1, B.vector([Self.i32toI32]))
        module.section(2, B.vector([B.name("env") + B.name("liar") + [0x00, 0x00]]))
        module.section(3, B.vector([[0x00]]))
        module.section(10, B.vector([[0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0B]]))
        var imports = Imports()
        imports.define("env", "liar", function: HostFunction(type: FunctionType(parameters: [.i32], results: [.i32])) { _, _ throws(Trap) in [] })
        var instance = try WasmInstance(CompiledModule.load(module.bytes), imports: imports)
        do {
            try instance.invoke(functionIndex: 1, arguments: [.i32(1)])
            Issue.record("expected a trap")
        } catch {
            #expect(error.reason.description.contains("returned []"))
        }
    }

    /// Mutated modules that still load are instantiated and every export is called with zero
    /// arguments under a small instruction limit: whatever the code does, the host must not
    /// crash or hang; each call returns, traps or hits its limit.
    @Test func mutatedProgramsNeverCrashTheInterpreter() throws {
        var stream = RandomSeed(31).stream("interpreter-fuzz")
        let seeds = [Self.factorial, Self.sum]
        var outcomes = (loaded: 0, finished: 0, trapped: 0)
        for round in 0..<3_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0...stream.uniform(below: 3) {
                bytes[Int(stream.uniform(below: UInt64(bytes.count)))] = UInt8(truncatingIfNeeded: stream.next())
            }
            guard let compiled = try? CompiledModule.load(bytes),
                  var instance = try? WasmInstance(compiled, startInstructionLimit: 10_000) else { continue }
            outcomes.loaded += 1
            for export in compiled.module.exports {
                guard case .function(let index) = export.descriptor, let type = instance.functionType(index) else { continue }
                let arguments = type.parameters.map { Value(slot: 3, type: $0) }
                do {
                    try instance.invoke(functionIndex: index, arguments: arguments, instructionLimit: 100_000)
                    outcomes.finished += 1
                } catch {
                    outcomes.trapped += 1
                }
            }
        }
        #expect(outcomes.loaded > 50, "\(outcomes)")
        #expect(outcomes.finished + outcomes.trapped > 50, "\(outcomes)")
    }
}
