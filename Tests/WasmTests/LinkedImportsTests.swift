import Testing
@testable import Wasm

/// A module's imports resolved once (``LinkedImports``) and instantiated many times: each
/// instance is what instantiating with the imports makes, with state of its own, sharing the
/// host function and type tables; a module that cannot link fails the same way either way.
@Suite("Wasm: imports linked once")
struct LinkedImportsTests {
    /// `LinkingTests.importer` with its imports provided by the host: a one-page memory, a
    /// mutable global of 10, a table of 4 funcrefs, `bump` returning 1 and `call` returning
    /// its argument plus 1,000.
    static func imports(droppingCall: Bool = false, bumpType: FunctionType = FunctionType(parameters: [], results: [.i32])) -> Imports {
        var imports = Imports()
        imports.define("a", "mem", memory: LinearMemory(minimumPages: 1, maximumPages: 2))
        imports.define("a", "counter", global: .i32(10), isMutable: true)
        imports.define("a", "tab", table: Table(elementType: .funcref, size: 4, maximum: nil))
        imports.define("a", "bump", function: HostFunction(type: bumpType) { _, _ throws(Trap) in [.i32(1)] })
        if !droppingCall {
            let type = FunctionType(parameters: [.i32], results: [.i32])
            imports.define("a", "call", function: HostFunction(type: type) { arguments, _ throws(Trap) in
                [.i32((arguments.first.map { UInt32(truncatingIfNeeded: $0.slot) } ?? 0) &+ 1_000)]
            })
        }
        return imports
    }

    static func invoke(_ instance: inout WasmInstance, _ name: String) throws -> [Value] {
        let index = try #require(instance.exportedFunction(name))
        return try instance.invoke(functionIndex: index, arguments: []).results
    }

    @Test func instancesFromOneLinkAreIndependentAndLikeLinkedOnes() throws {
        let compiled = try CompiledModule.load(LinkingTests.importer)
        let linked = try LinkedImports(compiled, imports: Self.imports())
        var first = try WasmInstance(linked)
        var second = try WasmInstance(linked)
        var reference = try WasmInstance(compiled, imports: Self.imports())

        // "twice" calls bump twice, writes 100 at address 4 and returns the imported global.
        #expect(try Self.invoke(&first, "twice") == [.i32(10)])
        #expect(try first.memory?.load(UInt32.self, at: 4) == 100)
        #expect(try second.memory?.load(UInt32.self, at: 4) == 0, "the other instance's memory is its own")
        #expect(try Self.invoke(&reference, "twice") == [.i32(10)])
        #expect(try Self.invoke(&second, "reenter") == [.i32(1_002)])
        #expect(try Self.invoke(&reference, "reenter") == [.i32(1_002)])
        #expect(first.functionTypes == reference.functionTypes)
        #expect(first.globalSlots == reference.globalSlots)
        #expect(first.tableFunction(at: 1) == reference.tableFunction(at: 1))
        #expect(first.tableFunction(at: 1) != nil)
    }

    @Test(arguments: [false, true])
    func aModuleThatCannotLinkFailsAsWithTheImports(wrongType: Bool) throws {
        let compiled = try CompiledModule.load(LinkingTests.importer)
        let imports = wrongType ? Self.imports(bumpType: FunctionType(parameters: [.i32], results: [.i32])) : Self.imports(droppingCall: true)
        var direct: InstantiationError?
        do { _ = try WasmInstance(compiled, imports: imports) } catch { direct = error }
        var once: InstantiationError?
        do { _ = try LinkedImports(compiled, imports: imports) } catch { once = error }
        #expect(direct != nil)
        #expect(once == direct)
    }
}
