import Wasm

/// How a subnet executes a round (Docs/Model.md, "Round", "Round time", "Instruction limits"
/// and "Queues" under "Execution"; defaults: an application subnet).
public struct RoundConfiguration: Hashable, Sendable {
    /// Execution cores (threads): 4.
    public var cores = 4
    /// The round's instruction limit (the IC's `max_instructions_per_round`): 7 billion on an
    /// application subnet. In each iteration every core may execute what the round has left;
    /// after it, the busiest core's instructions and the finalization overhead are taken from
    /// it, so the limit bounds the round's critical path (its duration), not each core's sum.
    public var roundInstructionsPerCore: UInt64 = 7_000_000_000
    /// A long message runs at most this much per round (deterministic time slicing): 2 billion.
    public var sliceInstructions: UInt64 = 2_000_000_000
    /// Requests from other canisters a canister's input queue holds: 500 (ingress is not
    /// bounded by it).
    public var queueCapacity = 500
    /// Instructions each execution costs on its core, besides what it executes (entering and
    /// leaving the Wasm engine): 2 million.
    public var overheadPerMessage: UInt64 = 2_000_000
    /// Instructions each canister a core runs in an iteration costs on that core (preparing
    /// its execution): 8 million.
    public var overheadPerCanister: UInt64 = 8_000_000
    /// Instructions per canister of the subnet (every canister, with work or not) that each
    /// iteration's finalization costs, after the cores finished it: 12 thousand.
    public var overheadPerCanisterForFinalization: UInt64 = 12_000
    /// How fast a core executes, to turn a round's instructions into virtual time: 2 billion
    /// per second.
    public var instructionsPerSecondPerCore: UInt64 = 2_000_000_000
    /// The time, before execution, to induct the block's messages, and after it to hash the
    /// certified state's changes (``RoundTimeConfiguration``).
    public var time = RoundTimeConfiguration()
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

    /// `instructions` as virtual time at one core's rate.
    func nanos(_ instructions: UInt64) -> Int64 {
        let rate = max(instructionsPerSecondPerCore, 1)
        let (seconds, rest) = instructions.quotientAndRemainder(dividingBy: rate)
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanos.overflow else { return Int64.max / 4 }
        let fraction = rate.dividingFullWidth(rest.multipliedFullWidth(by: 1_000_000_000)).quotient
        return Int64(min(nanos.partialValue &+ fraction, UInt64(Int64.max / 4)))
    }
}

/// What a round did.
public struct RoundReport: Sendable {
    /// The round's number (from 1).
    public var round: UInt64
    /// Instructions each core executed, overheads included (not the finalization's).
    public var instructionsPerCore: [UInt64]
    /// Messages executed (a slice of a long message counts once, when it starts).
    public var messagesExecuted = 0
    /// Long messages paused at the end of the round.
    public var messagesPaused = 0
    /// Iterations run.
    public var iterations = 0
    /// Messages inducted from the block: its ingress messages and the stream messages
    /// delivered.
    public var messagesInducted = 0
    /// Ingress messages answered this round, in the order they were answered.
    public var answered: [(id: UInt64, status: IngressStatus)] = []
    /// Ingress messages of the block that had expired by its time (dropped, never run).
    public var expired: [UInt64] = []
    /// How long the round takes, part by part: induction, execution and finalization here;
    /// the subnet adds the hashing of the certified state and a checkpoint's write.
    public var time = RoundTime()
    /// How long the round takes (``RoundTime/totalNanos``).
    public var durationNanos: Int64 { time.totalNanos }
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
                               canisters: state.canisters.count, executor: executor)
        round.inducted = ingress.count
        round.executionPrepayment = configuration.fees.executionPrepayment(limit: configuration.execution.updateInstructionsMax)
        chargeIdleFees(&state, timeNanos: timeNanos)
        scheduleSystemTasks(&state, timeNanos: timeNanos)
        for slice in slices { induct(slice, &state, &round) }
        for message in ingress { induct(message, &state, &round) }
        expireBoundedWaitCalls(&state, timeNanos: timeNanos)
        let order = priorityOrder(state)
        var ran = Array(repeating: false, count: state.canisters.count)
        var scheduled = ran
        for position in order { scheduled[position] = true }
        while round.iterations < configuration.iterationsMax, round.remaining > 0 {
            round.iterations += 1
            round.startPhase()
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
            round.endPhase(finalization: configuration.overheadPerCanisterForFinalization &* UInt64(state.canisters.count))
            if !progressed { break }
        }
        updatePriorities(&state, order: order, ran: ran)
        state.finishStopping()
        round.startPhase()
        executeManagement(&state, &round)
        round.endPhase(finalization: 0)
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
        var paused = 0
        for position in state.active where state.canisters[position].pausedBox != nil { paused += 1 }
        let time = RoundTime(
            inductionNanos: configuration.time.inductionNanos(messages: round.inducted),
            executionNanos: configuration.nanos(round.criticalPathInstructions),
            finalizationNanos: configuration.nanos(round.finalizationInstructions))
        return RoundReport(
            round: state.round, instructionsPerCore: round.used, messagesExecuted: round.messagesExecuted,
            messagesPaused: paused, iterations: round.iterations, messagesInducted: round.inducted,
            answered: round.answered, expired: round.expired, time: time)
    }
}

/// The running state of one round: the cores' budgets and use, messages waiting to be
/// routed, answers to ingress.
///
/// The round runs in phases (its iterations, then the management canister's calls): in each,
/// every core may use what the round has left; when the phase ends, its busiest core's
/// instructions and the finalization that follows it are the round's critical path, and are
/// taken from what it has left (dfinity/ic's scheduler: `round_limits.instructions` loses the
/// thread that executed the most, then the finalization overhead, after each iteration).
struct RoundState {
    /// What each core may still use in this phase.
    var cores: [UInt64]
    /// What each core executed in this round (overheads included): its time.
    var used: [UInt64]
    /// What each core executed in this phase.
    var usedInPhase: [UInt64]
    /// What the round has left of its instruction limit.
    var remaining: UInt64
    /// Instructions on the round's critical path: the busiest core of each phase.
    var criticalPathInstructions: UInt64 = 0
    /// Instructions of the finalizations after the iterations.
    var finalizationInstructions: UInt64 = 0
    /// Messages inducted (ingress of the block and messages from streams).
    var inducted = 0
    let timeNanos: UInt64
    var iterations = 0
    var messagesExecuted = 0
    var outgoing: [CanisterInput] = []
    var answered: [(id: UInt64, status: IngressStatus)] = []
    var expired: [UInt64] = []
    /// Canisters whose message paused this round, by position: a long message gets one
    /// slice per round, and its canister runs nothing else meanwhile.
    var paused: [Bool]
    /// What executing a message costs up front (the same for every message of the round).
    var executionPrepayment: Cycles = .zero
    /// The value stack, frames and undo journal each message leaves for the next (the round
    /// runs its messages one after another; a local of the round, never shared).
    var scratch = ExecutionScratch()
    /// The update methods the round's messages looked up (``MethodMemo``).
    var methods = MethodMemo()
    /// What runs the round's messages (made once a round: making it copies the configuration).
    let executor: CanisterExecutor

    init(cores count: Int, budget: UInt64, timeNanos: UInt64, canisters: Int, executor: CanisterExecutor) {
        self.executor = executor
        cores = Array(repeating: budget, count: max(count, 1))
        used = Array(repeating: 0, count: max(count, 1))
        usedInPhase = used
        remaining = budget
        self.timeNanos = timeNanos
        paused = Array(repeating: false, count: canisters)
    }

    /// The core with the most budget left in this phase (the lowest-numbered among equals),
    /// if any has some.
    func freestCore() -> Int? {
        guard let best = cores.indices.max(by: { (cores[$0], $1) < (cores[$1], $0) }), cores[best] > 0 else { return nil }
        return best
    }

    /// Starts a phase: every core may use what the round has left.
    mutating func startPhase() {
        for core in cores.indices {
            cores[core] = remaining
            usedInPhase[core] = 0
        }
    }

    /// Ends a phase followed by `finalization` instructions of the scheduler's: both go on
    /// the critical path and are taken from what the round has left.
    mutating func endPhase(finalization: UInt64) {
        let busiest = usedInPhase.max() ?? 0
        criticalPathInstructions &+= busiest
        finalizationInstructions &+= finalization
        remaining -= min(remaining, busiest &+ finalization)
    }

    /// Counts `instructions` executed on `core`: all of them as its time, as much as it has
    /// left against its budget.
    mutating func charge(_ instructions: UInt64, to core: Int) {
        cores[core] -= min(cores[core], instructions)
        used[core] &+= instructions
        usedInPhase[core] &+= instructions
    }
}
