import Foundation
import ICSim

/// `icsim wasm validate FILE.wasm`: decode and validate a module; print a summary or every
/// error found. `icsim wasm run`: see ``WasmRunCommand``.
enum WasmCommand {
    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) throws(UsageError) -> Int32 {
        if arguments.first == "run" {
            return try WasmRunCommand.main(Array(arguments.dropFirst()), output: &output, errors: &errors)
        }
        guard arguments.first == "validate" else {
            if arguments.first == "-h" || arguments.first == "--help" {
                output.write(CommandLineTool.help(for: "wasm"))
                return 0
            }
            throw UsageError("wasm: expected a subcommand: validate FILE.wasm, or run FILE.wasm --invoke EXPORT [ARG ...]")
        }
        guard let reader = try ArgumentReader.command("wasm", Array(arguments.dropFirst()), valueOptions: [], flags: [],
                                                      positionals: .checkedByCommand, output: &output) else { return 0 }
        guard reader.positionals.count == 1 else {
            throw UsageError("wasm validate: expected one .wasm file, found \(reader.positionals.count) arguments")
        }
        let path = reader.positionals[0]
        let data = try InputFiles.read(path, what: "the module")
        let module: WasmModule
        do {
            module = try ModuleDecoder.decode(Array(data))
        } catch {
            throw UsageError("\(path): malformed: \(error)", suggestsHelp: false)
        }
        let errors = ModuleValidator.allErrors(in: module)
        guard errors.isEmpty else {
            let kind = errors.contains(where: \.isMalformed) ? "malformed or invalid" : "invalid"
            let list = errors.map { "  \($0)" }.joined(separator: "\n")
            throw UsageError("\(path): \(kind) (\(errors.count) error\(errors.count == 1 ? "" : "s")):\n\(list)", suggestsHelp: false)
        }
        output.write(summary(module, path: path))
        return 0
    }

    /// A readable summary of a valid module.
    static func summary(_ module: WasmModule, path: String) -> String {
        var lines = ["\(path): valid WebAssembly module (\(module.bytes.count) bytes)"]
        lines.append("types: \(module.types.count)")
        lines.append("imports: \(module.imports.count)")
        for entry in module.imports {
            lines.append("  \(entry.module).\(entry.name): \(describe(entry.descriptor, module))")
        }
        lines.append("exports: \(module.exports.count)")
        for export in module.exports {
            lines.append("  \(export.name): \(describe(export.descriptor))")
        }
        let codeBytes = module.bodies.reduce(0) { $0 + $1.code.count }
        lines.append("functions: \(module.functionTypeIndices.count) defined, \(module.importedFunctionCount) imported; code \(codeBytes) bytes")
        lines.append("memories: " + (module.memories.map { ($0.isMemory64 ? "64-bit " : "") + describe($0.limits, unit: "pages") }.joined(separator: ", ").nonEmpty ?? "none defined"))
        lines.append("tables: " + (module.tables.map { "\($0.elementType) \(describe($0.limits, unit: "elements"))" }.joined(separator: ", ").nonEmpty ?? "none defined"))
        lines.append("globals: \(module.globals.count) defined")
        lines.append("segments: \(module.elements.count) element, \(module.data.count) data")
        lines.append("start: " + (module.startFunction.map { "function \($0)" } ?? "none"))
        lines.append("custom sections: " + (module.customSections.map(\.name).joined(separator: ", ").nonEmpty ?? "none"))
        return lines.joined(separator: "\n") + "\n"
    }

    private static func describe(_ descriptor: WasmModule.ImportDescriptor, _ module: WasmModule) -> String {
        switch descriptor {
        case .function(let typeIndex):
            return "function " + (Int(typeIndex) < module.types.count ? module.types[Int(typeIndex)].description : "type \(typeIndex)")
        case .table(let type): return "table of \(type.elementType) \(describe(type.limits, unit: "elements"))"
        case .memory(let type): return "\(type.isMemory64 ? "64-bit " : "")memory \(describe(type.limits, unit: "pages"))"
        case .global(let type): return "global \(type.isMutable ? "mut " : "")\(type.valueType)"
        }
    }

    private static func describe(_ descriptor: WasmModule.ExportDescriptor) -> String {
        switch descriptor {
        case .function(let index): return "function \(index)"
        case .table(let index): return "table \(index)"
        case .memory(let index): return "memory \(index)"
        case .global(let index): return "global \(index)"
        }
    }

    private static func describe(_ limits: Limits, unit: String) -> String {
        "\(limits.minimum)" + (limits.maximum.map { "-\($0)" } ?? "+") + " \(unit)"
    }
}

extension String {
    /// The string, or `nil` when it is empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
