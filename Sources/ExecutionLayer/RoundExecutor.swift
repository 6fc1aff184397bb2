/// How a subnet executes a round (Docs/Model.md, "Round", "Instruction limits" and "Queues"
/// under "Execution"; defaults: an application subnet).
public struct RoundConfiguration: Hashable, Sendable {
    /// Execution cores (threads): 4.
    public var cores = 4
    /// Instructions each core may execute per round: 4 billion.
    public var roundInstructionsPerCore: UInt64 = 4_000_000_000
    /// A long message runs at most this much per round (deterministic time slicing): 2 billion.
    public var sliceInstructions: UInt64 = 2_000_000_000
    /// Requests from other canisters a canister's input queue holds: 500 (ingress is not
    /// bounded by it).
    public var queueCapacity = 500
    /// Instructions counted against the round for each message executed: 2 million.
    public var overheadPerMessage: UInt64 = 2_000_000
    /// Instructions counted against the round for each canister that ran: 8 million (a
    /// scheduling limit only: it bounds how many canisters a round runs, and is not counted
    /// in the round's duration).
    public var overheadPerCanister: UInt64 = 8_000_000
    /// How fast a core executes, to turn a round's instructions into virtual time: 2 billion
    /// per second.
    public var instructionsPerSecondPerCore: UInt64 = 2_000_000_000
    /// The most iterations a round runs (each lets requests made in the previous one run);
    /// an assumption of this model, not an IC parameter.
    public var iterationsMax = 32
    /// The limits of single executions.
    public var execution = ExecutionConfiguration()
    /// The fees (a 13-node application subnet's by default).
    public var fees = CyclesFees()
    /// How often storage and compute allocation are charged: every 10 s of virtual time.
    public var idleChargeIntervalNanos: UInt64 = 10_000_000_000

    /// The defaults of an application subnet.
    public init() {}
}

/// What a round did.
public struct RoundReport: Sendable {
    /// The round's number (from 1).
    public var round: UInt64
    /// Instructions each core executed, overheads included.
    public var instructionsPerCore: [UInt64]
    /// Messages executed (a slice of a long message counts once, when it starts).
    public var messagesExecuted = 0
    /// Long messages paused at the end of the round.
    public var messagesPaused = 0
    /// Iterations run.
    public var iterations = 0
    /// Ingress messages answered this round, in the order they were answered.
    public var answered: [(id: UInt64, status: IngressStatus)] = []
    /// Ingress messages of the block that had expired by its time (dropped, never run).
    public var expired: [UInt64] = []
    /// How long the round takes: its busiest core's instructions (executed, and 2 M of
    /// overhead per message, not the per-canister scheduling overhead) at the configured rate.
    public var durationNanos: Int64
}

/// Executes rounds on a ``ReplicatedState``: inducts the ingress messages of a block into the
/// canisters' queues, then, iteration by iteration, lets canisters run their queued requests
/// and responses on the cores until the cores' instruction budgets are used or nothing is left
/// to run. Requests between canisters of the subnet are delivered between iterations, so a
/// call and its answer can complete within one round. Pure and deterministic: canisters run in
/// priority order, ties broken by canister ID.
public struct RoundExecutor: Sendable {
    /// The parameters.
    public var configuration: RoundConfiguration
    var executor: CanisterExecutor { CanisterExecutor(configuration: configuration.execution, fees: configuration.fees) }

    /// An executor with `configuration`.
    public init(configuration: RoundConfiguration = RoundConfiguration()) {
        self.configuration = configuration
    }

    /// Executes one round at `timeNanos` (the block's time) with the block's stream slices
    /// from other subnets (`slices`, inducted first) and ingress messages (`ingress`), in
    /// order.
    public func executeRound(ingress: [IngressMessage], slices: [StreamSlice] = [], timeNanos: UInt64,
                             on state: inout ReplicatedState) -> RoundReport {
        state.round += 1
        var round = RoundState(cores: configuration.cores, budget: configuration.roundInstructionsPerCore, timeNanos: timeNanos,
                               canisters: state.canisters.count)
        chargeIdleFees(&state, timeNanos: timeNanos)
        scheduleSystemTasks(&state, timeNanos: timeNanos)
        for slice in slices { induct(slice, &state, &round) }
        for message in ingress { induct(message, &state, &round) }
        expireBoundedWaitCalls(&state, timeNanos: timeNanos)
        let order = priorityOrder(state)
        var ran = Array(repeating: false, count: state.canisters.count)
        var scheduled = ran
        for position in order { scheduled[position] = true }
        while round.iterations < configuration.iterationsMax, round.cores.contains(where: { $0 > 0 }) {
            round.iterations += 1
            // Those with work at the start, by priority, then those that got some since, by ID.
            var candidates: [Int] = []
            for position in order where state.hasWork(position) && !round.paused[position] { candidates.append(position) }
            var later: [Int] = []
            for position in state.active where !scheduled[position] && state.hasWork(position) && !round.paused[position] {
                later.append(position)
            }
            candidates += later.sorted()
            guard !candidates.isEmpty else { break }
            var progressed = false
            for position in candidates {
                guard let core = round.freestCore() else { break }
                if runCanister(position, on: core, &state, &round) {
                    progressed = true
                    ran[position] = true
                }
            }
            route(&state, &round)
            if !progressed { break }
        }
        updatePriorities(&state, order: order, ran: ran)
        state.finishStopping()
        executeManagement(&state, &round)
        state.markTouched(state.active)
        trimActive(&state)
        return report(state, round)
    }

    /// Forgets canisters left without work.
    func trimActive(_ state: inout ReplicatedState) {
        var kept: [Int] = []
        for position in state.active {
            if state.hasWork(position) { kept.append(position) } else { state.isActive[position] = false }
        }
        state.active = kept
    }

    /// The report of a finished round.
    func report(_ state: ReplicatedState, _ round: RoundState) -> RoundReport {
        let used = round.cores.map { configuration.roundInstructionsPerCore - $0 }
        let busiest = zip(used, round.schedulingOverhead).map { $0 - min($0, $1) }.max() ?? 0
        let rate = max(configuration.instructionsPerSecondPerCore, 1)
        let (seconds, rest) = busiest.quotientAndRemainder(dividingBy: rate)
        let nanos = seconds &* 1_000_000_000 &+ rest &* 1_000_000_000 / rate
        var paused = 0
        for position in state.active where state.canisters[position].pausedBox != nil { paused += 1 }
        return RoundReport(
            round: state.round, instructionsPerCore: used, messagesExecuted: round.messagesExecuted,
            messagesPaused: paused, iterations: round.iterations,
            answered: round.answered, expired: round.expired, durationNanos: Int64(min(nanos, UInt64(Int64.max))))
    }
}

/// The running state of one round: the cores' remaining budgets, messages waiting to be routed,
/// answers to ingress.
struct RoundState {
    var cores: [UInt64]
    /// Per core, the per-canister overhead charged (part of the budget, not of the duration).
    var schedulingOverhead: [UInt64]
    let timeNanos: UInt64
    var iterations = 0
    var messagesExecuted = 0
    var outgoing: [CanisterInput] = []
    var answered: [(id: UInt64, status: IngressStatus)] = []
    var expired: [UInt64] = []
    /// Canisters whose message paused this round, by position: a long message gets one
    /// slice per round, and its canister runs nothing else meanwhile.
    var paused: [Bool]

    init(cores count: Int, budget: UInt64, timeNanos: UInt64, canisters: Int) {
        cores = Array(repeating: budget, count: max(count, 1))
        schedulingOverhead = Array(repeating: 0, count: max(count, 1))
        self.timeNanos = timeNanos
        paused = Array(repeating: false, count: canisters)
    }

    /// The core with the most budget left (the lowest-numbered among equals), if any has some.
    func freestCore() -> Int? {
        guard let best = cores.indices.max(by: { (cores[$0], $1) < (cores[$1], $0) }), cores[best] > 0 else { return nil }
        return best
    }

    /// Counts `instructions` against `core` (`scheduling`: overhead that limits the round
    /// but takes no time).
    mutating func charge(_ instructions: UInt64, to core: Int, scheduling: Bool = false) {
        let charged = min(cores[core], instructions)
        cores[core] -= charged
        if scheduling { schedulingOverhead[core] += charged }
    }
}
