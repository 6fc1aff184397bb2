import SimCore
import ExecutionLayer
import InternetComputer

/// A scenario running: its subnets (``InternetComputerSimulation``) and its clients
/// (``Workload``) in one virtual time. The clients are the subnets' users, lane 0 of the
/// kernel's ``LaneMerge``: their events and the subnets' are handled in time order (ties: the
/// clients first, then the lower subnet), so a run replays exactly; the trace hash folds the
/// subnets' traces and the clients'.
public struct ScenarioSimulation {
    /// The scenario.
    public let scenario: Scenario
    /// The subnets.
    public internal(set) var internetComputer: InternetComputerSimulation
    /// The clients' lane: their events, their trace, and the time series sampled with them.
    var clients: ClientLane

    /// Where Candid plugs in: encodes Candid text arguments, shows replies, compares them
    /// with expected Candid values.
    package let candid: CandidBridge

    /// The scenario ready to run, with its canisters' `modules` (``Scenario/modules(readFile:)``)
    /// and the text of their `did` files (``Scenario/candidInterfaces(readFile:)``; by
    /// canister index, empty when none has one).
    /// - Throws: ``ScenarioError`` for every problem of the scenario, for each argument or
    ///   expectation written as Candid text that cannot be used, and for each module that
    ///   does not install (at `canisters[i].wasm`).
    ///   With `recordsTimeline`, every subnet keeps the timeline a trace viewer shows
    ///   (``SubnetMetrics/timeline``, for ``ChromeTrace``).
    public init(scenario: Scenario, modules: [[UInt8]], interfaces: [String?] = [], recordsTimeline: Bool = false) throws(ScenarioError) {
        var problems = scenario.problems()
        if modules.count != scenario.canisters.count {
            problems.append(JSONProblem(JSONPath().appending("canisters"), "\(modules.count) modules for \(scenario.canisters.count) canisters"))
        }
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        let candid = CandidBridge(scenario: scenario, modules: modules, interfaces: interfaces)
        // The run executes the scenario with its Candid text encoded; reports show the one written.
        let encoded = try candid.encodingArguments(of: scenario)
        var configuration = encoded.configuration(modules: modules)
        for index in configuration.subnets.indices { configuration.subnets[index].recordsTimeline = recordsTimeline }
        problems = Self.installProblems(configuration, scenario)
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        self.scenario = scenario
        self.candid = candid
        internetComputer = InternetComputerSimulation(configuration: configuration)
        let workload = Workload(scenario: encoded, configuration: configuration)
        let sampler = FinalizedHeightSampler(subnetCount: configuration.subnets.count, bucket: workload.bucket, end: .zero + scenario.duration)
        clients = ClientLane(simulation: Simulation(model: workload), sampler: sampler, subnetCount: configuration.subnets.count)
        clients.start()
    }

    /// The configuration's problems, each at the path of the scenario value at fault: a
    /// module that does not install is reported at its canister's `wasm` (each subnet's
    /// canisters installed on trial; anything else the configuration refuses is a problem of
    /// the scenario's validation, reported at the root).
    static func installProblems(_ configuration: InternetComputerConfiguration, _ scenario: Scenario) -> [JSONProblem] {
        var problems = configuration.problems(installingCanisters: false).map {
            JSONProblem(JSONPath(), "the scenario maps to an invalid configuration: \($0)")
        }
        // Canister `j` of subnet `i` is the j-th scenario canister placed on subnet i.
        var placed: [[Int]] = Array(repeating: [], count: configuration.subnets.count)
        for (index, canister) in scenario.canisters.enumerated() {
            if let subnet = scenario.subnetIndex(of: canister) { placed[subnet].append(index) }
        }
        for (subnet, setup) in configuration.subnets.enumerated() {
            for (position, reject) in SubnetExecution.install(setup.canisters, round: setup.round).problems where placed[subnet].indices.contains(position) {
                problems.append(JSONProblem(JSONPath().appending("canisters").appending(placed[subnet][position]).appending("wasm"), reject.description))
            }
        }
        return problems
    }

    /// The clients.
    public var workload: Workload { clients.simulation.model }
    /// The finalized heights over time.
    public var sampler: FinalizedHeightSampler { clients.sampler }
    /// Client events handled.
    public var workloadEvents: UInt64 { clients.simulation.eventsProcessed }
    /// What the testing tools plant between the clients and the IC (`nil` in every real run;
    /// package access only: no user and no scenario file can set it).
    package var clientEventHook: (any ClientEventHook)? {
        get { clients.hook }
        set { clients.hook = newValue }
    }

    /// Calls `observer` with every event handled from now on: the subnet's number, or `nil`
    /// for the clients' events (for event traces; it must not affect the run).
    public mutating func observeEvents(_ observer: @escaping (Int?, TraceEntry) -> Void) {
        internetComputer.observeEvents { observer($0, $1) }
        clients.simulation.traceObserver = { observer(nil, $0) }
    }

    /// The current virtual time.
    public var now: SimInstant { max(internetComputer.now, clients.simulation.now) }

    /// Events handled, subnets and clients.
    public var eventsProcessed: UInt64 { internetComputer.eventsProcessed + workloadEvents }

    /// Runs until `time`, the subnets on up to `threads` threads in windows (the result is
    /// the same for every thread count: ``InternetComputerSimulation/run(until:users:threads:progressEvery:progress:)``),
    /// calling `progress` with the virtual time reached and the subnets' events about every
    /// `progressEvery` of them (for a progress line; it must not affect the run).
    public mutating func run(until time: SimInstant, threads: Int = 1, progressEvery: UInt64 = 1 << 18,
                             progress: (SimInstant, UInt64) -> Void = { _, _ in }) {
        internetComputer.run(until: time, users: &clients, threads: threads, progressEvery: progressEvery, progress: progress)
        clients.simulation.advance(to: time)
    }

    /// Runs until `time` one event at a time, without windows: the order a windowed run
    /// reproduces (the oracle of the tests that show it does).
    package mutating func runOneEventAtATime(until time: SimInstant) {
        while internetComputer.step(notAfter: time, users: &clients) {}
        internetComputer.finish(at: time)
        clients.simulation.advance(to: time)
    }

    /// Runs the whole scenario, the subnets on up to `threads` threads.
    public mutating func run(threads: Int = 1, progress: (SimInstant, UInt64) -> Void = { _, _ in }) {
        run(until: .zero + scenario.duration, threads: threads, progress: progress)
    }

    /// The trace hash of the run: the clients' trace and the subnets'
    /// (``InternetComputerSimulation/traceHash``) folded together.
    public var traceHash: String {
        var hash = TraceHash()
        hash.fold(time: internetComputer.now, record: TraceRecord(kind: TraceKinds.sample, actor: 0, payloadDigest: clients.simulation.traceHash.value))
        internetComputer.foldSubnetTraces(into: &hash)
        return hash.hexDigest
    }
}

/// The clients as the subnets' users: their events in their own queue and trace (a
/// ``Simulation`` of the ``Workload``), handled against the IC's HTTP interface; the
/// time-series samples share their queue.
struct ClientLane: InternetComputerUsers {
    var simulation: Simulation<Workload>
    var sampler: FinalizedHeightSampler
    /// What the testing tools planted (`nil` in every real run).
    var hook: (any ClientEventHook)? {
        didSet { isHooked = hook != nil }
    }
    /// Whether ``hook`` is set: checked per event instead of the optional existential (even
    /// matching it against `nil` copied it, about 80 instructions an event).
    private(set) var isHooked = false
    /// The pending events' times by the subnet each touches, for the per-subnet horizons of a
    /// windowed run (`nil` with one subnet: the users' next event is every subnet's). Kept up
    /// to date by scheduling each event's new events first in a queue of their own
    /// (``staging``, ``admitStaged(after:)``).
    var touches: PendingTouches?
    /// Where an event's new events are scheduled first, to be noted by subnet (empty between
    /// events; kept, so that its storage is reused).
    var staging = Scheduler<WorkloadEvent>()
    /// Each client's one subnet (``Workload/subnetOfEachClient``).
    let clientSubnets: [Int?]
    /// Whether every client calls one subnet.
    let everyClientHasOneSubnet: Bool

    /// The clients of `simulation`, with `sampler`, on `subnetCount` subnets (not started:
    /// ``start()``).
    init(simulation: Simulation<Workload>, sampler: FinalizedHeightSampler, subnetCount: Int) {
        self.simulation = simulation
        self.sampler = sampler
        clientSubnets = simulation.model.subnetOfEachClient
        everyClientHasOneSubnet = !clientSubnets.contains(nil)
        touches = subnetCount > 1 ? PendingTouches(subnetCount: subnetCount) : nil
    }

    /// Schedules the clients' first events and the first sample.
    mutating func start() {
        guard touches != nil else {
            simulation.model.start(&simulation.scheduler)
            return sampler.start(&simulation.scheduler)
        }
        simulation.model.start(&staging)
        sampler.start(&staging)
        admitStaged(after: nil)
    }

    var nextEventTime: SimInstant? { simulation.scheduler.nextEventTime }

    func nextEventTime(touchingSubnet subnet: Int) -> SimInstant? {
        guard let touches else { return nextEventTime }
        return touches.nextTime(touching: subnet)
    }

    /// Each client calls one subnet (``Workload/subnetOfEachClient``), and a client's events
    /// schedule only its own (the samples only samples), so they keep to their subnets, unless
    /// a testing tool's hook may read the IC at any event. ``admitStaged(after:)`` and
    /// ``answersVisible(_:)`` check it.
    var keepToTheirSubnets: Bool {
        mayKeepToTheirSubnets && touches != nil && !isHooked && everyClientHasOneSubnet
    }
    /// Whether ``keepToTheirSubnets`` may hold (a test seam: `false` bounds every subnet by
    /// the floor, as for users that claim nothing).
    var mayKeepToTheirSubnets = true

    /// The subnet `event` reads or changes (`nil`: every subnet).
    func subnet(touchedBy event: WorkloadEvent) -> Int? {
        guard let client = simulation.model.client(of: event), clientSubnets.indices.contains(client) else { return nil }
        return clientSubnets[client]
    }

    /// Moves the events `staging` holds into the clients' queue, noting the subnet each
    /// touches. They are taken in (time, insertion) order, so the queue orders them as if
    /// scheduled there directly: by time, and in their order of insertion at equal times,
    /// after every event already pending (the lane an event would have taken changes
    /// nothing of the order: ``Scheduler/schedule(_:at:lane:)``). `source` is the subnet the
    /// event that scheduled them touches (`nil`: every subnet, or none ran).
    mutating func admitStaged(after source: Int?) {
        let keepToTheirSubnets = keepToTheirSubnets
        var staged = Scheduler<WorkloadEvent>()
        swap(&staged, &staging)
        staged.takeAllPending { time, event in
            let subnet = subnet(touchedBy: event)
            precondition(!keepToTheirSubnets || source == nil || subnet == source, "a client event scheduled another subnet's event")
            touches?.insert(at: time, touching: subnet)
            simulation.scheduler.schedule(event, at: time)
        }
        swap(&staged, &staging)
    }

    /// Synchronous calls whose answers became visible at the replicas holding them: each
    /// replica answers on the call's connection then.
    mutating func answersVisible(_ answered: [AnsweredWait]) {
        let keepToTheirSubnets = keepToTheirSubnets
        for wait in answered {
            precondition(!keepToTheirSubnets || subnet(touchedBy: .syncAnswered(call: wait.token)) == wait.subnet,
                         "an answer from a subnet its client does not call")
            simulation.model.heldAnswers[wait.token] = wait.status
            let time = max(wait.time, simulation.now)
            simulation.scheduler.schedule(.syncAnswered(call: wait.token), at: time, lane: WorkloadLane.syncAnswers)
            if touches != nil {
                let subnet = subnet(touchedBy: .syncAnswered(call: wait.token))
                touches?.insert(at: time, touching: subnet)
            }
        }
    }

    /// An answer's consequences reach a subnet no sooner than one network delay of a client
    /// later (the answer travels back to its user, who may then call again); none with a
    /// testing tool's hook, which may read the IC at any client event.
    var answerLookahead: SimDuration {
        guard hook == nil else { return .zero }
        return simulation.model.specifications.map(\.networkDelay).min() ?? .zero
    }

    mutating func step(_ ic: inout InternetComputerSimulation) {
        guard let event = simulation.takeNextEvent() else { return }
        guard touches != nil else {
            guard !isHooked else { return Self.stepHooked(event, hook, &simulation.model, &sampler, &simulation.scheduler, &ic) }
            if case .sample(let index) = event { return sampler.sample(index, &simulation.scheduler, ic) }
            return simulation.model.handle(event, &simulation.scheduler, &ic)
        }
        // The event's new events go to a queue of their own first, to be noted by subnet.
        let subnet = subnet(touchedBy: event)
        precondition(readsNoSubnet(event) || !hasPassed(subnet, ic), "a subnet ran past a client event that touches it")
        touches?.remove(at: simulation.now, touching: subnet)
        staging.advance(to: simulation.now)
        if isHooked {
            Self.stepHooked(event, hook, &simulation.model, &sampler, &staging, &ic)
        } else if case .sample(let index) = event {
            sampler.sample(index, &staging, ic)
        } else {
            simulation.model.handle(event, &staging, &ic)
        }
        admitStaged(after: subnet)
    }

    /// Whether subnet `subnet` (`nil`: every subnet) has handled an event later than the
    /// clients' now: a windowed run must never let it (Docs/Determinism.md, "Subnets in
    /// parallel").
    func hasPassed(_ subnet: Int?, _ ic: borrowing InternetComputerSimulation) -> Bool {
        let now = simulation.now
        // By index: an element's closure argument could copy a whole subnet.
        guard let subnet else { return ic.subnets.indices.contains { ic.subnets[$0].now > now } }
        return ic.subnets.indices.contains(subnet) && ic.subnets[subnet].now > now
    }

    /// Whether `event` reads no subnet: the answer to a synchronous call whose status its
    /// subnet recorded when the answer became visible (``answersVisible(_:)``).
    func readsNoSubnet(_ event: WorkloadEvent) -> Bool {
        guard case .syncAnswered(let call) = event else { return false }
        return simulation.model.heldAnswers[call] != nil
    }

    /// ``step(_:)`` with a testing tool's hook, which sees `event` before and after.
    static func stepHooked(_ event: WorkloadEvent, _ hook: (any ClientEventHook)?, _ model: inout Workload, _ sampler: inout FinalizedHeightSampler,
                           _ scheduler: inout Scheduler<WorkloadEvent>, _ ic: inout InternetComputerSimulation) {
        let now = scheduler.now
        if let hook, !hook.handles(event, at: now, model, ic) { return }
        if case .sample(let index) = event { return sampler.sample(index, &scheduler, ic) }
        model.handle(event, &scheduler, &ic)
        hook?.handled(event, at: now, &model, ic)
    }
}

/// A fault the testing tools plant in the clients (package access only): it sees each client
/// event before and after the clients handle it.
package protocol ClientEventHook: Sendable {
    /// Whether the clients handle `event`, due at `time` (false: it is lost unhandled).
    func handles(_ event: WorkloadEvent, at time: SimInstant, _ workload: borrowing Workload, _ ic: borrowing InternetComputerSimulation) -> Bool
    /// After the clients handled `event`, due at `time`: may change what they counted.
    func handled(_ event: WorkloadEvent, at time: SimInstant, _ workload: inout Workload, _ ic: borrowing InternetComputerSimulation)
}
