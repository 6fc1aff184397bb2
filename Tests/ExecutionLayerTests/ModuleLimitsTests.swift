import Testing
import Wasm
@testable import ExecutionLayer

/// The IC's module limits at install: for each, a module just inside (installed) and one just
/// outside (refused with the IC's message); limits that would need modules of many megabytes
/// are tested on lowered limits, their defaults checked against dfinity/ic's constants.
@Suite("Module limits")
struct ModuleLimitsTests {
    typealias B = CanisterModuleBuilder

    /// The problem `compile` reports for `module` (`nil`: accepted).
    static func problem(_ module: [UInt8], _ limits: ModuleLimits = ModuleLimits()) -> String? {
        switch CanisterExecutor.compile(module, for: CanisterID(7), limits: limits) {
        case .success: return nil
        case .failure(let reject):
            #expect(reject.errorCode == .canisterInvalidWasm)
            return reject.message
        }
    }

    static func expect(_ module: [UInt8], _ limits: ModuleLimits = ModuleLimits(), refusedWith message: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let found = problem(module, limits)
        #expect(found?.contains(message) == true, "\(found ?? "accepted")", sourceLocation: sourceLocation)
    }

    static func methods(_ names: [String]) -> B {
        var b = B(["msg_reply"])
        for name in names { b.export("canister_update \(name)", b.call("msg_reply")) }
        return b
    }

    @Test func theDefaultsAreTheICs() {
        let limits = ModuleLimits()
        #expect(limits.moduleBytesMax == 104_857_600)
        #expect(limits.codeSectionBytesMax == 12_582_912)
        #expect((limits.functionsMax, limits.globalsMax, limits.customSectionsMax) == (50_000, 1_000, 16))
        #expect(limits.customSectionsBytesMax == 1_048_576)
        #expect((limits.exportedMethodsMax, limits.exportedMethodNameBytesMax) == (1_000, 20_000))
        #expect((limits.functionComplexityMax, limits.functionInstructionsMax) == (1_000_000, 1_000_000))
    }

    @Test func moduleSize() {
        let module = Self.methods(["a"]).bytes
        var limits = ModuleLimits()
        limits.moduleBytesMax = module.count
        #expect(Self.problem(module, limits) == nil)
        limits.moduleBytesMax = module.count - 1
        Self.expect(module, limits, refusedWith: "Wasm module size of \(module.count) exceeds the maximum allowed size of \(module.count - 1).")
    }

    @Test func codeSectionSize() throws {
        let module = Self.methods(["a", "b"]).bytes
        let size = try #require(ModuleValidation.codeSectionSize(module))
        var limits = ModuleLimits()
        limits.codeSectionBytesMax = Int(size)
        #expect(Self.problem(module, limits) == nil)
        limits.codeSectionBytesMax = Int(size) - 1
        Self.expect(module, limits, refusedWith: "Wasm module code section size of \(size) exceeds the maximum allowed size of \(size - 1).")
        // The default: a code section declaring 12 MiB + 1 bytes is refused before decoding.
        let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 10] + B.u32(12_582_913)
        Self.expect(header, refusedWith: "Wasm module code section size of 12582913 exceeds the maximum allowed size of 12582912.")
    }

    @Test func functionCount() {
        var inside = B()
        for _ in 0..<50_000 { inside.export(nil, []) }
        #expect(Self.problem(inside.bytes) == nil)
        inside.export(nil, [])
        Self.expect(inside.bytes, refusedWith: "Wasm module defined 50001 functions which exceeds the maximum number allowed 50000.")
    }

    @Test func globalCount() {
        var module = Self.methods(["a"])
        module.globalCount = 1_000
        #expect(Self.problem(module.bytes) == nil)
        module.globalCount = 1_001
        Self.expect(module.bytes, refusedWith: "Wasm module defined 1001 globals which exceeds the maximum number allowed 1000.")
    }

    @Test func customSectionCountAndSize() {
        var module = Self.methods(["a"])
        module.customSections = (0..<16).map { ("icp:public s\($0)", [1, 2, 3]) } + [("other", [])]
        #expect(Self.problem(module.bytes) == nil, "sections not named icp: do not count")
        module.customSections.append(("icp:private s16", []))
        Self.expect(module.bytes, refusedWith: "Wasm module defined 17 custom sections which exceeds the maximum number allowed 16.")
        // Size: names after the prefix plus contents, 1 MiB in all.
        module.customSections = [("icp:public big", Array(repeating: 0, count: 1_048_576 - 3))]
        #expect(Self.problem(module.bytes) == nil)
        module.customSections = [("icp:public big", Array(repeating: 0, count: 1_048_576 - 2))]
        Self.expect(module.bytes, refusedWith: "total size of the custom sections exceeds the maximum allowed: size 1048577 bytes, allowed 1048576 bytes")
    }

    @Test func customSectionNames() {
        var module = Self.methods(["a"])
        module.customSections = [("icp:public x", []), ("icp:private x", [])]
        Self.expect(module.bytes, refusedWith: "Invalid custom section: name x already exists")
        module.customSections = [("icp:public", [])]
        Self.expect(module.bytes, refusedWith: "'icp:' section names must have a space after the public/private scope")
        module.customSections = [("icp:secret x", [])]
        Self.expect(module.bytes, refusedWith: "Custom section 'icp:secret x' has no public/private scope defined.")
    }

    @Test func exportedMethodCount() {
        #expect(Self.problem(Self.methods((0..<1_000).map { "m\($0)" }).bytes) == nil)
        Self.expect(Self.methods((0..<1_001).map { "m\($0)" }).bytes,
                    refusedWith: "`canister_composite_query <name>` is 1001 which exceeds 1000.")
    }

    @Test func exportedMethodNameLengths() {
        let names = (0..<10).map { String(repeating: Character(UnicodeScalar(UInt8(97 + $0))), count: 2_000) }
        #expect(Self.problem(Self.methods(names).bytes) == nil)
        Self.expect(Self.methods(names + ["z"]).bytes, refusedWith: "is 20001 which exceeds the allowed limit of 20000.")
    }

    /// A method whose body is `blocks` empty blocks (weight 50 + 1 each) and `nops` nops.
    static func weighed(blocks: Int, nops: Int) -> [UInt8] {
        var b = B()
        b.export("canister_update heavy", Array([[UInt8]](repeating: [0x02, 0x40, 0x0B], count: blocks).joined())
            + Array(repeating: 0x01, count: nops))
        return b.bytes
    }

    @Test func functionComplexity() {
        // 19,607 blocks weigh 999,957; 42 nops and the final end make 1,000,000.
        #expect(Self.problem(Self.weighed(blocks: 19_607, nops: 42)) == nil)
        Self.expect(Self.weighed(blocks: 19_607, nops: 43),
                    refusedWith: "Wasm module contains a function at index 0 with complexity 1000001 which exceeds the maximum complexity allowed 1000000.")
        #expect(ModuleValidation.complexity(0x28, 0) == 3 && ModuleValidation.complexity(0x36, 0) == 2, "a load, a store")
        #expect(ModuleValidation.complexity(0xFC, 10) == 4 && ModuleValidation.complexity(0xFC, 15) == 50, "memory.copy, table.grow")
    }

    @Test func functionSize() {
        // Every instruction weighs at least 1, so the size limit shows only under a higher
        // complexity limit.
        var limits = ModuleLimits()
        limits.functionComplexityMax = 2_000_000
        #expect(Self.problem(Self.weighed(blocks: 0, nops: 999_999), limits) == nil)
        Self.expect(Self.weighed(blocks: 0, nops: 1_000_000), limits,
                    refusedWith: "Wasm module contains a function at index 0 of size 1000001 that exceeds the maximum allowed size of 1000000.")
    }

    @Test func exportsReservedNamesAndSignatures() {
        var reserved = Self.methods(["a"])
        reserved.export("canister_start", [])
        Self.expect(reserved.bytes, refusedWith: "Exporting reserved symbol canister_start not allowed.")
        var prefixed = Self.methods(["a"])
        prefixed.export("canister_fly", [])
        Self.expect(prefixed.bytes, refusedWith: "Exporting reserved function 'canister_fly' with \"canister_\" prefix")
        var typed = B()
        typed.export("canister_update add", parameters: [.i32], [])
        Self.expect(typed.bytes, refusedWith: "Expected input params [] for 'canister_update add', got [I32].")
        var twice = Self.methods(["a"])
        twice.export("canister_query a", [])
        Self.expect(twice.bytes, refusedWith: "Duplicate function 'a' exported multiple times with different call types")
        var entry = Self.methods(["a"])
        entry.export("canister_heartbeat", [])
        entry.export("helper", parameters: [.i64], [])
        #expect(Self.problem(entry.bytes) == nil, "entry points and exports without the prefix are fine")
    }

    @Test func importsOnlyFromIC0WithTheirTypes() {
        var unknown = B(["msg_reply"])
        unknown.importNames.append("launch_missiles")
        Self.expect(unknown.bytes, refusedWith: "Module imports function 'launch_missiles' from 'ic0' that is not exported by the runtime.")
        var elsewhere = B(["msg_reply"])
        elsewhere.importModule = "env"
        Self.expect(elsewhere.bytes, refusedWith: "Module imports function \"msg_reply\" from \"env\", expected to be imported from one of [\"ic0\"] instead.")
        var mistyped = B(["msg_reply"])
        mistyped.importTypes["msg_reply"] = FunctionType(parameters: [.i32], results: [])
        Self.expect(mistyped.bytes, refusedWith: "Wasm module has an invalid function signature. Expected input params [] for 'msg_reply', got [I32].")
        #expect(Self.problem(B(["msg_reply", "stable_size", "cost_call", "env_var_count"]).bytes) == nil)
        #expect(SystemAPI.importType(of: "stable_size", memory64: true) == nil, "32-bit only")
        #expect(SystemAPI.importType(of: "stable64_size", memory64: true) == FunctionType(parameters: [], results: [.i64]))
    }
}
