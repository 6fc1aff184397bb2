import SimCore
import Wasm

/// The instruction limits of one execution, on an application subnet (Docs/Model.md,
/// "Instruction limits" under "Execution").
public struct ExecutionConfiguration: Hashable, Sendable {
    /// An update message (or a callback): 40 billion.
    public var updateInstructionsMax: UInt64 = 40_000_000_000
    /// A query: 5 billion.
    public var queryInstructionsMax: UInt64 = 5_000_000_000
    /// `install_code` (start function, `canister_init`, and `pre_upgrade` plus `post_upgrade`
    /// on an upgrade): 300 billion.
    public var installInstructionsMax: UInt64 = 300_000_000_000
    /// Call depth and value-slot limits of the interpreter.
    public var wasmLimits = ExecutionLimits()
    /// The subnet the canisters run on (what `ic0.subnet_self_copy` reports): subnet 0's
    /// principal unless the subnet layer sets it (``SubnetIdentity``).
    public var subnet: Principal = SubnetIdentity.firstSubnet
    /// The limits a module must keep to be installed (``ModuleLimits``).
    public var moduleLimits = ModuleLimits()

    /// The IC's limits for an application subnet.
    public init() {}
}

/// How `install_code` treats a canister's existing state.
public enum InstallMode: String, Hashable, Sendable, CaseIterable {
    /// Into an empty canister.
    case install
    /// Replacing code, heap and stable memory.
    case reinstall
    /// Replacing code and heap, keeping stable memory: `canister_pre_upgrade` runs on the old
    /// code, `canister_post_upgrade` on the new.
    case upgrade
}

/// How a call into a canister ended.
public enum CallOutcome: Hashable, Sendable {
    /// It replied with these bytes.
    case replied([UInt8])
    /// It was rejected, by the canister or the system.
    case rejected(Reject)
    /// It returned without answering after making calls: the answer may come from one of
    /// their callbacks.
    case awaitingCallbacks
}

/// What executing a message produced.
public struct MessageResult: Sendable {
    /// How it ended.
    public var outcome: CallOutcome
    /// Instructions it used (System API charges included), over all its slices.
    public var instructions: UInt64
    /// The calls it made (none if it trapped: a trap discards them).
    public var calls: [OutgoingCall]
    /// Whether it trapped (its effects were discarded; a callback's cleanup should run).
    public var trapped = false
    /// Offered cycles it did not accept (all of them, if it trapped).
    public var cyclesUnaccepted: Cycles = .zero
    /// Cycles it burned (`ic0.cycles_burn128`) or paid in call fees (zero if it trapped).
    public var cyclesBurned: Cycles = .zero
    /// What of its environment it read that a query cache must watch (``EnvironmentReads``).
    public var environmentReads: EnvironmentReads = []
}

/// What a canister runs.
public enum EntryPoint: Hashable, Sendable {
    /// An update method (or a query method run as an update, in replicated mode).
    case update(String)
    /// A query method, on one replica.
    case query(String)
    /// The reply callback of a call the canister made.
    case replyCallback(Callback)
    /// The reject callback of a call the canister made.
    case rejectCallback(Callback)
    /// The cleanup callback, after a reply or reject callback trapped.
    case cleanup(Callback)
    /// `canister_heartbeat`.
    case heartbeat
    /// `canister_global_timer`.
    case globalTimer
    /// `canister_inspect_message`, for an ingress message to `method`.
    case inspectMessage(method: String)
    /// `canister_on_low_wasm_memory`: the canister's free Wasm memory fell below its
    /// threshold.
    case onLowWasmMemory
}

/// A message for a canister: what runs and what the System API reports to it.
public struct MessageInput: Sendable {
    /// What runs.
    public var entry: EntryPoint
    /// Who called (for callbacks: whoever called the method whose call context it is).
    public var caller: Principal
    /// The argument (a reply callback's: the reply).
    public var argument: [UInt8] = []
    /// Cycles offered with the call (and not yet accepted, for callbacks).
    public var cyclesAvailable: Cycles = .zero
    /// Cycles the callee gave back (callbacks).
    public var cyclesRefunded: Cycles = .zero
    /// A reject callback's code and message.
    public var reject: Reject?
    /// The time (nanoseconds since 1970).
    public var timeNanos: UInt64
    /// Whether the call context was already answered (a callback then cannot reply).
    public var callContextAnswered = false
    /// The deadline of the call (of the call context, for callbacks): IC time in
    /// nanoseconds, 0 for none (`ic0.msg_deadline`).
    public var deadlineNanos: UInt64 = 0
    /// Instructions the call context's earlier executions used (`ic0.performance_counter(1)`).
    public var callContextInstructions: UInt64 = 0
    /// For a query call: the time of the state the query reads, whose certificate of the
    /// canister's certified data the query method may read (`ic0.data_certificate_copy`);
    /// `nil`: no certificate.
    public var certifiedStateTimeNanos: UInt64?

    /// A message running `entry` for `caller` at `timeNanos`.
    public init(_ entry: EntryPoint, caller: Principal, argument: [UInt8] = [], cyclesAvailable: Cycles = .zero,
                cyclesRefunded: Cycles = .zero, reject: Reject? = nil, timeNanos: UInt64, callContextAnswered: Bool = false) {
        self.callContextAnswered = callContextAnswered
        self.entry = entry
        self.caller = caller
        self.argument = argument
        self.cyclesAvailable = cyclesAvailable
        self.cyclesRefunded = cyclesRefunded
        self.reject = reject
        self.timeNanos = timeNanos
    }
}

/// A message that ran out of its slice (deterministic time slicing): the interpreter's
/// suspended state, the heap it works on (a copy: the canister keeps its state from before the
/// message until the message ends), and its session.
public struct PausedExecution: Sendable {
    var execution: Execution
    var instance: WasmInstance
    let session: CallSession
    /// Its total instruction limit.
    let limit: UInt64
    /// Instructions it used so far.
    public var instructionsUsed: UInt64 { execution.instructionsCharged }
}

/// How far a message got in one slice.
public enum ExecutionStep: Sendable {
    /// It ended, and its effects were committed (or discarded, if it trapped).
    case finished(MessageResult)
    /// It used its slice and waits to resume.
    case paused(PausedExecution)
}

/// Runs canister code: installs modules and executes messages against a ``CanisterState``,
/// committing a message's effects (heap, globals, stable memory, cycles, certified data,
/// timer) only when it does not trap, and never committing a query's. Long messages run in
/// slices (``start(_:on:sliceInstructions:)`` and ``resume(_:on:sliceInstructions:)``). Pure:
/// no clock, no I/O; the time comes with each message.
public struct CanisterExecutor: Sendable {
    /// The limits.
    public var configuration: ExecutionConfiguration
    /// The fees calls pay (free by default: a round executor passes its subnet's).
    public var fees: CyclesFees

    /// An executor with `configuration`, charging `fees` for calls.
    public init(configuration: ExecutionConfiguration = ExecutionConfiguration(), fees: CyclesFees = .free) {
        self.configuration = configuration
        self.fees = fees
    }

    // MARK: - Messages run to their end

    /// Executes update method `method` (or a query method, run as an update) with `argument`
    /// from `caller`, offering `cycles`, at `timeNanos`, to its end. On a trap the canister is
    /// left as it was before the message (except its log).
    public func update(
        _ method: String, argument: [UInt8], caller: Principal, cycles: Cycles = .zero, timeNanos: UInt64,
        on canister: inout CanisterState
    ) -> MessageResult {
        let input = MessageInput(.update(method), caller: caller, argument: argument, cyclesAvailable: cycles, timeNanos: timeNanos)
        return run(input, on: &canister)
    }

    /// Executes query method `method` on a copy of `canister` (non-replicated: whatever it
    /// changes is dropped).
    /// With `certifiedStateTimeNanos` (the time of the state `canister` is from), the method can
    /// read a certificate of the canister's certified data.
    public func query(_ method: String, argument: [UInt8], caller: Principal, timeNanos: UInt64, certifiedStateTimeNanos: UInt64? = nil,
                      on canister: CanisterState) -> MessageResult {
        var scratch = canister
        var input = MessageInput(.query(method), caller: caller, argument: argument, timeNanos: timeNanos)
        input.certifiedStateTimeNanos = certifiedStateTimeNanos
        var result = run(input, on: &scratch, discardsChanges: true)
        result.calls = []
        return result
    }

    /// Runs `canister_inspect_message` for an ingress message to `method` on a copy of
    /// `canister` (as the replica receiving the message does, before it enters a block): `nil`
    /// if the message may go on (it called `ic0.accept_message`, or the canister has no such
    /// export), else the reject its sender gets.
    public func inspect(_ method: String, argument: [UInt8], caller: Principal, timeNanos: UInt64, on canister: CanisterState) -> Reject? {
        guard let function = canister.code?.function("canister_inspect_message"), var instance = canister.code?.instance else { return nil }
        let input = MessageInput(.inspectMessage(method: method), caller: caller, argument: argument, timeNanos: timeNanos)
        var scratch = canister
        let session = CallSession(
            input, context: .inspectMessage, fees: fees, canister: canister.id, balance: canister.cycles, controllers: canister.controllers,
            status: canister.status, version: canister.version, globalTimerNanos: canister.globalTimerNanos, stableMemory: canister.stableMemory,
            environment: environment(input, &scratch))
        let (trap, _) = run(function, &instance, session, limit: configuration.queryInstructionsMax)
        if let trap { return reject(for: trap, canister.id, in: "canister_inspect_message") }
        return session.acceptedMessage ? nil : Reject(.canisterRejectedMessage, "canister \(canister.id) rejected the message to '\(method)'")
    }

    /// Runs `input` to its end, without slicing (with no undo log if the caller `discardsChanges`
    /// to `canister` whatever happens: ``start(_:on:sliceInstructions:discardsChanges:)``).
    public func run(_ input: MessageInput, on canister: inout CanisterState) -> MessageResult {
        run(input, on: &canister, discardsChanges: false)
    }

    func run(_ input: MessageInput, on canister: inout CanisterState, discardsChanges: Bool) -> MessageResult {
        var step = start(input, on: &canister, sliceInstructions: .max, discardsChanges: discardsChanges)
        while case .paused(let paused) = step { step = resume(paused, on: &canister, sliceInstructions: .max) }
        guard case .finished(let result) = step else { preconditionFailure("a run ends finished") }
        return result
    }

    // MARK: - Messages in slices

    /// Runs `paused` for at most `sliceInstructions` more (never beyond its total limit, where
    /// it traps "instruction limit exceeded"). It takes `paused` over (consuming): a copy left
    /// with the caller would share the interpreter's value stack, which the run would then
    /// copy whole (8 KiB or more per message) before writing to it.
    public func resume(_ paused: consuming PausedExecution, on canister: inout CanisterState, sliceInstructions: UInt64) -> ExecutionStep {
        var paused = consume paused
        let remaining = paused.limit - min(paused.limit, paused.instructionsUsed)
        let lastSlice = sliceInstructions >= remaining
        paused.instance.hostState = paused.session
        let outcome = paused.execution.run(&paused.instance, instructionLimit: min(sliceInstructions, remaining), suspendsAtLimit: !lastSlice)
        paused.instance.hostState = nil
        switch outcome {
        case .suspended: return .paused(paused)
        case .trapped(let trap): return .finished(finish(paused.session, paused.instance, trap: trap, instructions: paused.instructionsUsed, on: &canister))
        case .finished: return .finished(finish(paused.session, paused.instance, trap: nil, instructions: paused.instructionsUsed, on: &canister))
        }
    }

    /// A callback's environment (its one argument); `nil` for other entry points.
    static func callbackEnvironment(_ entry: EntryPoint) -> UInt64? {
        switch entry {
        case .replyCallback(let callback), .rejectCallback(let callback), .cleanup(let callback): callback.environment
        default: nil
        }
    }

    /// The instruction limit of `entry`.
    func limit(for entry: EntryPoint) -> UInt64 {
        switch entry {
        case .query, .inspectMessage: return configuration.queryInstructionsMax
        default: return configuration.updateInstructionsMax
        }
    }

    /// `entry` in messages.
    static func describe(_ entry: EntryPoint) -> String {
        switch entry {
        case .update(let method): "update method '\(method)'"
        case .query(let method): "query method '\(method)'"
        case .replyCallback(let callback): "reply callback (table index \(callback.function))"
        case .rejectCallback(let callback): "reject callback (table index \(callback.function))"
        case .cleanup(let callback): "cleanup callback (table index \(callback.function))"
        case .heartbeat: "canister_heartbeat"
        case .globalTimer: "canister_global_timer"
        case .inspectMessage: "canister_inspect_message"
        case .onLowWasmMemory: "canister_on_low_wasm_memory"
        }
    }

    /// The System API context of `entry`.
    static func context(of entry: EntryPoint) -> SystemAPIContext {
        switch entry {
        case .update(_): .update
        case .query: .nonReplicatedQuery
        case .replyCallback: .replyCallback
        case .rejectCallback: .rejectCallback
        case .cleanup: .cleanup
        case .heartbeat, .globalTimer, .onLowWasmMemory: .systemTask
        case .inspectMessage: .inspectMessage
        }
    }

    /// A session for an install step (`context` is the start function, init, or pre_upgrade).
    func makeSession(_ context: SystemAPIContext, _ canister: CanisterState, caller: Principal, argument: [UInt8], timeNanos: UInt64) -> CallSession {
        let session = CallSession(
            context: context, canister: canister.id, caller: caller, argument: argument, timeNanos: timeNanos,
            balance: canister.cycles, controllers: canister.controllers, statusCode: canister.status.rawValue,
            version: canister.version, globalTimerNanos: canister.globalTimerNanos, stableMemory: canister.stableMemory)
        var scratch = canister
        session.environment = environment(MessageInput(.update(""), caller: caller, timeNanos: timeNanos), &scratch)
        session.fees = fees
        return session
    }

    /// Ends a message: commits `instance` (`nil`: the message ran on the canister's own
    /// instance, which already holds what it keeps) and the session's effects, or, if it
    /// trapped or was a replicated query, keeps only its log (offered cycles go back: they were
    /// never accepted).
    func finish(_ session: CallSession, _ instance: WasmInstance?, trap: Trap?, instructions: UInt64, on canister: inout CanisterState) -> MessageResult {
        canister.appendLog(of: session, timeNanos: session.timeNanos)
        if let trap {
            return MessageResult(outcome: .rejected(reject(for: trap, canister.id)), instructions: instructions, calls: [], trapped: true,
                                 cyclesUnaccepted: session.offeredCycles)
        }
        // A query method called as an update (replicated query) answers, but its changes are
        // discarded, as dfinity/ic's execute_replicated_query runs it on clones of the states.
        if session.context != .replicatedQuery {
            if let instance { canister.code?.instance = instance }
            // On the canister's own instance (in one slice), the session was lent the stable
            // memory the canister still holds: unless the call changed it, it is the same.
            commit(session, to: &canister,
                   givingBackStableMemory: session.isStableMemoryLent && (instance != nil || session.stableMemoryMayHaveChanged))
        }
        let outcome: CallOutcome
        switch session.response {
        case .reply(let bytes): outcome = .replied(bytes)
        case .reject(let message): outcome = .rejected(Reject(canisterMessage: message))
        case nil:
            outcome = session.performedCalls.isEmpty && session.context != .replyCallback && session.context != .rejectCallback
                ? .rejected(Reject(.canisterDidNotReply, "canister \(canister.id) did not produce a response"))
                : .awaitingCallbacks
        }
        return MessageResult(outcome: outcome, instructions: instructions, calls: session.performedCalls,
                             cyclesUnaccepted: session.cyclesAvailable, cyclesBurned: session.cyclesBurned + session.feesPaid,
                             environmentReads: session.environmentReads)
    }

    /// Keeps what a call that did not trap changed besides the instance. The balance changes
    /// by what the call changed it by (other changes may have happened while it was paused).
    /// The session's stable memory replaces the canister's unless the caller knows they are
    /// the same (`givingBackStableMemory` false: assigning it would only release, retain and
    /// recount a cold chunk table).
    func commit(_ session: CallSession, to canister: inout CanisterState, givingBackStableMemory: Bool = true) {
        canister.changesCommitted += 1
        if givingBackStableMemory { canister.stableMemory = session.stableMemory }
        if session.balance >= session.initialBalance {
            canister.cycles = canister.cycles + (session.balance - session.initialBalance)
        } else {
            canister.cycles = canister.cycles - (session.initialBalance - session.balance)
        }
        if let data = session.certifiedData { canister.certifiedData = data }
        if let timer = session.globalTimerNanos { canister.globalTimerNanos = timer }
    }

    /// Runs function `function` of `instance` to its end, with `session` lent to the System
    /// API, under `limit` instructions: the trap, if it trapped, and the instructions used.
    func run(_ function: UInt32, _ instance: inout WasmInstance, _ session: CallSession, limit: UInt64) -> (trap: Trap?, instructions: UInt64) {
        instance.hostState = session
        defer { instance.hostState = nil }
        var execution: Execution
        do {
            execution = try Execution(&instance, function: function, arguments: [], limits: configuration.wasmLimits)
        } catch {
            return (error, 0)
        }
        switch execution.run(&instance, instructionLimit: limit, suspendsAtLimit: false) {
        case .finished: return (nil, execution.instructionsCharged)
        case .trapped(let trap): return (trap, execution.instructionsCharged)
        case .suspended: return (Trap(.instructionLimitExceeded), execution.instructionsCharged)
        }
    }

    /// The reject for a trap (in entry point `entry`, if not the message's method), as the IC
    /// words it.
    func reject(for trap: Trap, _ canister: CanisterID, in entry: String? = nil) -> Reject {
        let place = entry.map { " in \($0)" } ?? ""
        switch trap.reason {
        case .instructionLimitExceeded:
            return Reject(.canisterInstructionLimitExceeded, "canister \(canister) exceeded the instruction limit\(place)")
        case .hostMemoryLimitExceeded:
            let limit = configuration.wasmLimits.memoryBytesHeld
            let size = limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
            return Reject(.canisterTrapped, "canister \(canister) trapped\(place): host memory limit exceeded: it wrote more of its heap "
                + "or stable memory than ICSim lets one memory hold (\(size) of written pages; a limit of the simulator's host, "
                + "not of the IC; the subnet's canisterMemoryHeldMax sets it)")
        case .host(let message) where message.hasPrefix(WasmInstance.growLimitTrapPrefix):
            return Reject(.canisterWasmMemoryLimitExceeded, "canister \(canister) exceeded its Wasm memory limit\(place): "
                + message.dropFirst(WasmInstance.growLimitTrapPrefix.count))
        case .host(let message) where message.hasPrefix(SystemAPI.explicitTrapPrefix):
            return Reject(.canisterCalledTrap, "canister \(canister) trapped explicitly\(place): \(message.dropFirst(SystemAPI.explicitTrapPrefix.count))")
        case .host(let message):
            return Reject(.canisterTrapped, "canister \(canister) trapped\(place): \(message)")
        default:
            return Reject(.canisterTrapped, "canister \(canister) trapped\(place): \(trap.reason)")
        }
    }
}

extension CanisterState {
    /// The function `entry` runs on a canister (with `installed` code, `status`, `id`, and
    /// `tableFunction` to look up callbacks) and its System API context, or why it cannot
    /// run: no module, a stopped or stopping canister (new calls only; callbacks still
    /// run while stopping), no such method or callback. Looks each name up once, without
    /// copying the instance; update methods through `methods`.
    static func resolve(_ entry: EntryPoint, installed: CanisterCode.Shared?, status: CanisterStatus, id: CanisterID,
                        methods: inout MethodMemo, tableFunction: (UInt32) -> UInt32?) -> Result<(UInt32, SystemAPIContext), Reject> {
        guard let shared = installed else {
            return .failure(Reject(.canisterWasmModuleNotFound, "canister \(id) has no Wasm module installed"))
        }
        switch (entry, status) {
        case (.update, .stopping), (.query, .stopping): return .failure(Reject(.canisterStopping, "canister \(id) is stopping"))
        case (.update, .stopped), (.query, .stopped): return .failure(Reject(.canisterStopped, "canister \(id) is stopped"))
        default: break
        }
        let found: (UInt32, SystemAPIContext)?
        switch entry {
        case .update(let method): found = methods.updateMethod(method, of: shared)
        case .query(let method): found = shared.queries[method].map { ($0, .nonReplicatedQuery) }
        case .replyCallback(let callback), .rejectCallback(let callback), .cleanup(let callback):
            found = tableFunction(callback.function).map { ($0, CanisterExecutor.context(of: entry)) }
        case .heartbeat: found = shared.exports["canister_heartbeat"].map { ($0, CanisterExecutor.context(of: entry)) }
        case .globalTimer: found = shared.exports["canister_global_timer"].map { ($0, CanisterExecutor.context(of: entry)) }
        case .inspectMessage: found = shared.exports["canister_inspect_message"].map { ($0, CanisterExecutor.context(of: entry)) }
        case .onLowWasmMemory: found = shared.exports["canister_on_low_wasm_memory"].map { ($0, CanisterExecutor.context(of: entry)) }
        }
        guard let found else {
            switch entry {
            case .update, .query: return .failure(Reject(.canisterMethodNotFound, "canister \(id) has no \(CanisterExecutor.describe(entry))"))
            default: return .failure(Reject(.canisterFunctionNotFound, "canister \(id) has no \(CanisterExecutor.describe(entry))"))
            }
        }
        return .success(found)
    }
}

extension CallSession {
    /// A session for `input` in `context`, charging `fees`, on the canister with these fields
    /// (passed one by one, so that the canister is not copied); `stableMemory` `nil`: not lent
    /// (the module cannot read it).
    convenience init(_ input: MessageInput, context: SystemAPIContext, fees: CyclesFees, canister: CanisterID, balance: Cycles,
                     controllers: [Principal], status: CanisterStatus, version: UInt64, globalTimerNanos: UInt64, stableMemory: LinearMemory?,
                     environment: CallEnvironment) {
        var methodName = ""
        if case .inspectMessage(let method) = input.entry { methodName = method }
        self.init(
            context: context, canister: canister, caller: input.caller, argument: input.argument, methodName: methodName,
            timeNanos: input.timeNanos,
            balance: balance, cyclesAvailable: input.cyclesAvailable, cyclesRefunded: input.cyclesRefunded,
            rejectCode: input.reject.map { $0.code.rawValue } ?? 0, rejectMessage: input.reject?.message ?? "",
            controllers: controllers, statusCode: status.rawValue, version: version,
            globalTimerNanos: globalTimerNanos, stableMemory: stableMemory ?? SystemAPI.unlentStableMemory, environment: environment)
        isStableMemoryLent = stableMemory != nil
        callContextAnswered = input.callContextAnswered
        deadlineNanos = input.deadlineNanos
        self.fees = fees
    }
}
