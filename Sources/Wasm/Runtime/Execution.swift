/// Bounds on one execution: deep recursion and huge operand stacks trap "call stack
/// exhausted" instead of exhausting the host (calls never recurse on the Swift stack).
public struct ExecutionLimits: Hashable, Sendable {
    /// The call stack's size in bytes: the IC runs canisters on wasmtime with a 5 MiB Wasm
    /// stack (`MAX_WASM_STACK_SIZE`; Docs/Model.md). Active calls together may use at most
    /// this, each ``callFrameBytes(slots:)``; a call that would exceed it traps "call stack
    /// exhausted".
    public var callStackBytes = 5 * 1_024 * 1_024
    /// What each active call costs besides its slots: a model of a native wasmtime frame's
    /// fixed part (return address, saved frame pointer, the instance pointer and saved
    /// registers; Docs/Wasm.md, "Call stack").
    public var callFrameOverheadBytes = 64
    /// Most value-stack slots (locals, constants and operands of every active call): a bound
    /// on the host's memory, above what ``callStackBytes`` allows with the defaults.
    public var valueStackSlots = 1 << 22
    /// Most elements a table may grow to (the host's memory is finite even if the type's
    /// maximum is not); `table.grow` beyond it returns -1.
    public var tableElements = 10_000_000
    /// Most bytes of storage a memory may hold while code runs (its written 4 KiB chunks; a
    /// never-written one takes none): the host's memory is finite even where the 4 GiB of a
    /// 32-bit memory are not. A run that writes more traps "host memory limit exceeded" when
    /// it ends (the bytes past the limit are dropped, so its effects must be discarded).
    public var memoryBytesHeld = 1 << 30

    /// The defaults: a 5 MiB call stack with 64 bytes per frame besides its slots, 4 Mi slots
    /// (32 MiB), tables of 10 M elements, 1 GiB of memory held.
    public init() {}

    /// The call-stack bytes that `frames` active calls use when the innermost one's slots end
    /// at slot `slots` (its base plus its frame's size): 8 bytes per slot (the frames' slots
    /// are contiguous, a callee's starting at its caller's first argument) plus
    /// ``callFrameOverheadBytes`` per frame.
    @inline(__always)
    public func callStackBytesUsed(frames: Int, slots: Int) -> Int {
        frames &* callFrameOverheadBytes &+ slots &* 8
    }
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

/// The value slots of an execution: one allocation that grows (moving) when a call needs more.
/// Shared copy-on-write between copies of an ``Execution``. Its variables are
/// `@exclusivity(unchecked)`: only the execution that owns it uniquely reads or changes them,
/// and no access overlaps another, so dynamic checks would only cost time.
final class ValueStack: @unchecked Sendable {
    @exclusivity(unchecked) private(set) var base: UnsafeMutablePointer<UInt64>
    @exclusivity(unchecked) private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
        base.initialize(repeating: 0, count: self.capacity)
    }

    deinit { base.deallocate() }

    /// A copy with the same capacity and contents.
    func copy() -> ValueStack {
        let copy = ValueStack(capacity: capacity)
        copy.base.update(from: base, count: capacity)
        return copy
    }

    /// Grows to at least `slots` (doubling, at most `limit`); `false` if that exceeds `limit`.
    func reserve(_ slots: Int, limit: Int) -> Bool {
        guard slots > capacity else { return true }
        guard slots <= limit else { return false }
        let newCapacity = min(max(slots, capacity * 2), limit)
        let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: newCapacity)
        grown.initialize(from: base, count: capacity)
        (grown + capacity).initialize(repeating: 0, count: newCapacity - capacity)
        base.deallocate()
        base = grown
        capacity = newCapacity
        return true
    }
}

/// One call into an instance, as resumable state: the value slots, the active calls and the
/// program counter. Nothing lives on the Swift stack between instructions, so an execution can
/// stop at any instruction boundary when its instruction limit runs out and resume later.
public struct Execution: Sendable {
    struct Frame: Sendable {
        /// Index in the function index space (a defined function).
        var function: Int
        /// The next instruction to run when this frame is resumed.
        var pc: Int
        /// Where its parameters and locals start in the value slots.
        var base: Int
    }

    var stack: ValueStack
    var frames: [Frame] = []
    let resultTypes: [ValueType]
    let limits: ExecutionLimits
    /// Results of a function that finished before any instruction ran (a host function).
    var immediateResults: [Value]?
    /// Whether the next run starts in the middle of a basic block (after a suspension), so
    /// must charge instruction by instruction until the next block starts.
    var resumesInsideBlock = false
    /// Instructions charged so far, over every run.
    public internal(set) var instructionsCharged: UInt64 = 0
    /// Whether the execution has finished or trapped (and cannot run again).
    public internal(set) var isComplete = false

    /// Prepares a call of function `index` (in the function index space) with `arguments`.
    /// - Throws: a host-reason ``Trap`` if the arguments do not match the function's type.
    public init(_ instance: inout WasmInstance, function index: UInt32, arguments: [Value],
                limits: ExecutionLimits = ExecutionLimits()) throws(Trap) {
        var scratch = ExecutionScratch()
        try self.init(&instance, function: index, arguments: arguments, limits: limits, reusing: &scratch)
    }

    /// Prepares a call of function `index` with `arguments`, as
    /// ``init(_:function:arguments:limits:)`` does, on the value stack and frame buffer that
    /// `scratch` keeps from an earlier run, if it keeps them (``ExecutionScratch``).
    /// - Throws: as ``init(_:function:arguments:limits:)``.
    public init(_ instance: inout WasmInstance, function index: UInt32, arguments: [Value], limits: ExecutionLimits,
                reusing scratch: inout ExecutionScratch) throws(Trap) {
        guard Int(index) < instance.functionTypes.count else { throw Trap(.host("no function \(index)")) }
        let type = instance.functionTypes[Int(index)]
        guard arguments.count == type.parameters.count, zip(arguments, type.parameters).allSatisfy({ $0.type == $1 }) else {
            throw Trap(.host("function \(index) takes \(type.parameters), given \(arguments.map(\.type))"))
        }
        resultTypes = type.results
        self.limits = limits
        if Int(index) < instance.hostFunctions.count {
            stack = ValueStack(capacity: 0)
            do {
                let (results, charge) = try instance.callHost(Int(index), arguments, instructionsCharged: 0)
                immediateResults = results
                instructionsCharged = charge
            } catch {
                throw Trap(error)
            }
            return
        }
        let body = instance.compiled.entries[Int(index) - instance.hostFunctions.count]
        guard body.frameSlots <= limits.valueStackSlots,
              limits.callStackBytesUsed(frames: 1, slots: body.frameSlots) <= limits.callStackBytes else { throw Trap(.callStackExhausted) }
        // A small start (1 KiB past the first frames): every message allocates and zeroes its
        // stack, and most need little of it; deeper calls grow it by doubling (`reserve`).
        stack = scratch.takeStack(capacity: min(max(body.frameSlots * 4, 128), limits.valueStackSlots), limit: limits.valueStackSlots)
        for (slot, argument) in arguments.enumerated() { stack.base[slot] = argument.slot }
        body.prepare(stack.base)
        frames = scratch.takeFrames()
        frames.append(Frame(function: Int(index), pc: 0, base: 0))
    }

    /// Gives the value stack and the frame buffer of an execution that finished or trapped
    /// (it cannot run again) to `scratch`, for the next run to reuse; a stack that a copy of
    /// the execution still uses is left to it.
    /// - Precondition: the execution is complete.
    public mutating func recycle(into scratch: inout ExecutionScratch) {
        precondition(isComplete, "only a completed execution gives its storage away")
        var frames: [Frame] = []
        swap(&frames, &self.frames)
        frames.removeAll(keepingCapacity: true)
        scratch.keep(frames)
        if isKnownUniquelyReferenced(&stack) { scratch.keep(stack) }
    }

    /// Runs until the function returns, traps, or `instructionLimit` more instructions would
    /// be exceeded; then either suspends (resumable by another `run`) or traps
    /// "instruction limit exceeded", as `suspendsAtLimit` says.
    ///
    /// The count equals charging each WebAssembly instruction its cost before it runs, with one
    /// refinement: instructions the compiler fused into one (a `local.get` read in place, a
    /// constant made an immediate, a `local.set` that receives a result directly) are charged
    /// and run together, so a limit stops before the whole group or after it.
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
        if !isKnownUniquelyReferenced(&stack) { stack = stack.copy() }
        instance.pullLinkedState()
        defer { instance.pushLinkedState() }
        instance.memoryStorage.chunkAllocationLimit = limits.memoryBytesHeld / LinearMemory.chunkBytes
        let outcome = instance.memoryStorage.allocationRefused
            ? .trapped(Trap(.hostMemoryLimitExceeded)) : runInterpreter(&instance, instructionLimit: instructionLimit, suspendsAtLimit: suspendsAtLimit)
        guard instance.memoryStorage.allocationRefused else { return outcome }
        isComplete = true
        return .trapped(Trap(.hostMemoryLimitExceeded, backtrace: backtrace(instance)))
    }

    /// ``run(_:instructionLimit:suspendsAtLimit:)`` with the instance's linked state pulled in.
    private mutating func runInterpreter(_ instance: inout WasmInstance, instructionLimit: UInt64, suspendsAtLimit: Bool) -> ExecutionOutcome {
        var meter = Meter(budget: instructionLimit, mayOvershoot: suspendsAtLimit, chargedBefore: instructionsCharged)
        defer { instructionsCharged = meter.charged }
        var exact = resumesInsideBlock
        do throws(TrapReason) {
            while true {
                let stop = exact ? try interpret(ExactMetering.self, &instance, &meter) : try interpret(BlockMetering.self, &instance, &meter)
                switch stop {
                case .returned:
                    isComplete = true
                    let values = resultTypes.enumerated().map { Value(slot: stack.base[$0.offset], type: $0.element) }
                    return .finished(values)
                case .blockUnaffordable: exact = true
                case .blockCharged: exact = false
                case .limitReached:
                    resumesInsideBlock = true
                    if suspendsAtLimit { return .suspended }
                    throw TrapReason.instructionLimitExceeded
                }
            }
        } catch {
            isComplete = true
            return .trapped(Trap(error, backtrace: backtrace(instance)))
        }
    }

    /// The active calls, innermost first, with their names.
    func backtrace(_ instance: WasmInstance) -> [(index: UInt32, name: String?)] {
        frames.reversed().map { (UInt32($0.function), instance.compiled.module.functionName(UInt32($0.function))) }
    }
}

/// Why the interpreter loop returned to ``Execution/run(_:instructionLimit:suspendsAtLimit:)``.
enum InterpreterStop {
    /// The called function returned.
    case returned
    /// Block metering met a block it cannot pay for in full: continue instruction by instruction.
    case blockUnaffordable
    /// Exact metering reached a block it can pay for in full: continue block by block.
    case blockCharged
    /// The next instruction cannot be paid for.
    case limitReached
}

/// The instruction budget of one run.
struct Meter {
    /// What is left of the run's budget.
    var remaining: UInt64
    /// Charged beyond the budget (an overshooting first instruction, host charges).
    var overshoot: UInt64 = 0
    /// Charged then given back (a block left early by a trap).
    var refunded: UInt64 = 0
    /// Whether the run has executed anything yet.
    var progressed = false
    let budget: UInt64
    let mayOvershoot: Bool
    let chargedBefore: UInt64

    init(budget: UInt64, mayOvershoot: Bool, chargedBefore: UInt64) {
        self.budget = budget
        remaining = budget
        self.mayOvershoot = mayOvershoot
        self.chargedBefore = chargedBefore
    }

    /// Everything charged over the execution, this run included.
    var charged: UInt64 { chargedBefore + (budget - remaining) + overshoot - refunded }

    /// Charges `cost` that cannot be refused (a host function's own charge).
    mutating func force(_ cost: UInt64) {
        let paid = min(cost, remaining)
        remaining -= paid
        overshoot += cost - paid
    }

    /// Gives back `cost` charged in this run.
    mutating func refund(_ cost: UInt64) {
        let back = min(cost, budget - remaining)
        remaining += back
        refunded += cost - back
    }
}

/// How the interpreter loop charges: a whole basic block on entry, or each instruction.
protocol MeteringMode {
    static var isExact: Bool { get }
}

/// Charge each basic block when it starts (the fast path).
enum BlockMetering: MeteringMode {
    static var isExact: Bool { false }
}

/// Charge each instruction before it runs (near a limit, and resuming inside a block).
enum ExactMetering: MeteringMode {
    static var isExact: Bool { true }
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
                if let links, !links.isLocal, let cell = links.globals.first(where: { $0.index == Int(index) })?.cell {
                    return cell.value
                }
                return Value(slot: globals[Int(index)], type: globalTypes[Int(index)].valueType)
            }
        }
        return nil
    }

    /// The function a `funcref` at `index` of table `table` refers to, if that element exists,
    /// is not null and refers to this instance's own function index space (how the IC finds a
    /// canister's callbacks).
    public func tableFunction(_ table: Int = 0, at index: UInt32) -> UInt32? {
        guard table < tables.count, tables[table].elementType == .funcref, Int(index) < tables[table].elements.count else { return nil }
        let slot = tables[table].elements[Int(index)]
        guard slot != Value.nullSlot, slot >> 32 == referenceTag >> 32 else { return nil }
        return UInt32(truncatingIfNeeded: slot)
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
