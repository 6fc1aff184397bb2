import Wasm

/// The limits the IC puts on a canister's module at install (interface spec, "WebAssembly
/// module requirements"; dfinity/ic rs/embedders/src/wasm_utils/validation.rs and
/// rs/config/src/embedders.rs; Docs/Model.md, "Module limits"). A module that breaks one is
/// refused with the IC's wording (``ModuleValidation``).
public struct ModuleLimits: Hashable, Sendable {
    /// An uncompressed module: at most 100 MiB (`WASM_MAX_SIZE`).
    public var moduleBytesMax = 100 << 20
    /// The code section: at most 12 MiB (`MAX_CODE_SECTION_SIZE_IN_BYTES`).
    public var codeSectionBytesMax = 12 << 20
    /// Functions the module defines: at most 50,000 (`MAX_FUNCTIONS`).
    public var functionsMax = 50_000
    /// Globals the module defines: at most 1,000 (`MAX_GLOBALS`).
    public var globalsMax = 1_000
    /// `icp:` custom sections: at most 16 (`MAX_CUSTOM_SECTIONS`), of at most 1 MiB together,
    /// names after the prefix and contents (`MAX_CUSTOM_SECTIONS_SIZE`).
    public var customSectionsMax = 16
    /// Bytes of `icp:` custom sections together (names after the prefix, and contents).
    public var customSectionsBytesMax = 1 << 20
    /// Exported methods (`canister_update`, `canister_query`, `canister_composite_query`): at
    /// most 1,000 (`MAX_NUMBER_EXPORTED_FUNCTIONS`), their names at most 20,000 bytes together
    /// (`MAX_SUM_EXPORTED_FUNCTION_NAME_LENGTHS`).
    public var exportedMethodsMax = 1_000
    /// Bytes of the exported methods' names together.
    public var exportedMethodNameBytesMax = 20_000
    /// A function's complexity (its instructions weighed by cost): at most 1,000,000
    /// (`WASM_FUNCTION_COMPLEXITY_LIMIT`), and its instructions at most 1,000,000
    /// (`WASM_FUNCTION_SIZE_LIMIT`).
    public var functionComplexityMax = 1_000_000
    /// Instructions in one function.
    public var functionInstructionsMax = 1_000_000

    /// The IC's limits.
    public init() {}
}

/// Checks a module against ``ModuleLimits`` and the interface spec's requirements, in the
/// IC's order, with its messages (dfinity/ic `WasmValidationError`).
enum ModuleValidation {
    /// What is wrong with `wasm` before decoding: its size, its code section's size.
    static func bytesProblem(_ wasm: [UInt8], _ limits: ModuleLimits) -> String? {
        guard wasm.count <= limits.moduleBytesMax else {
            return "Wasm module size of \(wasm.count) exceeds the maximum allowed size of \(limits.moduleBytesMax)."
        }
        if let size = codeSectionSize(wasm), size > UInt64(limits.codeSectionBytesMax) {
            return "Wasm module code section size of \(size) exceeds the maximum allowed size of \(limits.codeSectionBytesMax)."
        }
        return nil
    }

    /// The code section's size as its header declares it, if the headers up to it are readable.
    static func codeSectionSize(_ wasm: [UInt8]) -> UInt64? {
        var offset = 8
        while offset < wasm.count {
            let id = wasm[offset]
            guard let (size, next) = leb(wasm, offset + 1) else { return nil }
            if id == 10 { return size }
            let (end, overflow) = UInt64(next).addingReportingOverflow(size)
            guard !overflow, end <= UInt64(wasm.count) else { return nil }
            offset = Int(end)
        }
        return nil
    }

    /// An unsigned LEB128 of at most 5 bytes at `offset`, and the offset after it.
    static func leb(_ bytes: [UInt8], _ offset: Int) -> (UInt64, Int)? {
        var value: UInt64 = 0
        for index in 0..<5 where offset + index < bytes.count {
            let byte = bytes[offset + index]
            value |= UInt64(byte & 0x7F) << (7 * UInt64(index))
            if byte & 0x80 == 0 { return (value, offset + index + 1) }
        }
        return nil
    }

    /// What is wrong with decoded `module`, section by section.
    static func problem(_ module: WasmModule, _ limits: ModuleLimits) -> String? {
        if let problem = importProblem(module) { return problem }
        if let problem = exportProblem(module, limits) { return problem }
        if let problem = dataProblem(module) { return "Wasm module has an invalid data section. \(problem)" }
        if module.globals.count > limits.globalsMax {
            return "Wasm module defined \(module.globals.count) globals which exceeds the maximum number allowed \(limits.globalsMax)."
        }
        if module.functionTypeIndices.count > limits.functionsMax {
            return "Wasm module defined \(module.functionTypeIndices.count) functions which exceeds the maximum number allowed \(limits.functionsMax)."
        }
        if let problem = codeProblem(module, limits) { return problem }
        return customSectionProblem(module, limits)
    }

    /// Function imports only from `ic0`, of functions the System API has, with their types
    /// for the module's memory width; no globals (ICSim provides no memory or table either).
    static func importProblem(_ module: WasmModule) -> String? {
        let memory64 = module.declaresMemory64
        for entry in module.imports {
            if case .function(let typeIndex) = entry.descriptor, Int(typeIndex) < module.types.count,
               let expected = SystemAPI.importType(of: entry.name, memory64: memory64), entry.module == "ic0",
               let problem = signatureProblem(expected, entry.name, module.types[Int(typeIndex)]) {
                return "Wasm module has an invalid function signature. \(problem)"
            }
            if let problem = importSectionProblem(entry, module, memory64: memory64) { return "Wasm module has an invalid import section. \(problem)" }
        }
        return nil
    }

    /// What is wrong with import `entry` besides its signature: a function the System API
    /// lacks (or lacks for the module's memory width), imported from elsewhere than `ic0`, or
    /// a global, memory or table (ICSim provides none).
    static func importSectionProblem(_ entry: WasmModule.Import, _ module: WasmModule, memory64: Bool) -> String? {
        switch entry.descriptor {
        case .function(let typeIndex):
            guard SystemAPI.functionNames.contains(entry.name) else {
                return "Module imports function '\(entry.name)' from '\(entry.module)' that is not exported by the runtime."
            }
            guard entry.module == "ic0" else {
                return "Module imports function \"\(entry.name)\" from \"\(entry.module)\", expected to be imported from one of [\"ic0\"] instead."
            }
            guard SystemAPI.importType(of: entry.name, memory64: memory64) != nil else {
                return "Module imports function '\(entry.name)' from 'ic0', which is only available to modules with a 32-bit memory."
            }
            guard Int(typeIndex) < module.types.count else { return "Function import '\(entry.name)' has no function type." }
            return nil
        case .global: return "Importing globals is not allowed."
        default: return "Module imports \(entry.module).\(entry.name), which ICSim does not provide (only ic0 functions)."
        }
    }

    /// The IC's signature mismatch message (`validate_function_signature`), if `actual` is not
    /// `expected`.
    static func signatureProblem(_ expected: FunctionType, _ name: String, _ actual: FunctionType) -> String? {
        func list(_ types: [ValueType]) -> String { "[" + types.map { "\($0)".uppercased() }.joined(separator: ", ") + "]" }
        if actual.parameters != expected.parameters {
            return "Expected input params \(list(expected.parameters)) for '\(name)', got \(list(actual.parameters))."
        }
        if actual.results != expected.results {
            return "Expected return type \(list(expected.results)) for '\(name)', got \(list(actual.results))."
        }
        return nil
    }

    /// Active data segments' offsets must be one `i32.const` (the IC's orthogonal persistence
    /// needs them constant).
    static func dataProblem(_ module: WasmModule) -> String? {
        let memory64 = module.declaresMemory64
        for segment in module.data {
            guard case .active(_, let offset) = segment.mode else { continue }
            switch offset.instructions.first {
            case .i32Const where offset.instructions.count == 1 && !memory64, .i64Const where offset.instructions.count == 1 && memory64: continue
            default: return "Invalid offset expression in data segment: \(offset.instructions)"
            }
        }
        return nil
    }
}
