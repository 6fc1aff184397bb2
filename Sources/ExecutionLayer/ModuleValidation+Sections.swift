import Wasm

extension ModuleValidation {
    /// Symbols a canister may not export (dfinity/ic validation.rs, `RESERVED_SYMBOLS`: names
    /// the IC's instrumentation adds).
    static let reservedSymbols: Set<String> = [
        "canister counter_instructions", "canister_start", "canister counter_dirty_pages", "canister counter_accessed_pages",
        "stable_memory", "stable_bytemap_memory",
    ]

    /// Exports: no reserved symbol; `canister_*` functions only entry points and methods, of
    /// type `() -> ()`, each method name once; at most so many methods, with names of at most
    /// so many bytes together.
    static func exportProblem(_ module: WasmModule, _ limits: ModuleLimits) -> String? {
        var methods: Set<String> = []
        var nameBytes = 0
        for export in module.exports {
            if reservedSymbols.contains(export.name) {
                return "Wasm module has an invalid export section. Exporting reserved symbol \(export.name) not allowed."
            }
            guard case .function(let index) = export.descriptor, export.name.hasPrefix("canister_") else { continue }
            if let prefix = CanisterExecutor.methodPrefixes.first(where: { export.name.hasPrefix($0) }) {
                let method = String(export.name.dropFirst(prefix.count))
                guard methods.insert(method).inserted else {
                    return "Duplicate function '\(method)' exported multiple times with different call types: update, query, or composite_query."
                }
                nameBytes += method.utf8.count
            } else if !CanisterExecutor.entryPoints.contains(export.name) {
                return "Wasm module has an invalid export section. Exporting reserved function '\(export.name)' with \"canister_\" prefix"
            }
            let actual = CanisterExecutor.functionType(index, in: module) ?? FunctionType(parameters: [.i32], results: [])
            if let problem = signatureProblem(FunctionType(parameters: [], results: []), export.name, actual) {
                return "Wasm module has an invalid function signature. \(problem)"
            }
        }
        if methods.count > limits.exportedMethodsMax {
            return "The number of exported functions called `canister_update <name>`, `canister_query <name>`, or "
                + "`canister_composite_query <name>` is \(methods.count) which exceeds \(limits.exportedMethodsMax)."
        }
        if nameBytes > limits.exportedMethodNameBytesMax {
            return "The sum of `<name>` lengths in exported functions called `canister_update <name>`, `canister_query <name>`, or "
                + "`canister_composite_query <name>` is \(nameBytes) which exceeds the allowed limit of \(limits.exportedMethodNameBytesMax)."
        }
        return nil
    }

    /// Each function's complexity and instruction count.
    static func codeProblem(_ module: WasmModule, _ limits: ModuleLimits) -> String? {
        for index in module.bodies.indices {
            var (complexity, instructions) = (0, 0)
            do {
                try module.forEachInstruction(inBody: index) { opcode, subOpcode in
                    complexity += Self.complexity(opcode, subOpcode)
                    instructions += 1
                }
            } catch {
                return "Failed to decode wasm module: \(error)"
            }
            if complexity > limits.functionComplexityMax {
                return "Wasm module contains a function at index \(index) with complexity \(complexity) "
                    + "which exceeds the maximum complexity allowed \(limits.functionComplexityMax)."
            }
            if instructions > limits.functionInstructionsMax {
                return "Wasm module contains a function at index \(index) of size \(instructions) "
                    + "that exceeds the maximum allowed size of \(limits.functionInstructionsMax)."
            }
        }
        return nil
    }

    /// `icp:` custom sections: named `icp:public <name>` or `icp:private <name>`, each name
    /// once, at most so many, of at most so many bytes together (names and contents).
    static func customSectionProblem(_ module: WasmModule, _ limits: ModuleLimits) -> String? {
        var names: Set<String> = []
        var bytes = 0
        for section in module.customSections where section.name.hasPrefix("icp:") {
            let name: String
            if section.name.hasPrefix("icp:public ") {
                name = String(section.name.dropFirst("icp:public ".count))
            } else if section.name.hasPrefix("icp:private ") {
                name = String(section.name.dropFirst("icp:private ".count))
            } else if section.name == "icp:public" || section.name == "icp:private" {
                return "Wasm module has an invalid custom section. 'icp:' section names must have a space after the public/private scope"
            } else {
                return "Wasm module has an invalid custom section. Invalid custom section: Custom section '\(section.name)' has no public/private scope defined."
            }
            guard names.insert(name).inserted else {
                return "Wasm module has an invalid custom section. Invalid custom section: name \(name) already exists"
            }
            bytes += section.contents.count + name.utf8.count
            if bytes > limits.customSectionsBytesMax {
                return "Wasm module has an invalid custom section. Invalid custom sections: total size of the custom sections exceeds "
                    + "the maximum allowed: size \(bytes) bytes, allowed \(limits.customSectionsBytesMax) bytes"
            }
            if names.count > limits.customSectionsMax {
                return "Wasm module defined \(names.count) custom sections which exceeds the maximum number allowed \(limits.customSectionsMax)."
            }
        }
        return nil
    }
}
