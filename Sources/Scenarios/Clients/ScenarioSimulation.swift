import SimCore
import ExecutionLayer
import InternetComputer

/// A scenario running: its subnets (``InternetComputerSimulation``) and its clients
/// (``Workload``) in one virtual time. The clients' events and the subnets' events are
/// handled in time order (ties: the clients first, then the lower subnet), so a run replays
/// exactly; the trace hash folds the subnets' traces and the clients' events.
public struct ScenarioSimulation {
    /// The scenario.
    public let scenario: Scenario
    /// The subnets.
    public private(set) var internetComputer: InternetComputerSimulation
    /// The clients.
    public private(set) var workload: Workload
    /// The finalized heights over time.
    public private(set) var sampler: FinalizedHeightSampler
    var workloadScheduler = Scheduler<WorkloadEvent>()
    var workloadTrace = TraceHash()
    /// Client events handled.
    public private(set) var workloadEvents: UInt64 = 0
    var workloadObserver: ((TraceEntry) -> Void)?
    /// What the testing tools plant between the clients and the IC (`nil` in every real run;
    /// package access only: no user and no scenario file can set it).
    package var clientEventHook: (any ClientEventHook)?

    /// The scenario ready to run, with its canisters' `modules` (``Scenario/modules(readFile:)``).
    /// - Throws: ``ScenarioError`` for every problem of the scenario, and for each module that
    ///   does not install (at `canisters[i].wasm`).
    ///   With `recordsTimeline`, every subnet keeps the timeline a trace viewer shows
    ///   (``SubnetMetrics/timeline``, for ``ChromeTrace``).
    public init(scenario: Scenario, modules: [[UInt8]], recordsTimeline: Bool = false) throws(ScenarioError) {
        var problems = scenario.problems()
        if modules.count != scenario.canisters.count {
            problems.append(JSONProblem(JSONPath().appending("canisters"), "\(modules.count) modules for \(scenario.canisters.count) canisters"))
        }
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        var configuration = scenario.configuration(modules: modules)
        for index in configuration.subnets.indices { configuration.subnets[index].recordsTimeline = recordsTimeline }
        problems = Self.installProblems(configuration, scenario)
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        self.scenario = scenario
        internetComputer = InternetComputerSimulation(configuration: configuration)
        workload = Workload(scenario: scenario, configuration: configuration)
        sampler = FinalizedHeightSampler(subnetCount: configuration.subnets.count, bucket: workload.bucket, end: .zero + scenario.duration)
        workload.start(&workloadScheduler)
        sampler.start(&workloadScheduler)
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

    /// Calls `observer` with every event handled from now on: the subnet's number, or `nil`
    /// for the clients' events (for event traces; it must not affect the run).
    public mutating func observeEvents(_ observer: @escaping (Int?, TraceEntry) -> Void) {
        internetComputer.observeEvents { observer($0, $1) }
        workloadObserver = { observer(nil, $0) }
    }

    /// The current virtual time.
    public var now: SimInstant { max(internetComputer.now, workloadScheduler.now) }

    /// Events handled, subnets and clients.
    public var eventsProcessed: UInt64 { internetComputer.eventsProcessed + workloadEvents }

    /// Runs until `time`, calling `progress` every `progressEvery` events (for a progress
    /// line; it must not affect the run).
    public mutating func run(until time: SimInstant, progressEvery: UInt64 = 1 << 18, progress: (SimInstant, UInt64) -> Void = { _, _ in }) {
        var sinceProgress: UInt64 = 0
        while step(notAfter: time) {
            sinceProgress += 1
            if sinceProgress == progressEvery {
                sinceProgress = 0
                progress(now, eventsProcessed)
            }
        }
        internetComputer.finish(at: time)
        workloadScheduler.advance(to: time)
    }

    /// Runs the whole scenario.
    public mutating func run(progress: (SimInstant, UInt64) -> Void = { _, _ in }) {
        run(until: .zero + scenario.duration, progress: progress)
    }

    /// Handles the next event due by `time`, the clients' before the subnets' at equal times;
    /// whether there was one.
    mutating func step(notAfter time: SimInstant) -> Bool {
        let subnetsNext = internetComputer.nextEventTime
        if let next = workloadScheduler.nextEventTime, next <= time, subnetsNext.map({ next <= $0 }) ?? true,
           let (at, event) = workloadScheduler.takeNext() {
            if let hook = clientEventHook, !hook.handles(event, at: at, workload, internetComputer) { return true }
            let record = Self.traceRecord(event)
            workloadTrace.fold(time: at, record: record)
            workloadObserver?(TraceEntry(index: workloadEvents, time: at, record: record))
            workloadEvents += 1
            if case .sample(let index) = event {
                sampler.sample(index, &workloadScheduler, internetComputer)
            } else {
                workload.handle(event, &workloadScheduler, &internetComputer)
            }
            clientEventHook?.handled(event, at: at, &workload, internetComputer)
            return true
        }
        return internetComputer.step(notAfter: time)
    }

    static func traceRecord(_ event: WorkloadEvent) -> TraceRecord {
        var hasher = StableHasher()
        switch event {
        case .arrival(let client):
            return TraceRecord(kind: arrivalKind, actor: UInt32(client), payloadDigest: 0)
        case .userReady(let client, let user):
            hasher.combine(UInt64(user))
            return TraceRecord(kind: userReadyKind, actor: UInt32(client), payloadDigest: hasher.finalize())
        case .pollArrives(let call):
            hasher.combine(UInt64(call))
            return TraceRecord(kind: pollKind, actor: 0, payloadDigest: hasher.finalize())
        case .queryArrives(let client, let user, let sentAt, let number):
            hasher.combine(UInt64(user))
            hasher.combine(UInt64(bitPattern: sentAt.nanosecondsSinceStart))
            hasher.combine(number)
            return TraceRecord(kind: queryKind, actor: UInt32(client), payloadDigest: hasher.finalize())
        case .sample(let index):
            return TraceRecord(kind: sampleKind, actor: 0, payloadDigest: UInt64(index))
        }
    }

    static let arrivalKind = EventKind(code: 300, name: "client call arrives")
    static let userReadyKind = EventKind(code: 301, name: "client user ready")
    static let pollKind = EventKind(code: 302, name: "read_state poll")
    static let queryKind = EventKind(code: 303, name: "query arrives")
    static let sampleKind = EventKind(code: 304, name: "sample")

    /// The trace hash of the run: the subnets' (``InternetComputerSimulation/traceHash``) and
    /// the clients' folded together.
    public var traceHash: String {
        var hash = TraceHash()
        hash.fold(time: internetComputer.now, record: TraceRecord(kind: Self.sampleKind, actor: 0, payloadDigest: workloadTrace.value))
        for (index, subnet) in internetComputer.subnets.enumerated() {
            hash.fold(time: subnet.now, record: TraceRecord(kind: InternetComputerSimulation.subnetKind, actor: UInt32(index), payloadDigest: subnet.traceHash.value))
        }
        return hash.hexDigest
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
