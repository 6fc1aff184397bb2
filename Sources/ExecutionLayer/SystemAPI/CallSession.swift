import Wasm

/// A callback: a function table index and the environment value it is called with.
public struct Callback: Hashable, Sendable {
    /// The index in the canister's function table.
    public var function: UInt32
    /// The value passed to it: an i32 in a module with a 32-bit memory, an i64 with a 64-bit
    /// one (the spec's `I`).
    public var environment: UInt64

    /// Function `function` with `environment`.
    public init(function: UInt32, environment: UInt64) {
        self.function = function
        self.environment = environment
    }
}

/// A call the canister made (with `ic0.call_new` ... `ic0.call_perform`): its callee, method,
/// argument, cycles, and its callbacks.
public struct OutgoingCall: Hashable, Sendable {
    /// The callee.
    public var callee: Principal
    /// The method.
    public var method: String
    /// The argument.
    public var argument: [UInt8] = []
    /// Cycles sent with it (taken from the caller's balance).
    public var cycles: Cycles = .zero
    /// Called with the reply.
    public var reply: Callback
    /// Called with a reject.
    public var reject: Callback
    /// Called if the reply or reject callback traps.
    public var cleanup: Callback?
    /// The timeout `ic0.call_with_best_effort_response` gave it, clamped (`nil`: a
    /// guaranteed-response call).
    public var timeoutSeconds: UInt32?
    /// The deadline the timeout makes (IC time in nanoseconds, whole seconds; 0: none).
    public var deadlineNanos: UInt64 = 0
}

/// How a message was answered.
public enum Response: Hashable, Sendable {
    /// `ic0.msg_reply` with these bytes.
    case reply([UInt8])
    /// `ic0.msg_reject` with this message (code `CANISTER_REJECT`).
    case reject(String)
}

/// What one call into a canister sees and changes through the System API: lent to the host
/// functions through ``WasmInstance/hostState`` while the call runs, read back by the executor
/// after. A class, because host functions are shared closures; only one call uses a session,
/// on one thread, and the executor takes its results when the call ends.
///
/// Its variables are `@exclusivity(unchecked)`: no access to one overlaps another (a host
/// function reads or writes a field and returns; nothing holds an access across a call), so
/// the runtime's dynamic exclusivity checks (about 76 instructions an access, a dozen or more
/// a message) only cost time.
public final class CallSession: @unchecked Sendable {
    // 35 stored properties: everything one call can read or change through the System API, which its host functions share.
    /// Where the call runs.
    public let context: SystemAPIContext
    /// The canister.
    public let canister: CanisterID
    /// Who called (the user, the calling canister, or the canister itself for system tasks).
    public let caller: Principal
    /// The argument (in a reply callback: the reply's bytes).
    public let argument: [UInt8]
    /// The method (for `canister_inspect_message`).
    public let methodName: String
    /// The time (nanoseconds since 1970), constant through the call.
    public let timeNanos: UInt64
    /// In callbacks: the reject code (0 in a reply callback) and message.
    public let rejectCode: Int32
    public let rejectMessage: String
    /// The canister's controllers, status code (1 running, 2 stopping, 3 stopped) and version.
    public let controllers: [Principal]
    public let statusCode: UInt32
    public let version: UInt64
    /// Cycles refunded by the callee (callbacks).
    public let cyclesRefunded: Cycles
    /// The deadline of the call being executed (`ic0.msg_deadline`; in callbacks, of the
    /// call whose context they run in): IC time in nanoseconds, 0 for a guaranteed-response
    /// call, an ingress message or a system task.
    @exclusivity(unchecked) public internal(set) var deadlineNanos: UInt64 = 0

    /// The canister's balance (changed by accepting, sending and burning cycles), and what it
    /// was when the call started.
    @exclusivity(unchecked) public internal(set) var balance: Cycles
    let initialBalance: Cycles
    /// Cycles offered with the call and not accepted yet, and all that were offered.
    @exclusivity(unchecked) public internal(set) var cyclesAvailable: Cycles
    let offeredCycles: Cycles
    /// The reply being assembled, and the response once given.
    @exclusivity(unchecked) public internal(set) var replyBuffer: [UInt8] = []
    @exclusivity(unchecked) public internal(set) var response: Response?
    /// The call being assembled, and the calls performed.
    @exclusivity(unchecked) public internal(set) var pendingCall: OutgoingCall?
    @exclusivity(unchecked) public internal(set) var performedCalls: [OutgoingCall] = []
    /// The method names and arguments of ``performedCalls``, in bytes.
    @exclusivity(unchecked) var performedCallBytes = 0
    /// New certified data and global timer, if the call set them.
    @exclusivity(unchecked) public internal(set) var certifiedData: [UInt8]?
    @exclusivity(unchecked) public internal(set) var globalTimerNanos: UInt64?
    /// The global timer before the call (what `ic0.global_timer_set` returns first).
    let previousGlobalTimerNanos: UInt64
    /// Lines the canister printed (`ic0.debug_print`): the last ones that fit in
    /// ``SystemAPI/logBytesMax`` (the newest always kept).
    @exclusivity(unchecked) public internal(set) var log: [String] = []
    /// What ``log`` counts against ``SystemAPI/logBytesMax``.
    @exclusivity(unchecked) private var logBytes = 0
    /// Lines printed and dropped from ``log`` since (older than what it holds).
    @exclusivity(unchecked) public private(set) var logLinesDropped = 0
    /// Whether the call context was answered before this call (by an earlier callback): no
    /// reply or reject is possible then.
    @exclusivity(unchecked) var callContextAnswered = false
    /// Whether `canister_inspect_message` accepted the message.
    @exclusivity(unchecked) public internal(set) var acceptedMessage = false
    /// The canister's stable memory, lent for the call.
    public internal(set) var stableMemory: LinearMemory {
        _read { yield lentStableMemory }
        _modify {
            stableMemoryMayHaveChanged = true
            yield &lentStableMemory
        }
    }
    /// ``stableMemory``'s storage, and whether anything accessed it to change it (every
    /// mutation goes through ``stableMemory``'s `_modify`, which sets it): a call that never
    /// did holds the stable memory exactly as it was lent, so the executor need not give it back.
    @exclusivity(unchecked) private var lentStableMemory: LinearMemory
    @exclusivity(unchecked) private(set) var stableMemoryMayHaveChanged = false
    /// Whether ``stableMemory`` is the canister's (else ``SystemAPI/unlentStableMemory``, for a
    /// module that cannot read it: nothing is given back then).
    @exclusivity(unchecked) var isStableMemoryLent = true
    /// Cycles burned with `ic0.cycles_burn128`.
    @exclusivity(unchecked) public internal(set) var cyclesBurned: Cycles = .zero
    /// What the call may read of its canister and subnet besides the message (subnet ID, root
    /// key, environment variables, data certificate, cycles withheld, call-context
    /// instructions).
    @exclusivity(unchecked) public internal(set) var environment: CallEnvironment
    /// The fees calls cost, and what they cost so far.
    @exclusivity(unchecked) var fees = CyclesFees.free
    @exclusivity(unchecked) public internal(set) var feesPaid: Cycles = .zero
    /// What of its environment the call read that a query cache must watch (the time, the
    /// balance, the data certificate).
    @exclusivity(unchecked) public internal(set) var environmentReads: EnvironmentReads = []

    /// Adds a printed line, dropping the oldest lines past ``SystemAPI/logBytesMax``.
    func appendLog(_ line: String) {
        log.append(line)
        let (dropped, left) = SystemAPI.logOverflow(log.dropLast(), bytes: logBytes + SystemAPI.logBytes(of: line))
        logBytes = left
        log.removeFirst(dropped)
        logLinesDropped += dropped
    }

    /// A session for a call of `context` into `canister`.
    public init(
        context: SystemAPIContext, canister: CanisterID, caller: Principal, argument: [UInt8], methodName: String = "",
        timeNanos: UInt64, balance: Cycles, cyclesAvailable: Cycles = .zero, cyclesRefunded: Cycles = .zero,
        rejectCode: Int32 = 0, rejectMessage: String = "", controllers: [Principal] = [], statusCode: UInt32 = 1,
        version: UInt64 = 0, globalTimerNanos: UInt64 = 0, stableMemory: LinearMemory, environment: CallEnvironment = CallEnvironment()
    ) {
        self.context = context
        self.canister = canister
        self.caller = caller
        self.argument = argument
        self.methodName = methodName
        self.timeNanos = timeNanos
        self.balance = balance
        initialBalance = balance
        self.cyclesAvailable = cyclesAvailable
        offeredCycles = cyclesAvailable
        self.cyclesRefunded = cyclesRefunded
        self.rejectCode = rejectCode
        self.rejectMessage = rejectMessage
        self.controllers = controllers
        self.statusCode = statusCode
        self.version = version
        previousGlobalTimerNanos = globalTimerNanos
        lentStableMemory = stableMemory
        self.environment = environment
    }
}
