import Foundation
import ICSimTestSupport
import Testing
@testable import Wasm

/// 64-bit tables (table64, the memory64 part of WebAssembly 3.0): their types (limits flags 4
/// and 5, u64 limits), every table instruction and `call_indirect` on i64 indices, bounds
/// traps at 2^32 and above (never a truncated index), `table.copy` between tables of mixed
/// address types, element segments at i64 offsets, imports that must match the address type,
/// the host's bound on their size, and a wasm64 canister built by clang.
@Suite("Wasm table64")
struct Table64Tests {
    typealias B = ModuleBuilder
    typealias Function = (type: UInt8, code: [UInt8])

    /// () -> i32, (i64) -> i32, (i64) -> i64, () -> i64, (i64, i64, i64) -> (),
    /// (i64, i32, i32) -> (), (i64, i64) -> (), (i32, i64, i32) -> (), (i64) -> (), (i32) -> i32.
    static let types: [[UInt8]] = [
        [0x60, 0x00, 0x01, 0x7F], [0x60, 0x01, 0x7E, 0x01, 0x7F], [0x60, 0x01, 0x7E, 0x01, 0x7E], [0x60, 0x00, 0x01, 0x7E],
        [0x60, 0x03, 0x7E, 0x7E, 0x7E, 0x00], [0x60, 0x03, 0x7E, 0x7F, 0x7F, 0x00], [0x60, 0x02, 0x7E, 0x7E, 0x00],
        [0x60, 0x03, 0x7F, 0x7E, 0x7F, 0x00], [0x60, 0x01, 0x7E, 0x00], [0x60, 0x01, 0x7F, 0x01, 0x7F],
    ]
    /// Table 0: funcref, 64-bit, 4 to 10 elements. Table 1: funcref, 32-bit, 4 or more.
    static let tables: [[UInt8]] = [[0x70, 0x05, 0x04, 0x0A], [0x70, 0x00, 0x04]]
    /// Active into table 0 at i64 offset 1: f0, f1. Passive: f1, f0.
    static let elements: [[UInt8]] = [
        [0x02, 0x00, 0x42, 0x01, 0x0B, 0x00] + B.vector([[0x00], [0x01]]),
        [0x01, 0x00] + B.vector([[0x01], [0x00]]),
    ]

    /// A module with `types`, `imports` (encoded entries), `functions` (type index, code
    /// without locals and `end`), each exported as `f<index>` (indices after the imported
    /// functions, of which there are `importedFunctions`), `tables` (encoded table types; the
    /// first exported as "t") and element segments.
    static func module(types: [[UInt8]] = types, imports: [[UInt8]] = [], importedFunctions: Int = 0, functions: [Function],
                       tables: [[UInt8]] = tables, elements: [[UInt8]] = elements) -> [UInt8] {
        var module = ModuleBuilder()
        module.section(1, B.vector(types))
        if !imports.isEmpty { module.section(2, B.vector(imports)) }
        module.section(3, B.vector(functions.map { [$0.type] }))
        if !tables.isEmpty { module.section(4, B.vector(tables)) }
        var exports = functions.indices.map { B.name("f\($0)") + [0x00] + B.u32(UInt32(importedFunctions + $0)) }
        if !tables.isEmpty { exports.append(B.name("t") + [0x01, 0x00]) }
        module.section(7, B.vector(exports))
        if !elements.isEmpty { module.section(9, B.vector(elements)) }
        module.section(10, B.vector(functions.map { B.u32(UInt32($0.code.count + 2)) + [0x00] + $0.code + [0x0B] }))
        return module.bytes
    }

    static func i64(_ value: UInt64) -> [UInt8] { [0x42] + B.s64(Int64(bitPattern: value)) }
    static func i32(_ value: Int32) -> [UInt8] { [0x41] + B.s64(Int64(value)) }
    static let get0: [UInt8] = [0x20, 0x00], get1: [UInt8] = [0x20, 0x01], get2: [UInt8] = [0x20, 0x02]

    /// f0, f1: return 7, 8. f2: call_indirect through table 0 at an i64. f3: whether table 0's
    /// element at an i64 is null (as an i64). f4: table.size 0. f5: table.grow 0 by an i64 (null).
    /// f6: table.fill 0 with f1 (start, length). f7: table.copy 0 0. f8: table.copy 1 0.
    /// f9: table.copy 0 1. f10: table.init 0 from segment 1. f11: table.set 0 to f0.
    /// f12: call_indirect through table 1 at an i32.
    static let program = module(functions: [
        (0, i32(7)), (0, i32(8)),
        (1, get0 + [0x11, 0x00, 0x00]),
        (2, get0 + [0x25, 0x00, 0xD1, 0xAD]),
        (3, [0xFC, 0x10, 0x00]),
        (2, [0xD0, 0x70] + get0 + [0xFC, 0x0F, 0x00]),
        (6, get0 + [0xD2, 0x01] + get1 + [0xFC, 0x11, 0x00]),
        (4, get0 + get1 + get2 + [0xFC, 0x0E, 0x00, 0x00]),
        (7, get0 + get1 + get2 + [0xFC, 0x0E, 0x01, 0x00]),
        (5, get0 + get1 + get2 + [0xFC, 0x0E, 0x00, 0x01]),
        (5, get0 + get1 + get2 + [0xFC, 0x0C, 0x01, 0x00]),
        (8, get0 + [0xD2, 0x00, 0x26, 0x00]),
        (9, get0 + [0x11, 0x00, 0x01]),
    ])

    static func instance(_ bytes: [UInt8] = program, imports: Imports = Imports(),
                         costTable: InstructionCostTable = .internetComputer) throws -> WasmInstance {
        try WasmInstance(CompiledModule.load(bytes, costTable: costTable), imports: imports)
    }

    /// Calls `f<function>` expecting a trap for `reason`.
    static func expectTrap(_ instance: inout WasmInstance, _ function: UInt32, _ arguments: [Value], _ reason: TrapReason,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let results = try instance.invoke(functionIndex: function, arguments: arguments).results
            Issue.record("f\(function)\(arguments) returned \(results), expected \(reason)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.reason == reason, "f\(function)\(arguments)", sourceLocation: sourceLocation)
        }
    }

    static func call(_ instance: inout WasmInstance, _ function: UInt32, _ arguments: [Value]) throws -> [Value] {
        try instance.invoke(functionIndex: function, arguments: arguments).results
    }

    /// Loading `bytes` fails as invalid (not malformed).
    static func expectInvalid(_ bytes: [UInt8], _ what: Comment, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try CompiledModule.load(bytes)
            Issue.record("\(what) loaded", sourceLocation: sourceLocation)
        } catch {
            #expect(!error.isMalformed, "\(what): \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func tableTypesDecodeWithTheirFlags() throws {
        let module = try WasmModule.load(Self.program)
        #expect(module.tables == [
            TableType(elementType: .funcref, limits: Limits(minimum: 4, maximum: 10), isTable64: true),
            TableType(elementType: .funcref, limits: Limits(minimum: 4, maximum: nil)),
        ])
        #expect(module.tables.map(\.addressType) == [.i64, .i32])
        let wide = Self.module(functions: [], tables: [[0x70, 0x05] + LEB128.unsigned(1 << 33) + LEB128.unsigned(.max)], elements: [])
        #expect(try WasmModule.load(wide).tables.first?.limits == Limits(minimum: 1 << 33, maximum: .max))
    }

    @Test func otherLimitsFlagsAreMalformed() {
        for flag: UInt8 in [0x02, 0x03, 0x06, 0x07, 0x08, 0x0C] {
            let bytes = Self.module(functions: [], tables: [[0x70, flag, 0x01, 0x01]], elements: [])
            do {
                _ = try WasmModule.load(bytes)
                Issue.record("a table with limits flag \(flag) loaded")
            } catch {
                #expect(error.isMalformed, "flag \(flag)")
                #expect("\(error)".contains("malformed limits flag 0x\(String(flag, radix: 16))"), "\(error)")
            }
        }
        // A 32-bit table's limits are u32: 2^32 does not fit.
        let bytes = Self.module(functions: [], tables: [[0x70, 0x00] + LEB128.unsigned(1 << 32)], elements: [])
        #expect(throws: WasmLoadError.self) { try WasmModule.load(bytes) }
    }

    @Test func callIndirectTakesAnI64IndexAndNeverTruncatesIt() throws {
        var instance = try Self.instance()
        #expect(try Self.call(&instance, 2, [.i64(1)]) == [.i32(7)])
        #expect(try Self.call(&instance, 2, [.i64(2)]) == [.i32(8)])
        Self.expectTrap(&instance, 2, [.i64(0)], .uninitializedElement)
        // 2^32 + 1 and 2^32 + 2 would be elements 1 and 2 if truncated to 32 bits.
        for index: UInt64 in [4, 1 << 32, (1 << 32) + 1, (1 << 32) + 2, 1 << 63, .max] {
            Self.expectTrap(&instance, 2, [.i64(index)], .undefinedElement)
        }
    }

    @Test func callIndirectThroughA64BitTableCostsWhatA32BitOneDoes() throws {
        var instance = try Self.instance()
        _ = try Self.call(&instance, 8, [.i32(1), .i64(1), .i32(2)])  // table 1 gets f0, f1 at 1, 2
        let wide = try instance.invoke(functionIndex: 2, arguments: [.i64(2)])
        let narrow = try instance.invoke(functionIndex: 12, arguments: [.i32(2)])
        #expect(wide.results == [.i32(8)] && narrow.results == [.i32(8)])
        #expect(wide.instructions == narrow.instructions)
    }

    /// A trapping call_indirect is charged the same whether the index is past the table's end
    /// or at 2^32 and above (the separate check), and as through a 32-bit table.
    @Test func trappingCallIndirectIsChargedTheSameAtAnyIndex() throws {
        var instance = try Self.instance()
        func charged(_ function: UInt32, _ index: Value) throws -> UInt64 {
            var execution = try Execution(&instance, function: function, arguments: [index], limits: ExecutionLimits())
            guard case .trapped(let trap) = execution.run(&instance, instructionLimit: .max, suspendsAtLimit: false) else {
                Issue.record("f\(function)(\(index)) did not trap")
                return 0
            }
            #expect(trap.reason == .undefinedElement)
            return execution.instructionsCharged
        }
        let pastTheEnd = try charged(2, .i64(4))
        #expect(pastTheEnd > 0)
        #expect(try charged(2, .i64(1 << 32)) == pastTheEnd)
        #expect(try charged(2, .i64(.max)) == pastTheEnd)
        #expect(try charged(12, .i32(4)) == pastTheEnd)
    }

    @Test func getSetSizeAndGrowUseI64() throws {
        var instance = try Self.instance()
        #expect(try Self.call(&instance, 3, [.i64(0)]) == [.i64(1)])
        #expect(try Self.call(&instance, 3, [.i64(1)]) == [.i64(0)])
        for index: UInt64 in [4, (1 << 32) + 1, .max] {
            Self.expectTrap(&instance, 3, [.i64(index)], .outOfBoundsTableAccess)
            Self.expectTrap(&instance, 11, [.i64(index)], .outOfBoundsTableAccess)
        }
        _ = try Self.call(&instance, 11, [.i64(3)])
        #expect(try Self.call(&instance, 2, [.i64(3)]) == [.i32(7)])
        #expect(try Self.call(&instance, 4, []) == [.i64(4)])
        #expect(try Self.call(&instance, 5, [.i64(2)]) == [.i64(4)])
        #expect(try Self.call(&instance, 4, []) == [.i64(6)])
        // Beyond the maximum (10), and deltas that a 32-bit table would see as 0 or 1: -1 as an i64.
        for delta: UInt64 in [5, 1 << 32, (1 << 32) + 1, .max] {
            #expect(try Self.call(&instance, 5, [.i64(delta)]) == [.i64(.max)], "grow by \(delta)")
        }
        #expect(try Self.call(&instance, 5, [.i64(4)]) == [.i64(6)])
        #expect(try Self.call(&instance, 4, []) == [.i64(10)])
    }

    /// Under the uniform cost table, which charges nothing per element: the IC's charges a
    /// bulk operation's length before it runs, so a length of 2^64 - 1 would stop at the
    /// instruction limit before its bounds check (as for memory64's bulk operations).
    @Test func fillCopyAndInitUseI64Operands() throws {
        var instance = try Self.instance(costTable: .uniform)
        _ = try Self.call(&instance, 6, [.i64(0), .i64(1)])
        #expect(try Self.call(&instance, 2, [.i64(0)]) == [.i32(8)])
        _ = try Self.call(&instance, 6, [.i64(4), .i64(0)])  // empty, at the end: in bounds
        for (start, length): (UInt64, UInt64) in [(5, 0), (1 << 32, 1), (1, .max), (3, (1 << 32) + 1)] {
            Self.expectTrap(&instance, 6, [.i64(start), .i64(length)], .outOfBoundsTableAccess)
        }
        // table.copy 0 0: [f1, f0, f1, null] -> copy 1..<3 to 2..<4.
        _ = try Self.call(&instance, 7, [.i64(2), .i64(1), .i64(2)])
        #expect(try Self.call(&instance, 2, [.i64(3)]) == [.i32(8)])
        #expect(try Self.call(&instance, 2, [.i64(2)]) == [.i32(7)])
        for operands: [UInt64] in [[0, 1 << 32, 1], [1 << 32, 0, 1], [0, 0, (1 << 32) + 1], [1, 0, .max]] {
            Self.expectTrap(&instance, 7, operands.map { .i64($0) }, .outOfBoundsTableAccess)
        }
        // table.init 0 from segment 1 (f1, f0): destination i64, source and length i32.
        _ = try Self.call(&instance, 10, [.i64(0), .i32(1), .i32(1)])
        #expect(try Self.call(&instance, 2, [.i64(0)]) == [.i32(7)])
        Self.expectTrap(&instance, 10, [.i64((1 << 32) + 0), .i32(0), .i32(1)], .outOfBoundsTableAccess)
        Self.expectTrap(&instance, 10, [.i64(0), .i32(1), .i32(2)], .outOfBoundsTableAccess)
    }

    @Test func copyBetweenTablesOfMixedAddressTypes() throws {
        var instance = try Self.instance()
        // table.copy 1 0: an i32 destination, an i64 source, an i32 length.
        _ = try Self.call(&instance, 8, [.i32(0), .i64(1), .i32(2)])
        #expect(try Self.call(&instance, 12, [.i32(0)]) == [.i32(7)])
        #expect(try Self.call(&instance, 12, [.i32(1)]) == [.i32(8)])
        Self.expectTrap(&instance, 8, [.i32(0), .i64((1 << 32) + 1), .i32(1)], .outOfBoundsTableAccess)
        // table.copy 0 1: an i64 destination, an i32 source, an i32 length.
        _ = try Self.call(&instance, 9, [.i64(3), .i32(1), .i32(1)])
        #expect(try Self.call(&instance, 2, [.i64(3)]) == [.i32(8)])
        Self.expectTrap(&instance, 9, [.i64((1 << 32) + 3), .i32(1), .i32(1)], .outOfBoundsTableAccess)
    }

    @Test func instructionsMustUseTheTablesAddressType() {
        let cases: [(String, Function)] = [
            ("call_indirect with an i32 index into a 64-bit table", (0, Self.i32(0) + [0x11, 0x00, 0x00])),
            ("call_indirect with an i64 index into a 32-bit table", (0, Self.i64(0) + [0x11, 0x00, 0x01])),
            ("table.size of a 64-bit table as an i32", (0, [0xFC, 0x10, 0x00])),
            ("table.get with an i32 index", (0, Self.i32(0) + [0x25, 0x00, 0xD1])),
            ("table.grow by an i32", (0, [0xD0, 0x70] + Self.i32(1) + [0xFC, 0x0F, 0x00, 0x1A, 0x41, 0x00])),
            ("table.copy 0 1 with an i64 source", (0, Self.i64(0) + Self.i64(0) + Self.i64(0) + [0xFC, 0x0E, 0x00, 0x01] + Self.i32(0))),
            ("table.copy 1 0 with an i64 length", (0, Self.i32(0) + Self.i64(0) + Self.i64(0) + [0xFC, 0x0E, 0x01, 0x00] + Self.i32(0))),
            ("table.init with an i64 source", (0, Self.i64(0) + Self.i64(0) + Self.i32(0) + [0xFC, 0x0C, 0x01, 0x00] + Self.i32(0))),
            ("table.fill with an i32 length", (0, Self.i64(0) + [0xD0, 0x70] + Self.i32(0) + [0xFC, 0x11, 0x00] + Self.i32(0))),
        ]
        // Two passive segments of f0 (the only function), for table.init.
        let segments = [[0x01, 0x00] + B.vector([[0x00]]), [0x01, 0x00] + B.vector([[0x00]])]
        for (what, function) in cases {
            Self.expectInvalid(Self.module(functions: [function], elements: segments), "\(what)")
        }
        // The same shapes with the right types load.
        let valid: [Function] = [
            (0, Self.i64(0) + [0x25, 0x00, 0xD1]),
            (0, Self.i64(0) + Self.i32(0) + Self.i32(0) + [0xFC, 0x0C, 0x01, 0x00] + Self.i32(0)),
            (0, Self.i64(0) + [0xD0, 0x70] + Self.i64(0) + [0xFC, 0x11, 0x00] + Self.i32(0)),
            (0, [0xD0, 0x70] + Self.i64(1) + [0xFC, 0x0F, 0x00, 0x1A] + Self.i32(0)),
            (0, Self.i64(0) + [0x11, 0x00, 0x00]),
            (0, Self.i32(0) + Self.i64(0) + Self.i32(0) + [0xFC, 0x0E, 0x01, 0x00] + Self.i32(0)),
            (0, Self.i64(0) + Self.i32(0) + Self.i32(0) + [0xFC, 0x0E, 0x00, 0x01] + Self.i32(0)),
            (0, Self.i64(0) + Self.i64(0) + Self.i64(0) + [0xFC, 0x0E, 0x00, 0x00] + Self.i32(0)),
        ]
        for function in valid {
            #expect(throws: Never.self) { try CompiledModule.load(Self.module(functions: [function], elements: segments)) }
        }
    }

    @Test func elementSegmentsUseI64OffsetsIntoA64BitTable() throws {
        let i32Offset = [0x02, 0x00] + Self.i32(1) + [0x0B, 0x00] + B.vector([[0x00]])
        Self.expectInvalid(Self.module(functions: [(0, Self.i32(7))], elements: [i32Offset]), "an i32 offset into a 64-bit table")
        let i64IntoNarrow = [0x02, 0x01] + Self.i64(1) + [0x0B, 0x00] + B.vector([[0x00]])
        Self.expectInvalid(Self.module(functions: [(0, Self.i32(7))], elements: [i64IntoNarrow]), "an i64 offset into a 32-bit table")
        // 2^32 + 1 would be element 1 if truncated: out of bounds when instantiating.
        let beyond = [0x02, 0x00] + Self.i64((1 << 32) + 1) + [0x0B, 0x00] + B.vector([[0x00]])
        #expect(throws: InstantiationError.trapped(Trap(.outOfBoundsTableAccess))) {
            try Self.instance(Self.module(functions: [(0, Self.i32(7))], elements: [beyond]))
        }
        // At offset 3, the last element.
        let last = [0x02, 0x00] + Self.i64(3) + [0x0B, 0x00] + B.vector([[0x01]])
        var instance = try Self.instance(Self.module(functions: [(0, Self.i32(7)), (0, Self.i32(8))], elements: [last]))
        #expect(instance.tableFunction(0, at: 3) == 1)
        #expect(instance.tableFunction(0, at: 2) == nil)
        #expect(try Self.call(&instance, 1, []) == [.i32(8)])
    }

    @Test func aHugeDeclaredMinimumIsRefusedNotAllocated() throws {
        let huge = Self.module(functions: [], tables: [[0x70, 0x04] + LEB128.unsigned(1 << 40)], elements: [])
        #expect(try WasmModule.load(huge).tables.first?.limits.minimum == 1 << 40)
        do {
            _ = try Self.instance(huge)
            Issue.record("a table of 2^40 elements was created")
        } catch let error as InstantiationError {
            guard case .resourceLimit = error else { Issue.record("\(error)"); return }
        }
        // Growth is bounded by the host's limit too, whatever the declared maximum.
        let unbounded = Self.module(functions: [(2, [0xD0, 0x70] + Self.get0 + [0xFC, 0x0F, 0x00])],
                                    tables: [[0x70, 0x05, 0x00] + LEB128.unsigned(.max)], elements: [])
        var instance = try Self.instance(unbounded)
        let limit = UInt64(ExecutionLimits().tableElements)
        #expect(try Self.call(&instance, 0, [.i64(limit + 1)]) == [.i64(.max)])
        #expect(try Self.call(&instance, 0, [.i64(1 << 40)]) == [.i64(.max)])
        #expect(try Self.call(&instance, 0, [.i64(3)]) == [.i64(0)])
    }

    /// Imports "env" "t" with the encoded table type `table`; f0 calls through it at an i64.
    static func importer(_ table: [UInt8]) -> [UInt8] {
        module(imports: [B.name("env") + B.name("t") + [0x01] + table], functions: [(1, get0 + [0x11, 0x00, 0x00])],
               tables: [], elements: [])
    }

    /// Imports "env" "t" as a 32-bit table of at least 2 elements.
    static let narrowImporter = module(imports: [B.name("env") + B.name("t") + [0x01, 0x70, 0x00, 0x02]], functions: [], tables: [],
                                       elements: [])

    static func imports(_ table: Table) -> Imports {
        var imports = Imports()
        imports.define("env", "t", table: table)
        return imports
    }

    @Test func importsMustMatchTheAddressType() throws {
        let wide = Table(elementType: .funcref, size: 2, maximum: nil, isTable64: true)
        var instance = try Self.instance(Self.importer([0x70, 0x04, 0x02]), imports: Self.imports(wide))
        Self.expectTrap(&instance, 0, [.i64(1)], .uninitializedElement)
        Self.expectTrap(&instance, 0, [.i64((1 << 32) + 1)], .undefinedElement)
        let narrow = Table(elementType: .funcref, size: 2, maximum: nil)
        #expect(throws: InstantiationError.unlinkable("incompatible import type: table env.t")) {
            try Self.instance(Self.importer([0x70, 0x04, 0x02]), imports: Self.imports(narrow))
        }
        #expect(throws: InstantiationError.unlinkable("incompatible import type: table env.t")) {
            try Self.instance(Self.narrowImporter, imports: Self.imports(wide))
        }
        // Maxima beyond 2^32 compare as u64.
        let bounded = Self.importer([0x70, 0x05, 0x02] + LEB128.unsigned(1 << 33))
        let larger = Table(elementType: .funcref, size: 2, maximum: 1 << 34, isTable64: true)
        #expect(throws: InstantiationError.unlinkable("incompatible import type: table env.t")) {
            try Self.instance(bounded, imports: Self.imports(larger))
        }
        let same = Table(elementType: .funcref, size: 2, maximum: 1 << 33, isTable64: true)
        #expect(throws: Never.self) { try Self.instance(bounded, imports: Self.imports(same)) }
    }

    /// Through a `WasmLinker`: the program's 64-bit table, exported as "t" and shared with an
    /// importer that calls another instance's functions through it.
    @Test func linkedInstancesShareA64BitTable() throws {
        let linker = WasmLinker()
        let program = try linker.instantiate(CompiledModule.load(Self.program))
        linker.register(program, as: "env")
        let importer = try linker.instantiate(CompiledModule.load(Self.importer([0x70, 0x04, 0x02])))
        #expect(try linker.invoke(importer, "f0", arguments: [.i64(1)]).results == [.i32(7)])
        #expect(try linker.invoke(importer, "f0", arguments: [.i64(2)]).results == [.i32(8)])
        do {
            _ = try linker.invoke(importer, "f0", arguments: [.i64((1 << 32) + 1)])
            Issue.record("an index of 2^32 + 1 called element 1")
        } catch {
            #expect(error.reason == .undefinedElement)
        }
        #expect(throws: InstantiationError.unlinkable("incompatible import type: table env.t")) {
            _ = try linker.instantiate(CompiledModule.load(Self.narrowImporter))
        }
    }

    @Test func exportedTableIsSixtyFourBit() throws {
        let module = try WasmModule.load(Self.program)
        let export = try #require(module.exports.first { $0.name == "t" })
        guard case .table(let index) = export.descriptor else { Issue.record("\(export)"); return }
        #expect(module.tables[Int(index)].isTable64)
    }

    /// Tests/WasmTests/Fixtures/c/memory64.wasm (see the README there): clang's wasm64 output,
    /// whose function table is 64-bit; the callback it passes to `ic0.call_new` is an index
    /// into that table.
    @Test func clangWasm64CanisterDecodesAndInstantiates() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/c/memory64.wasm")
        let compiled = try CompiledModule.load(Array(try Data(contentsOf: url)))
        let table = try #require(compiled.module.tables.first)
        #expect(table.isTable64 && table.elementType == .funcref)
        let recorded = Recorder()
        var imports = Imports()
        for entry in compiled.module.imports {
            guard case .function(let typeIndex) = entry.descriptor else { continue }
            let type = compiled.module.types[Int(typeIndex)]
            let name = entry.name
            imports.define(entry.module, entry.name, function: HostFunction(type: type) { arguments, _ in
                if name == "call_new" { recorded.set(arguments) }
                return type.results.map { $0 == .i64 ? .i64(0) : .i32(0) }
            })
        }
        var instance = try WasmInstance(compiled, imports: imports)
        let callSelf = try #require(instance.exportedFunction("canister_update call_self"))
        _ = try instance.invoke(functionIndex: callSelf, arguments: [])
        let arguments = recorded.get()
        try #require(arguments.count == 8)
        // The reply callback and its environment (0x123456789, beyond 32 bits).
        #expect(arguments[5] == .i64(0x1_2345_6789))
        guard case .i64(let replyIndex) = arguments[4] else { Issue.record("\(arguments[4])"); return }
        let reply = try #require(instance.tableFunction(0, at: UInt32(replyIndex)))
        #expect(instance.functionType(reply) == FunctionType(parameters: [.i64], results: []))
    }
}

/// Arguments a host function saw, read back by the test.
private final class Recorder: @unchecked Sendable {
    private var arguments: [Value] = []
    func set(_ values: [Value]) { arguments = values }
    func get() -> [Value] { arguments }
}
