import SimCore
import Consensus
import ExecutionLayer
import InternetComputer
import Scenarios
import Wasm

/// What a scenario run came to: per client, per subnet, the fault timeline, and each check
/// (the checkers and the scenario's expectations) with its verdict. Deterministic: the same
/// scenario and seed give the same report, byte for byte (``json``).
public struct ScenarioReport: Sendable {
    /// One client's calls.
    public struct ClientSummary: Sendable {
        /// The client's name.
        public var name: String
        /// Update calls or queries.
        public var call: CallKind
        /// The target canister's name.
        public var canister: String
        /// The target's subnet's name.
        public var subnet: String
        /// What its calls came to.
        public var statistics: ClientStatistics
        /// Calls still on their way at the end.
        public var inFlight: UInt64
        /// The client's active window (from `from` to `until`), for throughput.
        public var activeFrom: SimInstant
        /// The window's end.
        public var activeUntil: SimInstant
        /// What its calls received: distinct replies and rejects, and a scripted client's steps.
        public var answers: AnswerSummary
    }

    /// One subnet's consensus and execution.
    public struct SubnetSummary: Sendable {
        // 22 stored properties: a flat record of what a report shows of one subnet, one field
        // per figure, so that each output (text, JSON, HTML) reads the same numbers.
        /// The subnet's name and kind.
        public var name: String
        /// Its kind.
        public var kind: SubnetKind
        /// Its nodes, and f.
        public var nodes: Int
        /// f: the Byzantine nodes tolerated.
        public var faultsTolerated: Int
        /// Its Byzantine nodes, ascending.
        public var byzantineNodes: [Int]
        /// Consensus metrics (finalization, latency, rounds, messages).
        public var metrics: SubnetMetrics
        /// The last executed height.
        public var executedHeight: Height
        /// Rounds executed.
        public var rounds: Int
        /// Instructions executed, round overheads included.
        public var instructions: UInt64
        /// Slices of long messages that paused at a round's end.
        public var messagesSliced: Int
        /// Cycles burned (fees).
        public var cyclesBurned: Cycles
        /// Memory written at checkpoints.
        public var checkpointBytesWritten: UInt64
        /// The heap delta of the whole run: the memory (heap and stable, in 4 KiB chunks)
        /// written, as the checkpoints wrote it plus what the next checkpoint would write.
        public var heapDeltaBytes: UInt64
        /// Replicas that fetched a checkpoint from peers.
        public var stateSyncs: Int
        /// Replicas that restarted after a crash.
        public var restarts: Int
        /// Messages the network lost to faults.
        public var messagesLost: UInt64
        /// The first safety violation, if any.
        public var violation: String?
        /// Honest nodes that did not finalize within the liveness bound after the faults
        /// ended; `nil` when the run ended before the bound passed with some honest node yet to
        /// finalize (too soon to judge).
        public var stalledNodes: [Int]?
        /// When liveness can first be judged: the last fault's end plus the bound.
        public var livenessJudgedFrom: SimInstant
        /// Each node's finalized height at each sample.
        public var finalizedSamples: [[UInt64]]
        /// When each height's execution started (index 0: height 1).
        public var executionStarts: [SimInstant]
        /// How long each height's round took.
        public var executionDurations: [SimDuration]
        /// The time of all rounds, part by part (induction, execution, finalization, hashing,
        /// checkpoints).
        public var roundTime = RoundTime()
    }

    /// A checker's or an expectation's verdict.
    public struct Check: Sendable, Equatable {
        /// What was checked (`safety`, `liveness`, `nothingLost`, `allCallsAnswered`,
        /// `latency[0]`, `throughput[1]`).
        public var name: String
        /// Whether it held.
        public var passed: Bool
        /// What was found.
        public var detail: String

        /// The words a failed check's detail gives when what it checks did not happen (no call
        /// was answered, no such client ran, the liveness bound not reached): it failed, but
        /// says nothing about the property.
        public static let notJudged = "cannot be judged"
        /// Whether the check failed only because what it checks did not happen
        /// (``notJudged``): `icsim shrink` does not count such a check as failing.
        public var isVacuous: Bool { !passed && detail.contains(Self.notJudged) }

        /// Check `name`, which `passed` or not, having found `detail`.
        public init(name: String, passed: Bool, detail: String) {
            self.name = name
            self.passed = passed
            self.detail = detail
        }
    }

    /// The scenario that ran.
    public let scenario: Scenario
    /// The scenario's hash (``Scenario/hash``).
    public let scenarioHash: String
    /// The run's trace hash.
    public let traceHash: String
    /// Events handled, subnets' and clients'.
    public let eventsProcessed: UInt64
    /// When the run ended.
    public let end: SimInstant
    /// The width of the time-series buckets.
    public let bucket: SimDuration
    /// Each client's calls.
    public let clients: [ClientSummary]
    /// Each subnet's consensus and execution.
    public let subnets: [SubnetSummary]
    /// The checkers' and the expectations' verdicts.
    public let checks: [Check]

    /// Whether every check passed (exit code 0).
    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// The report of `simulation` after it ran.
    public init(_ simulation: ScenarioSimulation) {
        let scenario = simulation.scenario
        let end = simulation.now
        self.scenario = scenario
        scenarioHash = scenario.hash
        traceHash = simulation.traceHash
        eventsProcessed = simulation.eventsProcessed
        self.end = end
        bucket = simulation.workload.bucket
        clients = Self.clientSummaries(simulation)
        subnets = Self.subnetSummaries(simulation)
        checks = Self.checks(scenario: scenario, clients: clients, subnets: subnets,
                             lost: NothingLostChecker.problems(simulation.workload, simulation.internetComputer, end: end))
            + Self.scriptChecks(ScriptChecker.verdicts(simulation))
    }

    static func clientSummaries(_ simulation: ScenarioSimulation) -> [ClientSummary] {
        let workload = simulation.workload
        var waiting = Array(repeating: UInt64(0), count: workload.specifications.count)
        for call in workload.updates where call.end == nil { waiting[Int(call.client)] += 1 }
        return workload.specifications.enumerated().map { index, client in
            let statistics = workload.statistics[index]
            // More ended than sent is a client-model bug the nothing-lost checker reports; the
            // summary must survive it to say so.
            let sent = workload.queriesSent[index], ended = statistics.queriesEnded
            let inFlight = client.call == .query ? (sent >= ended ? sent - ended : 0) : waiting[index]
            let subnet = simulation.scenario.subnets[workload.targets[index].subnet].name
            return ClientSummary(name: client.name, call: client.call, canister: client.canister, subnet: subnet, statistics: statistics,
                                 inFlight: inFlight, activeFrom: .zero + client.from, activeUntil: workload.activeEnd(index),
                                 answers: answerSummary(simulation, client: index))
        }
    }

    static func subnetSummaries(_ simulation: ScenarioSimulation) -> [SubnetSummary] {
        simulation.internetComputer.subnets.enumerated().map { index, subnet in
            let model = subnet.model
            let execution = model.execution
            let liveness = model.liveness
            let judgedFrom = liveness.faultsEnd + liveness.bound
            // Judged once the bound has passed, or earlier if every honest node has already
            // finalized since the faults ended.
            let waiting = liveness.nodesNotYetFinalizing().filter { model.replicas[$0].isHonest }
            let stalled = simulation.now >= judgedFrom ? liveness.stalledNodes(at: simulation.now).filter { model.replicas[$0].isHonest }
                : waiting.isEmpty ? [] : nil
            let written = execution.checkpointWrites.values.reduce(UInt64(0)) { $0 + $1.writtenBytes }
            // What the next checkpoint would write, found as a checkpoint finds it (a full digest),
            // on a copy of the final state.
            var final = execution.state
            _ = final.stateHash(includingMemory: true)
            let pending = final.takeChunksWritten() * UInt64(LinearMemory.chunkBytes)
            let configuration = model.configuration
            var summary = SubnetSummary(
                name: simulation.scenario.subnets[index].name, kind: simulation.scenario.subnets[index].kind,
                nodes: configuration.consensus.nodeCount, faultsTolerated: configuration.consensus.faultsTolerated,
                byzantineNodes: configuration.byzantine.map(\.node).sorted(), metrics: model.metrics,
                executedHeight: execution.executedHeight, rounds: execution.rounds, instructions: execution.instructions,
                messagesSliced: execution.messagesSliced, cyclesBurned: execution.state.cyclesBurned, checkpointBytesWritten: written,
                heapDeltaBytes: written + pending,
                stateSyncs: execution.stateSyncs, restarts: execution.restarts, messagesLost: model.messagesLost,
                violation: model.safety.violation.map(\.description), stalledNodes: stalled, livenessJudgedFrom: judgedFrom,
                finalizedSamples: simulation.sampler.samples[index],
                executionStarts: execution.executionTimes, executionDurations: execution.roundDurations)
            summary.roundTime = execution.roundTimeTotal
            return summary
        }
    }
}

extension ScenarioReport {
    /// The checkers' verdicts, then each expectation's.
    static func checks(scenario: Scenario, clients: [ClientSummary], subnets: [SubnetSummary], lost: [String]) -> [Check] {
        let expectations = scenario.expectations
        var checks: [Check] = [safetyCheck(expected: expectations.safety, subnets)]
        if expectations.liveness { checks.append(livenessCheck(subnets)) }
        checks.append(Check(name: "nothingLost", passed: lost.isEmpty,
                            detail: lost.isEmpty ? "every call is accounted for, and the clients agree with the subnets" : lost.joined(separator: "; ")))
        if expectations.allCallsAnswered {
            let unanswered = clients.filter { $0.statistics.expired > 0 || $0.inFlight > 0 }
            checks.append(Check(name: "allCallsAnswered", passed: unanswered.isEmpty, detail: unanswered.isEmpty
                ? "every call ended replied or rejected"
                : unanswered.map { "client \"\($0.name)\": \(grouped($0.statistics.expired)) expired, \(grouped($0.inFlight)) still waiting" }
                    .joined(separator: "; ")))
        }
        for (index, bound) in expectations.latency.enumerated() {
            checks.append(latencyCheck(bound, index: index, clients))
        }
        for (index, bound) in expectations.throughput.enumerated() {
            checks.append(throughputCheck(bound, index: index, clients))
        }
        for (index, bound) in expectations.blockRate.enumerated() {
            checks.append(blockRateCheck(bound, index: index, subnets, seconds: Double(scenario.duration.nanoseconds) / 1e9))
        }
        return checks
    }

    static func safetyCheck(expected: Bool, _ subnets: [SubnetSummary]) -> Check {
        let violations = subnets.compactMap { subnet in subnet.violation.map { "subnet \"\(subnet.name)\": \($0)" } }
        if expected {
            return Check(name: "safety", passed: violations.isEmpty,
                         detail: violations.isEmpty ? "no two different blocks finalized at one height on any subnet" : violations.joined(separator: "; "))
        }
        return Check(name: "safety", passed: !violations.isEmpty, detail: violations.isEmpty
            ? "expected a safety violation (the scenario says \"safety\": false), but every subnet stayed safe"
            : "violated, as expected: " + violations.joined(separator: "; "))
    }

    static func livenessCheck(_ subnets: [SubnetSummary]) -> Check {
        var problems: [String] = []
        for subnet in subnets {
            guard let stalled = subnet.stalledNodes else {
                problems.append("subnet \"\(subnet.name)\": \(Check.notJudged): some honest node has not finalized since the last fault "
                    + "ended, and the bound runs until \(readable(subnet.livenessJudgedFrom - .zero)); make the run longer or end the faults earlier")
                continue
            }
            if !stalled.isEmpty {
                problems.append("subnet \"\(subnet.name)\": \(nodes(stalled)) did not finalize within the bound after the faults ended")
            }
        }
        return Check(name: "liveness", passed: problems.isEmpty,
                     detail: problems.isEmpty ? "every honest node finalized again within the bound after the faults ended" : problems.joined(separator: "; "))
    }

    /// The clients a selector picks.
    static func selected(_ selector: CallSelector, _ clients: [ClientSummary]) -> [ClientSummary] {
        clients.filter { client in
            switch selector {
            case .client(let name): client.name == name
            case .kind(let kind): client.call == kind
            }
        }
    }

    static func latencyCheck(_ bound: LatencyBound, index: Int, _ clients: [ClientSummary]) -> Check {
        var histogram = LatencyHistogram()
        for client in selected(bound.calls, clients) { histogram.merge(client.statistics.latency) }
        let key = ScenarioReader.quantiles.first { $0.perMille == bound.perMille }?.key ?? "p\(bound.perMille)"
        let name = "latency[\(index)]"
        let range = bound.minimum.map { "at least \(readable($0)) and at most \(readable(bound.maximum))" } ?? "at most \(readable(bound.maximum))"
        guard let value = bound.perMille >= 1_000 ? histogram.maximum : histogram.quantile(UInt64(bound.perMille), 1_000) else {
            return Check(name: name, passed: false, detail: "\(key) of \(bound.calls) \(range): \(Check.notJudged): no call was answered")
        }
        return Check(name: name, passed: value <= bound.maximum && value >= (bound.minimum ?? .zero),
                     detail: "\(key) of \(bound.calls) \(range): \(format(value)) over \(grouped(histogram.count)) answered calls")
    }

    static func blockRateCheck(_ bound: BlockRateBound, index: Int, _ subnets: [SubnetSummary], seconds: Double) -> Check {
        let name = "blockRate[\(index)]"
        let upper = bound.maximumPerSecond.map { " and at most \(JSONValue.decimal($0))" } ?? ""
        let wanted = "subnet \"\(bound.subnet)\" finalized at least \(JSONValue.decimal(bound.minimumPerSecond))\(upper) blocks/s"
        guard let subnet = subnets.first(where: { $0.name == bound.subnet }), seconds > 0 else {
            return Check(name: name, passed: false, detail: "\(wanted): no such subnet ran")
        }
        let height = subnet.metrics.finalizedHeightMin
        let rate = Double(height) / seconds
        return Check(name: name, passed: rate >= bound.minimumPerSecond && bound.maximumPerSecond.map { rate <= $0 } ?? true,
                     detail: "\(wanted): \(SubnetReport.fixed(rate, decimals: 2)) blocks/s (height \(grouped(height)) in \(SubnetReport.fixed(seconds, decimals: 1)) s)")
    }

    static func throughputCheck(_ bound: ThroughputBound, index: Int, _ clients: [ClientSummary]) -> Check {
        let chosen = selected(bound.calls, clients)
        guard !chosen.isEmpty else {
            return Check(name: "throughput[\(index)]", passed: false, detail: "\(bound.calls): \(Check.notJudged): no such client ran")
        }
        let replied = chosen.reduce(UInt64(0)) { $0 + $1.statistics.replied }
        let from = chosen.map(\.activeFrom).min() ?? .zero
        let until = chosen.map(\.activeUntil).max() ?? .zero
        let seconds = Double((until - from).nanoseconds) / 1e9
        let rate = seconds > 0 ? Double(replied) / seconds : 0
        let upper = bound.maximumPerSecond.map { " and at most \(JSONValue.decimal($0))/s" } ?? ""
        return Check(name: "throughput[\(index)]", passed: rate >= bound.minimumPerSecond && bound.maximumPerSecond.map { rate <= $0 } ?? true,
                     detail: "\(bound.calls) replied at least \(JSONValue.decimal(bound.minimumPerSecond))/s\(upper): "
                        + "\(SubnetReport.fixed(rate, decimals: 1))/s (\(grouped(replied)) replies over \(readable(until - from)))")
    }
}
