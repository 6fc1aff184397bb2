import ICSimTestSupport
import Testing
@testable import Wasm

/// The call stack as the IC bounds it (a byte budget, 5 MiB by default, each frame costing its
/// slots and a fixed overhead) and readable backtraces (runs collapsed, at most 20 lines,
/// names from the `name` section).
@Suite("Wasm call stack and backtraces")
struct CallStackTests {
    typealias B = ModuleBuilder

    static let voidToVoid: [UInt8] = [0x60, 0x00, 0x00]
    static let i32ToI32: [UInt8] = [0x60, 0x01, 0x7F, 0x01, 0x7F]
    /// sum(n) = n == 0 ? 0 : n + sum(n - 1), recursive, one i32 parameter.
    static let sumBody: [UInt8] = [
        0x20, 0x00, 0x45, 0x04, 0x7F, 0x41, 0x00, 0x05,
        0x20, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6B, 0x10, 0x00, 0x6A, 0x0B, 0x0B,
    ]

    /// A module with `types`, `functions` (type index, local declarations, code) and, if
    /// given, a custom section named "name" with `nameSection` as contents.
    static func module(types: [[UInt8]], functions: [(type: UInt8, locals: [UInt8], code: [UInt8])], nameSection: [UInt8]? = nil) -> [UInt8] {
        var module = ModuleBuilder()
        module.section(1, B.vector(types))
        module.section(3, B.vector(functions.map { [$0.type] }))
        module.section(10, B.vector(functions.map { B.u32(UInt32($0.locals.count + $0.code.count)) + $0.locals + $0.code }))
        if let nameSection { module.section(0, B.name("name") + nameSection) }
        return module.bytes
    }

    func trapOf(_ bytes: [UInt8], _ function: UInt32 = 0, _ arguments: [Value] = []) throws -> Trap? {
        var instance = try WasmInstance(CompiledModule.load(bytes))
        do {
            _ = try instance.invoke(functionIndex: function, arguments: arguments)
            return nil
        } catch {
            return error
        }
    }

    @Test func aTenThousandDeepRecursionReturns() throws {
        var sum = try WasmInstance(CompiledModule.load(Self.module(types: [Self.i32ToI32], functions: [(0, [0x00], Self.sumBody)])))
        #expect(try sum.invoke(functionIndex: 0, arguments: [.i32(10_000)]).results == [.i32(50_005_000)])
        // The old bound (10,000 frames) is gone; the 5 MiB budget allows several times more.
        #expect(try sum.invoke(functionIndex: 0, arguments: [.i32(40_000)]).results == [.i32(800_020_000)])
        // A smaller budget stops the same recursion.
        var limits = ExecutionLimits()
        limits.callStackBytes = 64 * 1_024
        #expect(throws: Trap.self) { try sum.invoke(functionIndex: 0, arguments: [.i32(10_000)], limits: limits) }
        let unbounded = try #require(try trapOf(Self.module(types: [Self.i32ToI32], functions: [(0, [0x00], Self.sumBody)]), 0, [.i32(1_000_000)]))
        #expect(unbounded.reason == .callStackExhausted && unbounded.backtrace.count > 40_000)
        print("sum(1,000,000): call stack exhausted at depth \(unbounded.backtrace.count)")
    }

    @Test func runawayRecursionExhaustsTheBudgetNotTheHost() throws {
        let forever = Self.module(types: [Self.voidToVoid], functions: [(0, [0x00], [0x10, 0x00, 0x0B])])
        let trap = try #require(try trapOf(forever))
        #expect(trap.reason == .callStackExhausted)
        let limits = ExecutionLimits()
        // Each frame costs at least its overhead, so the depth is bounded by the budget.
        #expect(trap.backtrace.count <= limits.callStackBytes / limits.callFrameOverheadBytes)
        #expect(trap.backtrace.count > 10_000)
        print("runaway recursion of a function without locals: call stack exhausted at depth \(trap.backtrace.count)")
        // The message is short: one collapsed run.
        #expect(trap.description == "call stack exhausted\n  at function 0, \(Trap.grouped(trap.backtrace.count)) times")
    }

    @Test func framesWithManyLocalsExhaustTheBudgetSooner() throws {
        // sum again, with 10,000 i64 locals: about 80 KB a frame, so about 65 frames fit.
        let locals: [UInt8] = [0x01] + LEB128.unsigned(10_000) + [0x7E]
        let heavy = Self.module(types: [Self.i32ToI32], functions: [(0, locals, Self.sumBody)])
        var instance = try WasmInstance(CompiledModule.load(heavy))
        #expect(try instance.invoke(functionIndex: 0, arguments: [.i32(50)]).results == [.i32(1_275)])
        let trap = try #require(try trapOf(heavy, 0, [.i32(1_000)]))
        #expect(trap.reason == .callStackExhausted)
        let limits = ExecutionLimits()
        let frameBytes = limits.callFrameOverheadBytes + 8 * 10_001
        #expect(trap.backtrace.count <= limits.callStackBytes / frameBytes && trap.backtrace.count >= limits.callStackBytes / frameBytes - 2)
    }

    /// Calls between linked instances run a new interpreter on the host's stack each, so
    /// their nesting is bounded: instances that call each other forever trap, the host's
    /// stack intact.
    @Test func instancesCallingEachOtherForeverTrap() throws {
        // Imports A's table and A's "call" (call_indirect of table[i]), puts $loop at table[3];
        // $loop calls A.call(3), which calls $loop again.
        var importer = ModuleBuilder()
        importer.section(1, B.vector([[0x60, 0x01, 0x7F, 0x01, 0x7F], [0x60, 0x00, 0x01, 0x7F]]))
        importer.section(2, B.vector([B.name("a") + B.name("tab") + [0x01, 0x70, 0x00, 0x04], B.name("a") + B.name("call") + [0x00, 0x00]]))
        importer.section(3, B.vector([[0x01]]))
        importer.section(7, B.vector([B.name("loop") + [0x00, 0x01]]))
        importer.section(9, B.vector([[0x00, 0x41, 0x03, 0x0B, 0x01, 0x01]]))
        importer.section(10, B.vector([[0x06, 0x00, 0x41, 0x03, 0x10, 0x00, 0x0B]]))
        let linker = WasmLinker()
        let a = try linker.instantiate(CompiledModule.load(LinkingTests.exporter))
        linker.register(a, as: "a")
        let b = try linker.instantiate(CompiledModule.load(importer.bytes))
        do {
            let results = try linker.invoke(b, "loop", arguments: []).results
            Issue.record("an endless loop between instances returned \(results)")
        } catch {
            #expect(error.reason == .callStackExhausted)
        }
        // The linker still works afterwards.
        #expect(try linker.invoke(a, "call", arguments: [.i32(0)]).results == [.i32(7)])
    }

    @Test func backtracesUseTheNameSection() throws {
        let i32i32ToI32: [UInt8] = [0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F]
        let functions: [(type: UInt8, locals: [UInt8], code: [UInt8])] = [
            (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0x6D, 0x0B]),              // f0 = a / b
            (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0x10, 0x00, 0x0B]),        // f1 calls f0
            (0, [0x00], [0x20, 0x00, 0x20, 0x01, 0x10, 0x01, 0x0B]),        // f2 calls f1
        ]
        let names = B.vector([B.u32(0) + B.name("divide"), B.u32(1) + B.name("middle")])
        let named = Self.module(types: [i32i32ToI32], functions: functions, nameSection: [0x01] + B.u32(UInt32(names.count)) + names)
        let trap = try #require(try trapOf(named, 2, [.i32(1), .i32(0)]))
        #expect(trap.description == "integer divide by zero\n  at function 0 (divide)\n  at function 1 (middle)\n  at function 2")
        // A malformed name section (a count of five names, then none) is ignored, not an error.
        let broken = Self.module(types: [i32i32ToI32], functions: functions, nameSection: [0x01, 0x01, 0x05])
        let plain = try #require(try trapOf(broken, 2, [.i32(1), .i32(0)]))
        #expect(plain.description == "integer divide by zero\n  at function 0\n  at function 1\n  at function 2")
    }

    @Test func longBacktracesAreCutAtTwentyLines() throws {
        // f0 calls f1 ... calls f29, which is unreachable: 30 distinct frames.
        let functions = (0..<30).map { index -> (type: UInt8, locals: [UInt8], code: [UInt8]) in
            (0, [0x00], index < 29 ? [0x10, UInt8(index + 1), 0x0B] : [0x00, 0x0B])
        }
        let trap = try #require(try trapOf(Self.module(types: [Self.voidToVoid], functions: functions)))
        let lines = trap.description.split(separator: "\n")
        #expect(lines.count == 1 + Trap.backtraceLinesMax)
        #expect(lines[1] == "  at function 29" && lines[19] == "  at function 11")
        #expect(lines.last == "  ... 11 more frames")
        #expect(trap.backtrace.count == 30)
    }

    @Test func runsOfFramesCollapse() {
        let frames: [(index: UInt32, name: String?)] = Array(repeating: (2, "sum"), count: 9_998) + [(1, nil), (1, nil), (0, "main")]
        let trap = Trap(.unreachable, backtrace: frames)
        #expect(trap.backtraceLines == ["  at function 2 (sum), 9,998 times", "  at function 1, 2 times", "  at function 0 (main)"])
        #expect(Trap.grouped(0) == "0" && Trap.grouped(999) == "999" && Trap.grouped(1_000) == "1,000" && Trap.grouped(1_234_567) == "1,234,567")
    }
}
