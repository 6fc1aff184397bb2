import Testing
@testable import Wasm

/// Host functions on the interpreter's value slots (``HostFunction/init(type:slots:)``): called
/// from Wasm code without arrays, and through ``HostFunction/body`` on values.
@Suite struct SlotHostFunctionTests {
    typealias B = ModuleBuilder

    /// A module importing `env.f` of type (i32, i64) -> i64 as function 0 and exporting, as
    /// function 1, a function of the same type that calls it with its arguments.
    static func caller(resultType: UInt8 = 0x7E) -> [UInt8] {
        var module = ModuleBuilder()
        module.section(1, B.vector([[0x60, 0x02, 0x7F, 0x7E, 0x01, resultType]]))
        module.section(2, B.vector([B.name("env") + B.name("f") + [0x00, 0x00]]))
        module.section(3, B.vector([[0x00]]))
        module.section(10, B.vector([[0x08, 0x00, 0x20, 0x00, 0x20, 0x01, 0x10, 0x00, 0x0B]]))  // local.get 0, 1; call 0
        return module.bytes
    }

    /// `env.f` computing `a * 1000 + b`, charging 7, or returning nothing if `lies`.
    static func imports(lies: Bool = false) -> Imports {
        var imports = Imports()
        let type = FunctionType(parameters: [.i32, .i64], results: [.i64])
        imports.define("env", "f", function: HostFunction(type: type) { (arguments: HostArguments, context: inout HostContext) throws(Trap) -> UInt64? in
            context.charge = 7
            #expect(arguments.count == 2)
            return lies ? nil : UInt64(UInt32(truncatingIfNeeded: arguments[0])) &* 1_000 &+ arguments[1]
        })
        return imports
    }

    @Test func wasmCallsItOnItsSlots() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.caller()), imports: Self.imports())
        let (results, instructions) = try instance.invoke(functionIndex: 1, arguments: [.i32(42), .i64(5)])
        #expect(results == [.i64(42_005)])
        #expect(instructions > 7)
    }

    @Test func theHostCallsItOnValues() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.caller()), imports: Self.imports())
        // Calling the imported function as the entry point passes arrays of values.
        let (results, instructions) = try instance.invoke(functionIndex: 0, arguments: [.i32(3), .i64(4)])
        #expect(results == [.i64(3_004)])
        #expect(instructions == 7)
        let body = Self.imports().function("env", "f")?.body
        var context = HostContext(memoryStorage: LinearMemory.empty, hasMemory: false, instructionsCharged: 0, hostState: nil)
        #expect(try body?([.i32(1), .i64(2)], &context) == [.i64(1_002)])
    }

    @Test func aMissingResultTraps() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.caller()), imports: Self.imports(lies: true))
        do {
            try instance.invoke(functionIndex: 1, arguments: [.i32(1), .i64(1)])
            Issue.record("expected a trap")
        } catch {
            #expect(error.reason.description.contains("returned 0 results, its type says 1"))
        }
    }
}
