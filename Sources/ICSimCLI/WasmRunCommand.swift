import Foundation
import ICSim

/// `icsim wasm run FILE.wasm --invoke EXPORT [ARG ...] [--fuel N] [--stats] [--spectest]`:
/// instantiate a module (without imports, or with the spec tests' `spectest` module), call an
/// export, print each result as `TYPE:VALUE`. The instruction
/// limit (`--fuel`, by default the IC's 40 billion for an update message) bounds the start
/// function and the call.
///
/// Exit codes: 0 success; 2 bad input (module, export or arguments); 3 trap (reason and
/// backtrace on stderr); 4 instruction limit reached.
enum WasmRunCommand {
    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) throws(UsageError) -> Int32 {
        guard let reader = try ArgumentReader.command("wasm", arguments, valueOptions: ["invoke", "fuel"], flags: ["stats", "spectest"],
                                                      positionals: .checkedByCommand, output: &output) else { return 0 }
        guard let path = reader.positionals.first else { throw UsageError("wasm run: expected a .wasm file") }
        guard let export = reader.value("invoke") else { throw UsageError("wasm run: expected --invoke EXPORT") }
        let fuel = try reader.value("fuel", expected: "a number of instructions", { UInt64($0) }) ?? Self.defaultFuel
        let showsStats = try reader.flag("stats")
        let imports = try reader.flag("spectest") ? Imports.spectest : Imports()
        let values = try reader.positionals.dropFirst().map { (text: String) throws(UsageError) in try parseValue(text) }
        var instance = try instantiate(path, imports: imports, fuel: fuel)
        guard let index = instance.exportedFunction(export) else {
            throw UsageError("\(path): no exported function \"\(export)\"", suggestsHelp: false)
        }
        let type = instance.functionType(index)
        guard let type, values.map(\.type) == type.parameters else {
            throw UsageError("--invoke \(export): takes \(type?.parameters.map(\.description) ?? []), given \(values.map(\.type.description))")
        }
        let clock = ContinuousClock()
        let started = clock.now
        var execution: Execution
        do { execution = try Execution(&instance, function: index, arguments: values) } catch {
            throw UsageError("\(error)", suggestsHelp: false)
        }
        let outcome = execution.run(&instance, instructionLimit: fuel, suspendsAtLimit: false)
        if showsStats {
            errors.write("instructions: \(execution.instructionsCharged)\nwall time: \(clock.now - started)\n")
        }
        switch outcome {
        case .finished(let results):
            for result in results { output.write(result.description + "\n") }
            return 0
        case .trapped(let trap) where trap.reason == .instructionLimitExceeded:
            errors.write("icsim: instruction limit reached: \(trap)\n")
            return 4
        case .trapped(let trap):
            errors.write("icsim: trap: \(trap)\n")
            return 3
        case .suspended:
            errors.write("icsim: instruction limit reached\n")
            return 4
        }
    }

    /// The instruction limit without `--fuel`: the IC's limit for an update message on an
    /// application subnet, 40 billion (Docs/Model.md, "Instruction limits" under "WebAssembly
    /// execution").
    static let defaultFuel: UInt64 = 40_000_000_000

    static func instantiate(_ path: String, imports: Imports, fuel: UInt64) throws(UsageError) -> WasmInstance {
        let data = try InputFiles.read(path, what: "the module")
        do {
            return try WasmInstance(CompiledModule.load(Array(data)), imports: imports, startInstructionLimit: fuel)
        } catch let error as WasmLoadError {
            throw UsageError("\(path): \(error.isMalformed ? "malformed" : "invalid"): \(error)", suggestsHelp: false)
        } catch {
            throw UsageError("\(path): \(error)", suggestsHelp: false)
        }
    }

    /// `i32:5`, `i64:-1`, `f32:1.5`, `f64:0x1p-3` (Swift's float syntax, hexadecimal included).
    static func parseValue(_ text: String) throws(UsageError) -> Value {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw UsageError("\(text): expected TYPE:VALUE, e.g. i32:5 or f64:0.25") }
        let value: Value? = switch parts[0] {
        case "i32": Int32(parts[1]).map { .i32(UInt32(bitPattern: $0)) } ?? UInt32(parts[1]).map(Value.i32)
        case "i64": Int64(parts[1]).map { .i64(UInt64(bitPattern: $0)) } ?? UInt64(parts[1]).map(Value.i64)
        case "f32": Float(parts[1]).map { .f32($0.bitPattern) }
        case "f64": Double(parts[1]).map { .f64($0.bitPattern) }
        default: nil
        }
        guard let value else { throw UsageError("\(text): expected an i32, i64, f32 or f64 value after the type") }
        return value
    }
}
