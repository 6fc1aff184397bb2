import Foundation
import Testing
@testable import Wasm

/// Modules built by rustc (wasm32-unknown-unknown, cdylib, opt-level 2, panic=abort) from the
/// single-file programs in Tests/WasmTests/Fixtures/rust must load, compute what the same
/// programs compute elsewhere, and trap with `unreachable` when they panic.
///
/// Each program is built by two compilers (see the folder's README.md and build.sh):
/// `rustc-1.63` (Debian's rustc 1.63, LLVM 14, prebuilt std: WebAssembly 1.0 instructions only)
/// and `rustc-1.96` (Debian's rustc-web 1.96, LLVM 22, std built with -Zbuild-std: sign-extension,
/// bulk memory, saturating truncation, and `call_indirect` with 5-byte LEB128 immediates).
/// `collections` (std: Vec, sort, BTreeMap, String, format!, dlmalloc growing memory), `hashing`
/// (no_std: u64 arithmetic, __multi3), `shapes` (std: f64, libm, trait objects through
/// call_indirect, saturating float-to-int casts) and `panics` (std: bounds checks, division
/// checks, unwrap, panic! with a formatted message).
///
/// Expected values: printed by `Fixtures/rust/build.sh --expected`, which (1) builds the same
/// sources natively for x86_64 with rustup's rustc 1.95 and calls the exports (native_check.rs),
/// and (2) runs the committed .wasm files under WasmKit 0.1.6 (`wasmkit run FILE EXPORT ARGS`).
/// Both agree on every value here, and WasmKit agrees with itself across the two builds, except
/// for `total_area(0)` (see `compilerSpecificCases`). The panicking calls are not made natively;
/// WasmKit reports "Trap: unreachable" in or just below `__rust_start_panic` for each.
@Suite("Modules built by rustc")
struct RustModuleTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Fixtures/rust")

    /// The folders of Fixtures/rust holding one build of every program each.
    static let compilers = ["rustc-1.63", "rustc-1.96"]

    /// One export call and the value it must return.
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var export: String
        var arguments: [Value]
        var expected: Value
        var testDescription: String {
            "\(file).\(export)(\(arguments.map(\.description).joined(separator: ", "))) == \(expected)"
        }
    }

    static func i32(_ value: Int32) -> Value { .i32(UInt32(bitPattern: value)) }
    static func i64(_ value: Int64) -> Value { .i64(UInt64(bitPattern: value)) }
    static func f64(_ value: Double) -> Value { .f64(value.bitPattern) }

    static func instantiate(_ file: String, builtBy compiler: String) throws -> WasmInstance {
        let url = directory.appendingPathComponent(compiler).appendingPathComponent("\(file).wasm")
        let bytes = Array(try Data(contentsOf: url))
        return try WasmInstance(CompiledModule.load(bytes))
    }

    static let cases: [Case] = [
        // collections.rs (std, dlmalloc)
        Case(file: "collections", export: "sorted_checksum", arguments: [i32(0)], expected: i64(0)),
        Case(file: "collections", export: "sorted_checksum", arguments: [i32(1)], expected: i64(1)),
        Case(file: "collections", export: "sorted_checksum", arguments: [i32(1_000)], expected: i64(6_343_028_829_124_035_552)),
        Case(file: "collections", export: "sorted_checksum", arguments: [i32(5_000)], expected: i64(-3_849_088_087_959_268_685)),
        Case(file: "collections", export: "word_histogram", arguments: [i32(0)], expected: i64(-3_750_763_034_362_895_579)),
        Case(file: "collections", export: "word_histogram", arguments: [i32(10)], expected: i64(133_895_694_668_906_679)),
        Case(file: "collections", export: "word_histogram", arguments: [i32(500)], expected: i64(-192_257_142_425_500_947)),
        Case(file: "collections", export: "big_buffer", arguments: [i32(0)], expected: i64(0)),
        Case(file: "collections", export: "big_buffer", arguments: [i32(1)], expected: i64(522_240)),
        Case(file: "collections", export: "big_buffer", arguments: [i32(256)], expected: i64(133_693_440)),
        // hashing.rs (no_std)
        Case(file: "hashing", export: "fnv1a", arguments: [i32(0)], expected: i64(-3_750_763_034_362_895_579)),
        Case(file: "hashing", export: "fnv1a", arguments: [i32(1)], expected: i64(-5_808_590_958_014_384_161)),
        Case(file: "hashing", export: "fnv1a", arguments: [i32(1_000)], expected: i64(2_645_894_715_497_961_780)),
        Case(file: "hashing", export: "mix", arguments: [i64(0), i32(0)], expected: i64(0)),
        Case(file: "hashing", export: "mix", arguments: [i64(42), i32(1_000)], expected: i64(8_430_957_446_133_106_605)),
        Case(file: "hashing", export: "mix", arguments: [i64(-1), i32(77)], expected: i64(-625_006_749_419_935_461)),
        Case(file: "hashing", export: "splitmix", arguments: [i64(0)], expected: i64(-2_152_535_657_050_944_081)),
        Case(file: "hashing", export: "splitmix", arguments: [i64(1)], expected: i64(-7_995_527_694_508_729_151)),
        Case(file: "hashing", export: "splitmix", arguments: [i64(.min)], expected: i64(5_196_802_822_362_493_915)),
        Case(file: "hashing", export: "signed_ops", arguments: [i64(.min), i64(-1)], expected: i64(0)),
        Case(file: "hashing", export: "signed_ops", arguments: [i64(123_456_789_012), i64(-987)], expected: i64(-15_231_496_979_748)),
        Case(file: "hashing", export: "signed_ops", arguments: [i64(-5), i64(0)], expected: i64(-1)),
        // shapes.rs (std, f64; exact bit patterns)
        Case(file: "shapes", export: "total_area", arguments: [i32(1)], expected: .f64(0x4009_21FB_5444_2D18)),  // 3.141592653589793
        Case(file: "shapes", export: "total_area", arguments: [i32(100)], expected: .f64(0x40A5_59A2_E67C_1492)),  // 2732.818164708625
        Case(file: "shapes", export: "total_perimeter", arguments: [i32(100)], expected: .f64(0x4099_E61B_2530_C613)),  // 1657.526509058084
        Case(file: "shapes", export: "spiral", arguments: [i32(1_000)], expected: .f64(0x4076_253F_1AB7_E46A)),  // 354.3279063399592
        Case(file: "shapes", export: "saturate", arguments: [f64(1e10)], expected: i32(.max)),
        Case(file: "shapes", export: "saturate", arguments: [f64(-1e10)], expected: i32(.min)),
        Case(file: "shapes", export: "saturate", arguments: [f64(.nan)], expected: i32(0)),
        Case(file: "shapes", export: "saturate", arguments: [f64(-3.9)], expected: i32(-3)),
        Case(file: "shapes", export: "saturate", arguments: [f64(2_147_483_647.5)], expected: i32(.max)),
        // panics.rs (std), arguments that do not panic
        Case(file: "panics", export: "prime_at", arguments: [i32(0)], expected: i32(2)),
        Case(file: "panics", export: "prime_at", arguments: [i32(15)], expected: i32(53)),
        Case(file: "panics", export: "divide", arguments: [i32(7), i32(2)], expected: i32(3)),
        Case(file: "panics", export: "divide", arguments: [i32(-7), i32(2)], expected: i32(-3)),
        Case(file: "panics", export: "divide", arguments: [i32(.min), i32(1)], expected: i32(.min)),
        Case(file: "panics", export: "roundtrip_u8", arguments: [i32(0)], expected: i32(0)),
        Case(file: "panics", export: "roundtrip_u8", arguments: [i32(255)], expected: i32(255)),
        Case(file: "panics", export: "checked_triangle", arguments: [i32(100)], expected: i32(5_050)),
        Case(file: "panics", export: "checked_triangle", arguments: [i32(65_535)], expected: i32(2_147_450_880)),
    ]

    /// The cases whose value depends on the compiler's std: `total_area(0)` is an empty f64
    /// sum, +0.0 in rustc 1.63's std (WasmKit agrees on that file, and so does a native 1.63
    /// build) and -0.0 in newer ones (WasmKit on the 1.96 file, and the native 1.95 build).
    static func compilerSpecificCases(_ compiler: String) -> [Case] {
        let emptySum = compiler == "rustc-1.63" ? f64(0.0) : f64(-0.0)
        return [Case(file: "shapes", export: "total_area", arguments: [i32(0)], expected: emptySum)]
    }

    static let runs: [(compiler: String, test: Case)] = compilers.flatMap { compiler in
        (cases + compilerSpecificCases(compiler)).map { (compiler, $0) }
    }

    @Test(arguments: runs)
    func computesLikeNativeAndWasmKit(compiler: String, test: Case) throws {
        var instance = try Self.instantiate(test.file, builtBy: compiler)
        let index = try #require(instance.exportedFunction(test.export))
        let (results, instructions) = try instance.invoke(functionIndex: index, arguments: test.arguments)
        #expect(results == [test.expected])
        #expect(instructions > 0)
    }

    /// Calls that panic in Rust: out-of-bounds index, division by zero, `i32::MIN / -1`, `unwrap`
    /// of a parse error, and an explicit `panic!` with a formatted message.
    static let panics: [(export: String, arguments: [Value])] = [
        ("prime_at", [i32(16)]),
        ("prime_at", [i32(-1)]),
        ("divide", [i32(1), i32(0)]),
        ("divide", [i32(.min), i32(-1)]),
        ("roundtrip_u8", [i32(256)]),
        ("roundtrip_u8", [i32(-1)]),
        ("checked_triangle", [i32(65_536)]),
    ]

    /// A panic formats its message, runs std's default hook (which has nowhere to print on
    /// wasm32-unknown-unknown) and aborts with `unreachable` in or below `__rust_start_panic`
    /// (1.63 names it plainly; 1.96 uses v0 mangling and traps in `__rust_abort` below it); the
    /// backtrace names it (from the name section) and ends at the export that was called.
    @Test(arguments: compilers, panics)
    func panicTrapsWithUnreachable(compiler: String, call: (export: String, arguments: [Value])) throws {
        var instance = try Self.instantiate("panics", builtBy: compiler)
        let index = try #require(instance.exportedFunction(call.export))
        let trap = try #require(throws: Trap.self) {
            try instance.invoke(functionIndex: index, arguments: call.arguments)
        }
        #expect(trap.reason == .unreachable)
        #expect(trap.backtrace.prefix(2).contains { $0.name?.contains("__rust_start_panic") == true })
        #expect(trap.backtrace.last?.index == index)
    }

    /// dlmalloc starts with the module's initial memory and asks for more with `memory.grow`:
    /// a 256 KiB buffer and its copy do not fit in what is left of the initial pages.
    @Test(arguments: compilers)
    func allocatorGrowsMemory(compiler: String) throws {
        var instance = try Self.instantiate("collections", builtBy: compiler)
        let before = try #require(instance.memory).pageCount
        let index = try #require(instance.exportedFunction("big_buffer"))
        let (results, _) = try instance.invoke(functionIndex: index, arguments: [Self.i32(256)])
        #expect(results == [Self.i64(133_693_440)])
        let after = try #require(instance.memory).pageCount
        #expect(after >= before + 8)
    }

    /// An instance keeps working across calls: dlmalloc's free lists and the grown memory persist
    /// from one call to the next, and the results do not change.
    @Test(arguments: compilers)
    func repeatedCallsOnOneInstance(compiler: String) throws {
        var instance = try Self.instantiate("collections", builtBy: compiler)
        let index = try #require(instance.exportedFunction("word_histogram"))
        for _ in 0..<3 {
            let (results, _) = try instance.invoke(functionIndex: index, arguments: [Self.i32(500)])
            #expect(results == [Self.i64(-192_257_142_425_500_947)])
        }
    }
}
