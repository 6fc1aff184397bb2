import SimCore
import Wasm

/// The instruction limits of one execution (../shared/MODEL.md section 4, application subnet).
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
    /// Instructions it used (System API charges included).
    public var instructions: UInt64
    /// The calls it made (none if it trapped: a trap discards them).
    public var calls: [OutgoingCall]
}

/// Runs canister code: installs modules and executes messages against a ``CanisterState``,
/// committing a message's effects (heap, globals, stable memory, cycles, certified data,
/// timer) only when it does not trap, and never committing a query's. Pure: no clock, no I/O;
/// the time comes with each message.
public struct CanisterExecutor: Sendable {
    /// The limits.
    public var configuration: ExecutionConfiguration

    /// An executor with `configuration`.
    public init(configuration: ExecutionConfiguration = ExecutionConfiguration()) {
        self.configuration = configuration
    }

    // MARK: - Messages

    /// Executes update method `method` (or a query method, run as an update) with `argument`
    /// from `caller`, offering `cycles`, at `timeNanos`. On a trap the canister is left as it
    /// was before the message.
    public func update(
        _ method: String, argument: [UInt8], caller: Principal, cycles: Cycles = .zero, timeNanos: UInt64,
        on canister: inout CanisterState
    ) -> MessageResult {
        if let reject = refusal(of: method, on: canister, kinds: ["canister_update", "canister_query"]) {
            return MessageResult(outcome: .rejected(reject), instructions: 0, calls: [])
        }
        let isQuery = canister.exportedFunction("canister_update", method) == nil
        let function = canister.exportedFunction(isQuery ? "canister_query" : "canister_update", method)
        let session = makeSession(isQuery ? .replicatedQuery : .update, canister, caller: caller, argument: argument,
                                  timeNanos: timeNanos, cyclesAvailable: cycles)
        return execute(function, session, limit: configuration.updateInstructionsMax, on: &canister)
    }

    /// Executes query method `method` on a copy of `canister` (non-replicated: whatever it
    /// changes is dropped).
    public func query(_ method: String, argument: [UInt8], caller: Principal, timeNanos: UInt64, on canister: CanisterState) -> MessageResult {
        if let reject = refusal(of: method, on: canister, kinds: ["canister_query"]) {
            return MessageResult(outcome: .rejected(reject), instructions: 0, calls: [])
        }
        var scratch = canister
        let session = makeSession(.nonReplicatedQuery, canister, caller: caller, argument: argument, timeNanos: timeNanos)
        var result = execute(scratch.exportedFunction("canister_query", method), session, limit: configuration.queryInstructionsMax, on: &scratch)
        result.calls = []
        return result
    }

    /// Why a message to `method` cannot run at all, if it cannot.
    func refusal(of method: String, on canister: CanisterState, kinds: [String]) -> Reject? {
        guard canister.code != nil else {
            return Reject(.canisterWasmModuleNotFound, "canister \(canister.id) has no Wasm module installed")
        }
        switch canister.status {
        case .running: break
        case .stopping: return Reject(.canisterStopping, "canister \(canister.id) is stopping")
        case .stopped: return Reject(.canisterStopped, "canister \(canister.id) is stopped")
        }
        guard kinds.contains(where: { canister.exportedFunction($0, method) != nil }) else {
            let kind = kinds.count == 1 ? "query" : "update"
            return Reject(.canisterMethodNotFound, "canister \(canister.id) has no \(kind) method '\(method)'")
        }
        return nil
    }

    /// A session for a call of `context` into `canister`.
    func makeSession(
        _ context: SystemAPIContext, _ canister: CanisterState, caller: Principal, argument: [UInt8], timeNanos: UInt64,
        cyclesAvailable: Cycles = .zero
    ) -> CallSession {
        CallSession(
            context: context, canister: canister.id, caller: caller, argument: argument, timeNanos: timeNanos,
            balance: canister.cycles, cyclesAvailable: cyclesAvailable, controllers: canister.controllers,
            statusCode: canister.status.rawValue, version: canister.version, globalTimerNanos: canister.globalTimerNanos,
            stableMemory: canister.stableMemory)
    }

    /// Runs `function` with `session`, then commits its effects or, if it trapped, keeps only
    /// its log (and the cycles it was offered go back: they were never accepted).
    func execute(_ function: UInt32?, _ session: CallSession, limit: UInt64, on canister: inout CanisterState) -> MessageResult {
        guard let function, var code = canister.code else {
            return MessageResult(outcome: .rejected(Reject(.canisterWasmModuleNotFound, "no such function")), instructions: 0, calls: [])
        }
        let (trap, instructions) = run(function, &code.instance, session, limit: limit)
        canister.appendLog(session.log, timeNanos: session.timeNanos)
        if let trap {
            return MessageResult(outcome: .rejected(reject(for: trap, canister.id)), instructions: instructions, calls: [])
        }
        canister.code = code
        commit(session, to: &canister)
        let outcome: CallOutcome
        switch session.response {
        case .reply(let bytes): outcome = .replied(bytes)
        case .reject(let message): outcome = .rejected(Reject(canisterMessage: message))
        case nil:
            outcome = session.performedCalls.isEmpty
                ? .rejected(Reject(.canisterDidNotReply, "canister \(canister.id) did not produce a response"))
                : .awaitingCallbacks
        }
        return MessageResult(outcome: outcome, instructions: instructions, calls: session.performedCalls)
    }

    /// Keeps what a call that did not trap changed besides the instance.
    func commit(_ session: CallSession, to canister: inout CanisterState) {
        canister.stableMemory = session.stableMemory
        // Offered cycles not accepted go back to the caller; the canister keeps its balance.
        canister.cycles = session.balance
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
        case .host(let message) where message.hasPrefix(SystemAPI.explicitTrapPrefix):
            return Reject(.canisterCalledTrap, "canister \(canister) trapped explicitly\(place): \(message.dropFirst(SystemAPI.explicitTrapPrefix.count))")
        case .host(let message):
            return Reject(.canisterTrapped, "canister \(canister) trapped\(place): \(message)")
        default:
            return Reject(.canisterTrapped, "canister \(canister) trapped\(place): \(trap.reason)")
        }
    }
}
