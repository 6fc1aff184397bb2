import Wasm

/// What a message's first slice runs (``CanisterExecutor/start(_:on:sliceInstructions:discardsChanges:)``).
struct FirstSlicePlan {
    var function: UInt32
    var arguments: [Value]
    /// The instance's `memory.grow` limit during the message.
    var growLimitBytes: UInt64
    /// The message's instruction limit, and what this slice may use of it.
    var limit: UInt64
    var sliceInstructions: UInt64
    /// Whether a message that ends without trapping keeps its changes (not a replicated query).
    var keepsChanges: Bool
    /// Whether to log what the message changes, to undo it (not when the canister is a scratch
    /// copy its caller drops).
    var logsUndo: Bool
}

/// How a message's first slice on the canister's own instance ended.
enum FirstSlice {
    /// The message ended: the instance holds what it keeps (rolled back if it trapped or was a
    /// replicated query).
    case ended(trap: Trap?, instructions: UInt64)
    /// It used its slice: it goes on with `instance` (a copy), and the canister's instance is
    /// as it was before the message.
    case paused(Execution, instance: WasmInstance)
}

extension CanisterExecutor {
    /// Starts `input` on `canister`, running at most `sliceInstructions` before pausing.
    public func start(_ input: MessageInput, on canister: inout CanisterState, sliceInstructions: UInt64) -> ExecutionStep {
        start(input, on: &canister, sliceInstructions: sliceInstructions, discardsChanges: false)
    }

    /// Starts `input` on `canister`. The first slice runs on the canister's own instance with an
    /// undo log (no copy of the instance: a trap or a replicated query rolls it back); a
    /// message that pauses goes on with a copy of the instance, the canister's rolled back, so
    /// that the canister keeps its state from before the message until the message ends. If the
    /// caller `discardsChanges` (a query on a scratch copy of the canister), nothing is logged.
    func start(_ input: MessageInput, on canister: inout CanisterState, sliceInstructions: UInt64, discardsChanges: Bool) -> ExecutionStep {
        var scratch = ExecutionScratch()
        return start(input, on: &canister, sliceInstructions: sliceInstructions, discardsChanges: discardsChanges, scratch: &scratch)
    }

    /// ``start(_:on:sliceInstructions:discardsChanges:)``, running on the value stack, frames and
    /// undo journal that `scratch` keeps from earlier messages, and leaving them there for the
    /// next (a round executes hundreds of messages one after another).
    func start(_ input: MessageInput, on canister: inout CanisterState, sliceInstructions: UInt64, discardsChanges: Bool,
               scratch: inout ExecutionScratch) -> ExecutionStep {
        var methods = MethodMemo()
        return start(input, on: &canister, sliceInstructions: sliceInstructions, discardsChanges: discardsChanges, scratch: &scratch,
                     methods: &methods)
    }

    /// ``start(_:on:sliceInstructions:discardsChanges:scratch:)``, finding update methods
    /// through `methods` (a round's memo of the methods it looked up).
    func start(_ input: MessageInput, on canister: inout CanisterState, sliceInstructions: UInt64, discardsChanges: Bool,
               scratch: inout ExecutionScratch, methods: inout MethodMemo) -> ExecutionStep {
        // Fields are read one by one: calling a method of the `inout` canister would copy it.
        let resolved = CanisterState.resolve(input.entry, installed: canister.installed, status: canister.status, id: canister.id,
                                             methods: &methods) {
            canister.code?.instance.tableFunction(at: $0)
        }
        let function: UInt32
        let context: SystemAPIContext
        switch resolved {
        case .success(let resolved): (function, context) = resolved
        case .failure(let reject):
            // A message that cannot run gives back every cycle offered with it.
            return .finished(MessageResult(outcome: .rejected(reject), instructions: 0, calls: [], cyclesUnaccepted: input.cyclesAvailable))
        }
        let environment = self.environment(input, &canister)
        // What only some modules can read is lent only to them.
        let lendsStableMemory = canister.installed?.importsStableMemory ?? true
        let lendsControllers = canister.installed?.importsIsController ?? true
        let session = CallSession(
            input, context: context, fees: fees, canister: canister.id, balance: canister.cycles,
            controllers: lendsControllers ? canister.controllers : [], status: canister.status, version: canister.version,
            globalTimerNanos: canister.globalTimerNanos, stableMemory: lendsStableMemory ? canister.stableMemory : nil, environment: environment)
        // A callback's environment is address-typed: i64 in a module with a 64-bit memory.
        let memory64 = canister.installed?.isMemory64 ?? false
        let arguments: [Value] = Self.callbackEnvironment(input.entry).map { [memory64 ? .i64($0) : .i32(UInt32(truncatingIfNeeded: $0))] } ?? []
        let plan = FirstSlicePlan(
            function: function, arguments: arguments,
            growLimitBytes: CanisterState.heapGrowLimitBytes(canister.wasmMemoryLimitBytes, in: context),
            limit: limit(for: input.entry), sliceInstructions: sliceInstructions,
            keepsChanges: context != .replicatedQuery, logsUndo: !discardsChanges)
        guard let slice = canister.withInstance({ runFirstSlice(plan, session, on: &$0, scratch: &scratch) }) else {
            preconditionFailure("resolve found the module")
        }
        switch consume slice {
        case .ended(let trap, let instructions):
            return .finished(finish(session, nil, trap: trap, instructions: instructions, on: &canister))
        case .paused(let execution, let instance):
            return .paused(PausedExecution(execution: execution, instance: instance, session: session, limit: plan.limit))
        }
    }

    /// Runs `plan`'s first slice on `instance` itself, lending it `session`, on the storage
    /// `scratch` keeps (given back when the message ends in this slice).
    private func runFirstSlice(_ plan: FirstSlicePlan, _ session: CallSession, on instance: inout WasmInstance,
                               scratch: inout ExecutionScratch) -> FirstSlice {
        let undo = plan.logsUndo ? instance.beginUndoLog(reusing: &scratch) : nil
        instance.hostState = session
        instance.memoryGrowLimitBytes = plan.growLimitBytes
        var execution: Execution
        do {
            execution = try Execution(&instance, function: plan.function, arguments: plan.arguments, limits: configuration.wasmLimits,
                                      reusing: &scratch)
        } catch {
            instance.hostState = nil
            Self.end(undo, keeping: false, &instance, &scratch)
            return .ended(trap: error, instructions: 0)
        }
        let lastSlice = plan.sliceInstructions >= plan.limit
        let outcome = execution.run(&instance, instructionLimit: min(plan.sliceInstructions, plan.limit), suspendsAtLimit: !lastSlice)
        instance.hostState = nil
        switch outcome {
        case .suspended:
            guard let undo else { return .paused(execution, instance: instance) }
            return .paused(execution, instance: instance.splitOff(undo))
        case .trapped(let trap):
            Self.end(undo, keeping: false, &instance, &scratch)
            execution.recycle(into: &scratch)
            return .ended(trap: trap, instructions: execution.instructionsCharged)
        case .finished:
            Self.end(undo, keeping: plan.keepsChanges, &instance, &scratch)
            execution.recycle(into: &scratch)
            return .ended(trap: nil, instructions: execution.instructionsCharged)
        }
    }

    /// Ends `undo` on `instance`, keeping the changes or rolling them back, and gives its
    /// journal to `scratch`.
    private static func end(_ undo: consuming InstanceUndo?, keeping: Bool, _ instance: inout WasmInstance, _ scratch: inout ExecutionScratch) {
        guard let undo else { return }
        if keeping { instance.keepChanges(undo, recycling: &scratch) } else { instance.rollBack(undo, recycling: &scratch) }
    }
}
