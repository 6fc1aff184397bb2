import Foundation
import Testing
@testable import Wasm

/// The benchmark programs in Benchmarks/wasm, compiled by the Swift toolchain's clang and
/// wasm-ld with their default features, must load and compute what WasmKit computes on them
/// (expected values taken from `wasmkit run` on the same files).
@Suite("Modules built by clang")
struct ClangModuleTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Benchmarks/wasm")

    static let cases: [(file: String, export: String, argument: UInt32, expected: Value)] = [
        ("primes", "count_primes", 10_000, .i32(1_229)),
        ("intmix", "run", 10, .i32(49_739)),
        ("nbody", "advance", 1_000, .i64(18_446_744_068_263_075_250)),
        ("sort", "sort", 1_000, .i32(1_927_605_009)),
    ]

    @Test(arguments: cases)
    func runsLikeWasmKit(file: String, export: String, argument: UInt32, expected: Value) throws {
        let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent("\(file).wasm")))
        var instance = try WasmInstance(CompiledModule.load(bytes))
        let index = try #require(instance.exportedFunction(export))
        let (results, instructions) = try instance.invoke(functionIndex: index, arguments: [.i32(argument)])
        #expect(results == [expected])
        #expect(instructions > 0)
    }
}
