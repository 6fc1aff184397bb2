import SimCore

/// An ingress message: a user's update call, as consensus puts it in a block.
public struct IngressMessage: Hashable, Sendable {
    /// Its identifier (the IC's request id; here a number unique in the run).
    public var id: UInt64
    /// The user who sent it.
    public var sender: Principal
    /// The canister it calls.
    public var receiver: CanisterID
    /// The method.
    public var method: String
    /// The argument.
    public var argument: [UInt8]
    /// When it expires (IC time, nanoseconds since 1970): a block whose time is later does not
    /// induct it (the IC's `ingress_expiry`). `UInt64.max`: never.
    public var expiryNanos: UInt64

    /// Its modelled size: an envelope of 256 bytes (sender, signature, expiry, nonce) plus
    /// the method name and the argument.
    public var sizeBytes: Int { 256 + method.utf8.count + argument.count }

    /// Message `id` from `sender` calling `method` of `receiver` with `argument`, expiring at
    /// `expiryNanos` (never by default).
    public init(id: UInt64, sender: Principal, receiver: CanisterID, method: String, argument: [UInt8], expiryNanos: UInt64 = .max) {
        self.id = id
        self.expiryNanos = expiryNanos
        self.sender = sender
        self.receiver = receiver
        self.method = method
        self.argument = argument
    }
}

/// What became of an ingress message (the IC's ingress history).
public enum IngressStatus: Hashable, Sendable {
    /// In a canister's queue, or running.
    case processing
    /// Answered with a reply.
    case replied([UInt8])
    /// Answered with a reject.
    case rejected(Reject)
}

/// Who is waiting for a call's answer.
enum CallOrigin: Hashable, Sendable {
    /// A user, through ingress message `id`.
    case ingress(UInt64)
    /// Another canister, whose callback `callback` waits.
    case canister(CanisterID, callback: UInt64)
    /// The system: a heartbeat or the global timer (nobody waits for an answer).
    case system
}

/// A request in a canister's input queue.
struct Request: Hashable, Sendable {
    var origin: CallOrigin
    var caller: Principal
    var receiver: CanisterID
    var method: String
    var argument: [UInt8]
    var cycles: Cycles
    /// A bounded-wait call's deadline (IC time, nanoseconds; 0: guaranteed response).
    var deadlineNanos: UInt64 = 0

    /// Whether a user sent it (ingress: not counted against the input queue's capacity).
    var isIngress: Bool {
        if case .ingress = origin { true } else { false }
    }
}

/// An answer on its way back to the canister that called.
struct CallResponse: Hashable, Sendable {
    var receiver: CanisterID
    var callback: UInt64
    var result: CallOutcome
    /// Cycles the callee did not keep.
    var refund: Cycles
    /// The deadline of the call it answers (0: a guaranteed-response call).
    var deadlineNanos: UInt64 = 0
    /// Whether the system made it because the call's deadline passed (`SYS_UNKNOWN`).
    var deadlineExpired = false
}

/// What waits in a canister's input queue.
enum CanisterInput: Hashable, Sendable {
    case request(Request)
    case response(CallResponse)
}

/// A call into a canister that has not been answered yet: who waits for the answer, the cycles
/// offered and not accepted, and how many of the canister's own calls made on its behalf are
/// still out.
struct CallContext: Hashable, Sendable {
    var origin: CallOrigin
    var caller: Principal
    var cyclesAvailable: Cycles
    var responded = false
    var outstandingCalls = 0
    /// The deadline of the call that opened it (0: none; what `ic0.msg_deadline` returns).
    var deadlineNanos: UInt64 = 0
    /// Instructions its executions used so far (`ic0.performance_counter(1)`).
    var instructionsUsed: UInt64 = 0
}

/// A call the canister made and waits on: its callbacks and the call context it belongs to.
struct PendingCallback: Hashable, Sendable {
    var callContext: UInt64
    var call: OutgoingCall
    /// Whether its call's deadline passed: the system's `SYS_UNKNOWN` reject is on its way
    /// to it, and the callee's response, if it comes, is dropped.
    var expired = false
}

/// An immutable box for a paused message.
final class PausedBox: Sendable {
    let message: PausedMessage
    init(_ message: PausedMessage) { self.message = message }
}

/// A message paused between slices, and what it was for.
struct PausedMessage: Sendable {
    /// The call context a message runs in, and the callback it runs if it is one (for its
    /// cleanup).
    struct Origin: Sendable {
        var callContext: UInt64
        var callback: PendingCallback?
        /// The execution fee prepaid for it (what it did not use is refunded at its end).
        var prepaid: Cycles = .zero
        /// A reject callback's reject (its cleanup reads the code: `ic0.msg_reject_code`).
        var reject: Reject?
    }

    var execution: PausedExecution
    var origin: Origin
}

/// One canister of a subnet with everything the IC keeps around it: its queue of requests and
/// responses, open call contexts, calls it waits on, a paused long message, and its scheduling
/// priority.
public struct CanisterEntry: Sendable {
    /// Bytes of memory it used at the last idle charge (heap and stable memory, in 4 KiB
    /// chunks): what its freezing threshold is computed from. (First, beside the start of
    /// `state`, its balance and chunk counts: the idle charge and the fees read them together.)
    public internal(set) var memoryBytes: UInt64 = 0
    /// The canister.
    public internal(set) var state: CanisterState
    /// System tasks due this round (heartbeat, global timer), run before the queue.
    var tasks: [EntryPoint] = []
    /// Requests and responses waiting, oldest first.
    var queue = InputQueue()
    /// How many requests are in the queue (bounded by the queue capacity).
    var queuedRequests = 0
    /// Open call contexts and pending callbacks, by identifier.
    var callContexts: [UInt64: CallContext] = [:]
    var callbacks: [UInt64: PendingCallback] = [:]
    var nextIdentifier: UInt64 = 1
    /// A long message between slices (boxed: the entry is copied around, the message
    /// rarely exists).
    var paused: PausedMessage? {
        get { pausedBox?.message }
        set { pausedBox = newValue.map(PausedBox.init) }
    }
    var pausedBox: PausedBox?
    /// Whether its code exports `canister_heartbeat` and `canister_global_timer` (looked up
    /// once, when the canister is added).
    var exportsHeartbeat = false
    var exportsGlobalTimer = false
    var exportsInspect = false
    /// The accumulated priority of the IC's scheduler (percent of a round).
    public internal(set) var accumulatedPriority: Int64 = 0


    /// Open call contexts (none once every call into it was answered).
    public var openCallContexts: Int { callContexts.count }

    mutating func takeIdentifier() -> UInt64 {
        defer { nextIdentifier += 1 }
        return nextIdentifier
    }
}

/// A subnet's replicated state as execution sees it: its canisters (in ID order: the order
/// everything iterates in), and the ingress history.
public struct ReplicatedState: Sendable {
    // 27 stored properties: a subnet's whole replicated state, plus the worklists and digests that let a round visit only active canisters and rehash only what changed.
    /// The canisters, by ascending ID.
    public internal(set) var canisters: [CanisterEntry] = []
    /// Where each canister is in `canisters` (looked up, never iterated).
    var positions: [CanisterID: Int] = [:]
    /// What became of each ingress message (looked up, never iterated).
    public internal(set) var ingressHistory = IngressHistory()
    /// Execution rounds run so far.
    public internal(set) var round: UInt64 = 0
    /// Cycles gone for good: fees, and what canisters burned.
    public internal(set) var cyclesBurned: Cycles = .zero
    /// When storage and compute allocation were last charged (`nil`: never).
    var lastIdleChargeNanos: UInt64?
    /// Positions of canisters that may have work (every canister with work is here; one
    /// without may linger until the end of the round), each once, and a flag per position:
    /// rounds look at these instead of every canister.
    var active: [Int] = []
    var isActive: [Bool] = []
    /// Positions of canisters with a heartbeat, or an armed timer (a superset, trimmed as
    /// timers fire).
    var heartbeats: [Int] = []
    var timers: [Int] = []
    /// Digests for hashing the state incrementally, and the canisters that may have changed
    /// since the last hash.
    var digests = StateDigests()
    var touched = PositionSet()
    /// The same since the last hash that included memory.
    var touchedSinceFullHash = PositionSet()
    /// The ingress answers so far, folded in the order they came.
    var answersDigest = SHA256Digest.zero
    /// What changed in the certified part of the state since it was last taken (its hashing
    /// takes time: ``RoundTimeConfiguration/hashingNanos(_:)``).
    var certifiedChanges = CertifiedChanges()
    /// Canisters being stopped.
    var stopping = PositionSet()
    /// How many canisters export `canister_inspect_message` (usually none: every submitted
    /// message then skips the lookup of its canister, a cache miss among thousands).
    var inspectingCanisters = 0
    /// This subnet's number among the simulated subnets, and where other canisters live
    /// (`nil`: a subnet on its own; see ``connect(subnet:routing:)``).
    public internal(set) var subnet = 0
    public internal(set) var routing: RoutingTable?
    /// Streams to other subnets, by ascending destination, and what was taken from theirs, by
    /// ascending source.
    var outgoingStreams: [OutgoingStream] = []
    var incomingStreams: [IncomingStream] = []
    /// Calls to the management canister waiting for the end of the round, and
    /// `stop_canister` calls waiting for their canister to stop.
    var managementQueue: [Request] = []
    var pendingStops: [Request] = []
    /// Canisters created on this subnet so far (for their IDs).
    var createdCanisters: UInt64 = 0
    /// Cycles made from nothing (`provisional_create_canister_with_cycles`).
    public internal(set) var cyclesMinted: Cycles = .zero
    /// The bounded-wait calls whose callbacks wait, by deadline, canister and callback (the
    /// order they expire in), and whether any bounded-wait call was ever made or taken here
    /// (until then, rounds skip looking for expired ones).
    var callbackDeadlines: [CallbackDeadline] = []
    var usesBoundedWait = false

    /// An empty subnet.
    public init() {}

    /// Adds `canister` (replacing one with the same ID).
    public mutating func add(_ canister: CanisterState) {
        add([canister])
    }

    /// Adds `canisters` at once (faster than one by one for many; later ones with an ID
    /// already present replace it).
    public mutating func add(_ canisters: [CanisterState]) {
        var merged = self.canisters
        var positions = self.positions
        for canister in canisters {
            if let position = positions[canister.id] {
                merged[position].state = canister
            } else {
                positions[canister.id] = merged.count
                merged.append(CanisterEntry(state: canister))
            }
        }
        merged.sort { $0.state.id < $1.state.id }
        self.canisters = merged
        self.positions = Dictionary(uniqueKeysWithValues: merged.enumerated().map { ($0.element.state.id, $0.offset) })
        rebuildIndexes()
    }

    /// Recomputes what rounds look up instead of scanning every canister (after canisters
    /// were added, which moves positions).
    mutating func rebuildIndexes() {
        active = []
        heartbeats = []
        timers = []
        stopping = PositionSet()
        markTouched(canisters.indices)
        isActive = Array(repeating: false, count: canisters.count)
        for position in canisters.indices {
            refreshExports(position)
            if canisters[position].state.status == .stopping { stopping.insert(position) }
            if canisters[position].exportsHeartbeat { heartbeats.append(position) }
            if canisters[position].exportsGlobalTimer { timers.append(position) }
            if hasWork(position) { markActive(position) }
        }
        inspectingCanisters = canisters.reduce(0) { $0 + ($1.exportsInspect ? 1 : 0) }
    }

    /// Notes which system entry points canister `position`'s code exports.
    mutating func refreshExports(_ position: Int) {
        let exports = canisters[position].state.installed?.exports ?? [:]
        canisters[position].exportsHeartbeat = exports["canister_heartbeat"] != nil
        canisters[position].exportsGlobalTimer = exports["canister_global_timer"] != nil
        let inspected = canisters[position].exportsInspect
        canisters[position].exportsInspect = exports["canister_inspect_message"] != nil
        inspectingCanisters += (canisters[position].exportsInspect ? 1 : 0) - (inspected ? 1 : 0)
    }

    /// Canister `position`'s code changed (installed, upgraded, uninstalled): its exports are
    /// looked up again, and it joins the heartbeat and timer lists if it needs to.
    mutating func codeChanged(_ position: Int) {
        refreshExports(position)
        if canisters[position].exportsHeartbeat, !heartbeats.contains(position) { heartbeats.append(position) }
        if canisters[position].exportsGlobalTimer, !timers.contains(position) { timers.append(position) }
        markTouched([position])
        if hasWork(position) { markActive(position) }
    }

    /// Whether canister `position` has something to run (read field by field: reading a
    /// computed property of the entry would copy it).
    func hasWork(_ position: Int) -> Bool {
        canisters[position].pausedBox != nil || !canisters[position].tasks.isEmpty || !canisters[position].queue.isEmpty
    }

    /// Whether canister `id` exports `canister_inspect_message`.
    public func inspectsMessages(_ id: CanisterID) -> Bool {
        guard inspectingCanisters > 0, let position = positions[id] else { return false }
        return canisters[position].exportsInspect
    }

    /// Notes that the canisters at `positions` may have changed (for both hashes).
    mutating func markTouched<Positions: Sequence>(_ positions: Positions) where Positions.Element == Int {
        for position in positions {
            touched.insert(position)
            touchedSinceFullHash.insert(position)
        }
    }

    /// Notes that the canisters at `positions` may have changed in what only the full hash
    /// reads (their cycles and memory use, as an idle charge changes them), not in what their
    /// certified leaves hold (ID, module, controllers, certified data): the certified hash then
    /// skips them instead of finding each leaf unchanged.
    mutating func markTouchedForFullHash<Positions: Sequence>(_ positions: Positions) where Positions.Element == Int {
        for position in positions { touchedSinceFullHash.insert(position) }
    }

    /// Notes that canister `position` may have work.
    mutating func markActive(_ position: Int) {
        guard !isActive[position] else { return }
        isActive[position] = true
        active.append(position)
    }

    /// Starts stopping canister `id` (the management canister's `stop_canister`): it takes no
    /// new calls (they are rejected, IC0509), still runs the callbacks of calls it made, and is
    /// stopped once no call into it is open. Whether it exists.
    @discardableResult
    public mutating func stopCanister(_ id: CanisterID) -> Bool {
        guard let position = positions[id] else { return false }
        if canisters[position].state.status == .running {
            canisters[position].state.status = canisters[position].callContexts.isEmpty && canisters[position].pausedBox == nil ? .stopped : .stopping
            stopping.insert(position)
        }
        markTouched([position])
        return true
    }

    /// Runs canister `id` again (`start_canister`). Whether it exists.
    @discardableResult
    public mutating func startCanister(_ id: CanisterID) -> Bool {
        guard let position = positions[id] else { return false }
        canisters[position].state.status = .running
        markTouched([position])
        return true
    }

    /// Stopping canisters with no open call context (and no paused message) become stopped.
    mutating func finishStopping() {
        for position in stopping.take() {
            guard canisters[position].state.status == .stopping else { continue }
            if canisters[position].callContexts.isEmpty && canisters[position].pausedBox == nil {
                canisters[position].state.status = .stopped
                markTouched([position])
            } else {
                stopping.insert(position)
            }
        }
    }

    /// The canister `id`, if the subnet has it.
    public func canister(_ id: CanisterID) -> CanisterState? {
        positions[id].map { canisters[$0].state }
    }

    /// Where canister `id` is in ``canisters`` (`nil`: no such canister), so that a caller can
    /// read its fields in place instead of copying its state.
    public func position(of id: CanisterID) -> Int? { positions[id] }

    /// Every cycle of the subnet: the canisters' balances, what travels with requests and
    /// responses in queues (the management canister's included), what call contexts hold
    /// offered and not accepted, and what was burned. Between rounds it changes only when
    /// canisters are added from outside or cycles are minted (``cyclesMinted``).
    public var cyclesAccountedFor: Cycles {
        var total = cyclesBurned
        for request in managementQueue + pendingStops { total = total + request.cycles }
        for entry in canisters {
            total = total + entry.state.cycles
            for input in entry.queue {
                switch input {
                case .request(let request): total = total + request.cycles
                case .response(let response): total = total + response.refund
                }
            }
            for key in entry.callContexts.keys.sorted() { total = total + (entry.callContexts[key]?.cyclesAvailable ?? .zero) }
        }
        return total
    }

    /// The entry of canister `id`, if any.
    public func entry(_ id: CanisterID) -> CanisterEntry? {
        positions[id].map { canisters[$0] }
    }
}

/// Canister positions, each at most once (a flag per position), in ascending order when taken:
/// what changed since a digest, bounded by the number of canisters however long no digest is
/// taken.
struct PositionSet: Sendable {
    private var flags: [Bool] = []
    private var members: [Int] = []

    mutating func insert(_ position: Int) {
        if position >= flags.count { flags += repeatElement(false, count: position - flags.count + 1) }
        guard !flags[position] else { return }
        flags[position] = true
        members.append(position)
    }

    /// The members in ascending order; the set is then empty.
    mutating func take() -> [Int] {
        for position in members { flags[position] = false }
        defer { members = [] }
        return members.sorted()
    }
}
