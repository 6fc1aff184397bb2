import Wasm

/// The WebAssembly targets.
enum WasmHarness {
    /// What the run targets allow an instance: small, so each input runs in milliseconds.
    static let limits: ExecutionLimits = {
        var limits = ExecutionLimits()
        limits.callStackBytes = 256 * 1_024
        limits.valueStackSlots = 1 << 16
        limits.tableElements = 100_000
        return limits
    }()
    static let instructionLimit: UInt64 = 200_000
    static let exportsCalledMax = 8

    static func load(_ bytes: [UInt8]) {
        do {
            _ = try CompiledModule.load(bytes)
        } catch {
            guard !error.description.isEmpty else { finding("a load error without a description: \(error)") }
        }
    }

    static func run(_ bytes: [UInt8]) {
        guard let compiled = try? CompiledModule.load(bytes) else { return }
        let instance: WasmInstance
        do {
            instance = try WasmInstance(compiled, imports: stubImports(compiled.module), limits: limits, startInstructionLimit: instructionLimit)
        } catch {
            return
        }
        let functions = compiled.module.exports.compactMap { export -> UInt32? in
            if case .function(let index) = export.descriptor { index } else { nil }
        }
        var slices = SplitMixBytes(seed: UInt64(bytes.count))
        for function in functions.prefix(exportsCalledMax) {
            guard let type = instance.functionType(function) else { continue }
            let arguments = type.parameters.map(zero)
            var whole = instance
            guard let outcome = runWhole(&whole, function, arguments) else { continue }
            checkSliced(instance, function, arguments, expected: outcome, after: whole, slices: &slices)
        }
    }

    static func differential(_ bytes: [UInt8]) {
        var generator = ProgramGenerator(bytes)
        let program = generator.program()
        let module = ProgramEncoder.module(program)
        let compiled: CompiledModule
        do { compiled = try CompiledModule.load(module) } catch { finding("a generated module does not load: \(error)") }
        let instance: WasmInstance
        do { instance = try WasmInstance(compiled, limits: limits) } catch { finding("a generated module does not instantiate: \(error)") }
        let arguments: [Value] = [.i64(program.arguments.0), .i64(program.arguments.1)]
        var reference = ReferenceEvaluator(program)
        let expected: Result<Value, TrapReason>
        do { expected = .success(try reference.call(0, program.arguments.0, program.arguments.1)) } catch { expected = .failure(error) }
        var whole = instance
        guard let outcome = runWhole(&whole, 0, arguments, limit: 100_000_000) else { finding("the generated module's run could not start") }
        compare(outcome, expected: expected)
        if whole.exportedGlobal("g") != .i64(reference.global) {
            finding("global g: the interpreter has \(String(describing: whole.exportedGlobal("g"))), the reference \(reference.global)")
        }
        compareMemory(whole.memory, reference.memory)
        var slices = SplitMixBytes(seed: UInt64(bytes.count))
        checkSliced(instance, 0, arguments, expected: outcome, after: whole, slices: &slices)
    }

    /// What a run came to, comparable: results or a trap reason, and the instructions charged.
    struct RunOutcome: Equatable {
        var results: [Value]?
        var trap: TrapReason?
        var instructionsCharged: UInt64
    }

    static func runWhole(_ instance: inout WasmInstance, _ function: UInt32, _ arguments: [Value], limit: UInt64 = instructionLimit) -> RunOutcome? {
        var execution: Execution
        do { execution = try Execution(&instance, function: function, arguments: arguments, limits: limits) } catch { return nil }
        let outcome = execution.run(&instance, instructionLimit: limit, suspendsAtLimit: false)
        return RunOutcome(outcome, charged: execution.instructionsCharged)
    }

    /// Runs the call again from `before` in slices of 1 to 5,000 instructions: unless the
    /// whole run hit its limit, the sliced one must end the same way, charge the same and
    /// leave the same memory and globals.
    static func checkSliced(_ before: WasmInstance, _ function: UInt32, _ arguments: [Value], expected: RunOutcome, after: WasmInstance,
                            slices: inout SplitMixBytes) {
        guard expected.trap != .instructionLimitExceeded else { return }
        var instance = before
        var execution: Execution
        do { execution = try Execution(&instance, function: function, arguments: arguments, limits: limits) } catch {
            finding("a call that ran whole cannot start sliced: \(error)")
        }
        var runs = 0
        while true {
            let slice = 1 + slices.next() % (runs < 100 ? 5_000 : 1_000_000)
            let outcome = execution.run(&instance, instructionLimit: slice, suspendsAtLimit: true)
            runs += 1
            if case .suspended = outcome {
                guard execution.instructionsCharged <= expected.instructionsCharged else {
                    finding("sliced: \(execution.instructionsCharged) instructions charged, past the whole run's \(expected.instructionsCharged)")
                }
                continue
            }
            let sliced = RunOutcome(outcome, charged: execution.instructionsCharged)
            guard sliced == expected else { finding("function \(function) sliced in \(runs) runs: \(sliced); whole: \(expected)") }
            break
        }
        guard instance.globalSlots == after.globalSlots else { finding("function \(function): globals differ when sliced") }
        guard instance.memory?.byteCount == after.memory?.byteCount else { finding("function \(function): memory sizes differ when sliced") }
        if let memory = after.memory { compareMemory(instance.memory, memory.allBytes, sizeChecked: true) }
    }

    static func compare(_ outcome: RunOutcome, expected: Result<Value, TrapReason>) {
        switch expected {
        case .success(let value) where outcome.results == [value]: return
        case .failure(let reason) where outcome.trap == reason: return
        default: finding("the interpreter gave \(outcome), the reference \(expected)")
        }
    }

    static func compareMemory(_ memory: LinearMemory?, _ expected: [UInt8], sizeChecked: Bool = false) {
        guard let memory else { finding("the memory is missing") }
        guard sizeChecked || memory.byteCount == expected.count else { finding("memory of \(memory.byteCount) bytes, expected \(expected.count)") }
        let actual = memory.allBytes
        guard let first = actual.indices.first(where: { actual[$0] != expected[$0] }) else { return }
        finding("memory differs first at byte \(first): \(actual[first]), expected \(expected[first])")
    }

    static func zero(_ type: ValueType) -> Value {
        switch type {
        case .funcref: .funcref(nil)
        case .externref: .externref(nil)
        default: .zero(type)
        }
    }

    /// Imports satisfying every import of `module`: functions that return zeros, zero
    /// globals, memories and tables of the minimum size (when small enough).
    static func stubImports(_ module: WasmModule) -> Imports {
        var imports = Imports()
        for item in module.imports {
            switch item.descriptor {
            case .function(let typeIndex):
                guard Int(typeIndex) < module.types.count else { continue }
                let type = module.types[Int(typeIndex)]
                imports.define(item.module, item.name, function: HostFunction(type: type) { _, _ throws(Trap) in type.results.map(zero) })
            case .global(let type):
                imports.define(item.module, item.name, global: zero(type.valueType), isMutable: type.isMutable)
            case .memory(let type) where type.limits.minimum <= 16:
                let maximum = UInt32(min(type.limits.maximum ?? UInt64(LinearMemory.pagesMax), UInt64(LinearMemory.pagesMax)))
                imports.define(item.module, item.name, memory: LinearMemory(minimumPages: UInt32(type.limits.minimum), maximumPages: maximum,
                                                                            isMemory64: type.isMemory64))
            case .table(let type) where type.limits.minimum <= 10_000:
                imports.define(item.module, item.name, table: Table(elementType: type.elementType, size: UInt32(type.limits.minimum),
                                                                    maximum: type.limits.maximum.map { UInt32(clamping: $0) }))
            default: continue
            }
        }
        return imports
    }
}

extension WasmHarness.RunOutcome: CustomStringConvertible {
    init(_ outcome: ExecutionOutcome, charged: UInt64) {
        switch outcome {
        case .finished(let results): self.init(results: results, trap: nil, instructionsCharged: charged)
        case .trapped(let trap): self.init(results: nil, trap: trap.reason, instructionsCharged: charged)
        case .suspended: self.init(results: nil, trap: .host("suspended"), instructionsCharged: charged)
        }
    }

    var description: String {
        "\(results.map { "\($0)" } ?? "trap \(trap.map { "\($0)" } ?? "?")") after \(instructionsCharged) instructions"
    }
}

extension LinearMemory {
    /// Every byte, or the first 16 MiB of a larger memory.
    var allBytes: [UInt8] {
        (try? bytes(at: 0, count: min(byteCount, 1 << 24))) ?? []
    }
}
