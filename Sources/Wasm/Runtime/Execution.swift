/// Bounds on one execution: deep recursion and huge operand stacks trap "call stack
/// exhausted" instead of exhausting the host (calls never recurse on the Swift stack).
public struct ExecutionLimits: Hashable, Sendable {
    /// Most active calls.
    public var callDepth = 10_000
    /// Most value-stack slots (locals and operands of every active call).
    public var valueStackSlots = 1 << 22
    /// Most elements a table may grow to (the host's memory is finite even if the type's
    /// maximum is not); `table.grow` beyond it returns -1.
    public var tableElements = 10_000_000

    /// The defaults: 10,000 calls, 4 Mi slots (32 MiB), tables of 10 M elements.
    public init() {}
}

/// How a call of ``Execution/run(_:instructionLimit:suspendsAtLimit:)`` ended.
public enum ExecutionOutcome: Sendable {
    /// The function returned these results.
    case finished([Value])
    /// The instruction limit was reached; run again to continue exactly where it stopped.
    case suspended
    /// It trapped.
    case trapped(Trap)
}

/// One call into an instance, as resumable state: the value stack, the active calls and the
/// program counter. Nothing lives on the Swift stack between instructions, so an execution can
/// stop at any instruction boundary when its instruction limit runs out and resume later.
public struct Execution: Sendable {
    struct Frame: Sendable {
        /// Index in the function index space (a defined function).
        var function: Int
        /// The next instruction to run when this frame is resumed.
        var pc: Int
        /// Where its parameters and locals start on the value stack.
        var localsBase: Int
    }

    var stack: [UInt64] = []
    var frames: [Frame] = []
    let resultTypes: [ValueType]
    let limits: ExecutionLimits
    /// Results of a function that finished before any instruction ran (a host function).
    var immediateResults: [Value]?
    /// Instructions charged so far, over every run.
    public internal(set) var instructionsCharged: UInt64 = 0
    /// Whether the execution has finished or trapped (and cannot run again).
    public internal(set) var isComplete = false
    /// Whether the current run has executed an instruction yet.
    var progressedInRun = false

    /// Prepares a call of function `index` (in the function index space) with `arguments`.
    /// - Throws: a host-reason ``Trap`` if the arguments do not match the function's type.
    public init(_ instance: inout WasmInstance, function index: UInt32, arguments: [Value],
                limits: ExecutionLimits = ExecutionLimits()) throws(Trap) {
        guard Int(index) < instance.functionTypes.count else { throw Trap(.host("no function \(index)")) }
        let type = instance.functionTypes[Int(index)]
        guard arguments.map(\.type) == type.parameters else {
            throw Trap(.host("function \(index) takes \(type.parameters), given \(arguments.map(\.type))"))
        }
        resultTypes = type.results
        self.limits = limits
        if Int(index) < instance.hostFunctions.count {
            do {
                let (results, charge) = try instance.callHost(Int(index), arguments, instructionsCharged: 0)
                immediateResults = results
                instructionsCharged = charge
            } catch {
                throw Trap(error)
            }
            return
        }
        stack = arguments.map(\.slot)
        do { try enter(Int(index), instance) } catch { throw Trap(error) }
    }

    /// Runs until the function returns, traps, or `instructionLimit` more instructions would
    /// be exceeded; then either suspends (resumable by another `run`) or traps
    /// "instruction limit exceeded", as `suspendsAtLimit` says. Instructions are charged from
    /// the instance's cost table before each one runs, so the count at a limit equals charging
    /// instruction by instruction.
    ///
    /// When suspending, a run always makes progress: if the first instruction of a run costs
    /// more than the whole `instructionLimit`, it runs anyway and is charged in full (the IC,
    /// too, lets a slice overshoot by what one step costs). When trapping, the limit is never
    /// exceeded: the instruction that would exceed it traps before running.
    public mutating func run(_ instance: inout WasmInstance, instructionLimit: UInt64, suspendsAtLimit: Bool = true) -> ExecutionOutcome {
        guard !isComplete else { return .trapped(Trap(.host("the execution already completed"))) }
        if let results = immediateResults {
            isComplete = true
            return .finished(results)
        }
        var budget = instructionLimit
        progressedInRun = false
        do throws(TrapReason) {
            while !frames.isEmpty {
                if try !step(&instance, &budget, mayOvershoot: suspendsAtLimit) {
                    if suspendsAtLimit { return .suspended }
                    throw TrapReason.instructionLimitExceeded
                }
            }
        } catch {
            isComplete = true
            return .trapped(Trap(error, backtrace: backtrace(instance)))
        }
        isComplete = true
        let values = zip(stack.suffix(resultTypes.count), resultTypes).map { Value(slot: $0, type: $1) }
        return .finished(values)
    }

    /// The active calls, innermost first, with their names.
    func backtrace(_ instance: WasmInstance) -> [(index: UInt32, name: String?)] {
        frames.reversed().map { (UInt32($0.function), instance.compiled.module.functionName(UInt32($0.function))) }
    }

    /// Pushes a frame for defined function `index`, whose arguments are on top of the stack.
    mutating func enter(_ index: Int, _ instance: WasmInstance) throws(TrapReason) {
        guard frames.count < limits.callDepth else { throw .callStackExhausted }
        let body = instance.compiled.functions[index - instance.hostFunctions.count]
        let localsBase = stack.count - body.parameterCount
        let extraLocals = body.localCount - body.parameterCount
        guard stack.count + extraLocals <= limits.valueStackSlots else { throw .callStackExhausted }
        stack.append(contentsOf: repeatElement(0, count: extraLocals))
        frames.append(Frame(function: index, pc: 0, localsBase: localsBase))
    }
}

extension WasmInstance {
    /// The index of the function exported as `name`, if any (names compared as bytes).
    public func exportedFunction(_ name: String) -> UInt32? {
        let bytes = Array(name.utf8)
        for export in compiled.module.exports where Array(export.name.utf8) == bytes {
            if case .function(let index) = export.descriptor { return index }
        }
        return nil
    }

    /// The current value of the global exported as `name`, if any.
    public func exportedGlobal(_ name: String) -> Value? {
        let bytes = Array(name.utf8)
        for export in compiled.module.exports where Array(export.name.utf8) == bytes {
            if case .global(let index) = export.descriptor {
                return Value(slot: globals[Int(index)], type: globalTypes[Int(index)].valueType)
            }
        }
        return nil
    }

    /// The type of function `index`, if it exists.
    public func functionType(_ index: UInt32) -> FunctionType? {
        Int(index) < functionTypes.count ? functionTypes[Int(index)] : nil
    }

    /// Calls function `index` to completion (or until `instructionLimit`, which then traps).
    /// - Returns: the results and the instructions charged.
    @discardableResult
    public mutating func invoke(
        functionIndex index: UInt32, arguments: [Value], limits: ExecutionLimits = ExecutionLimits(),
        instructionLimit: UInt64 = .max
    ) throws(Trap) -> (results: [Value], instructions: UInt64) {
        var execution = try Execution(&self, function: index, arguments: arguments, limits: limits)
        switch execution.run(&self, instructionLimit: instructionLimit, suspendsAtLimit: false) {
        case .finished(let results): return (results, execution.instructionsCharged)
        case .trapped(let trap): throw trap
        case .suspended: throw Trap(.instructionLimitExceeded)
        }
    }
}
