import Foundation
import Testing
@testable import Wasm

/// The memory64 tests of WebAssembly 3.0 (../shared/wasm-spec-memory64: twelve `*64.wast`
/// files converted by wast2json), run like the core suite: every module must load or be
/// rejected in the right category, and every command must pass.
@Suite("Spec suite: memory64", .enabled(if: SpecSuite.memory64Directory != nil, "../shared/wasm-spec-memory64 is not present"))
struct SpecSuiteMemory64Tests {
    @Test func validModulesLoadAndBrokenOnesAreRejected() throws {
        var total = SpecSuiteLoadingTests.Tally()
        for name in try SpecSuite.nonSIMDFiles(in: SpecSuite.memory64Directory) {
            total.add(try SpecSuiteLoadingTests().tally(name, in: SpecSuite.memory64Directory))
        }
        #expect(total.failedToLoad.isEmpty, "\(total.failedToLoad.count): \(total.failedToLoad.prefix(20))")
        #expect(total.wronglyLoaded.isEmpty, "\(total.wronglyLoaded.count): \(total.wronglyLoaded.prefix(20))")
        #expect(total.wrongCategory.isEmpty, "\(total.wrongCategory.count): \(total.wrongCategory.prefix(40))")
        #expect(total.mustLoad == Self.expectedModules)
        #expect(total.mustFail == Self.expectedBrokenBinaries)
        print("memory64 spec loading: \(total.mustLoad - total.failedToLoad.count)/\(total.mustLoad) modules load, "
              + "\(total.mustFail - total.wronglyLoaded.count)/\(total.mustFail) malformed or invalid binaries rejected, "
              + "\(total.textSkipped) text-format modules skipped")
    }

    /// Run under the uniform cost table, which charges nothing per byte of a bulk operation:
    /// bulk64.wast (line 90) copies 2^64 - 1 bytes and expects an out-of-bounds trap, but the
    /// IC charges a bulk operation's length before it runs (Docs/Model.md), so under its
    /// table no budget could pay and the call would stop at its instruction limit instead.
    /// Metering is checked elsewhere (MeteringTests, Memory64Tests).
    @Test func assertionsPass() throws {
        var passed = 0
        var failed: [String] = []
        for name in try SpecSuite.nonSIMDFiles(in: SpecSuite.memory64Directory) {
            let file = try SpecSuiteExecutionTests().run(name, in: SpecSuite.memory64Directory, costTable: .uniform)
            print("  memory64 spec file \(name): \(file.passed) passed, \(file.failed.count) failed")
            passed += file.passed
            failed += file.failed + file.skippedCommands + file.skippedFiles
        }
        print("memory64 spec execution: \(passed) passed, \(failed.count) failed")
        for failure in failed.prefix(40) { print("    \(failure)") }
        #expect(failed.isEmpty)
        #expect(passed == Self.expectedCommands)
    }

    /// Modules the twelve files instantiate or expect to fail only when linking or
    /// instantiating (counted from the JSON when this test was written).
    static let expectedModules = 98
    /// Binary modules the files call malformed or invalid.
    static let expectedBrokenBinaries = 242
    /// Commands executed.
    static let expectedCommands = 98 + 4_916 + 251 + 79
}
