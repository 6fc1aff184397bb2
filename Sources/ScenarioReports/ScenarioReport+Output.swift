import SimCore
import Consensus
import ExecutionLayer
import InternetComputer
import Scenarios

extension ScenarioReport {
    /// The quantiles reports give: (name, numerator, denominator).
    static let reportedQuantiles: [(String, UInt64, UInt64)] = [("p50", 1, 2), ("p90", 9, 10), ("p99", 99, 100), ("p99.9", 999, 1_000)]

    /// The summary for people: what ran, each client, each subnet, the faults, the checks.
    public var text: String {
        var lines = [
            "ICSim scenario \"\(scenario.name)\"" + (scenario.description.isEmpty ? "" : ": \(scenario.description)"),
            "seed \(scenario.seed), \(Self.readable(scenario.duration)) of virtual time, \(Self.grouped(eventsProcessed)) events; "
                + "scenario hash \(scenarioHash.prefix(16))",
            "",
        ]
        for client in clients { lines += clientLines(client) }
        for subnet in subnets { lines += subnetLines(subnet) }
        if !scenario.faults.isEmpty {
            lines.append("faults:")
            lines += scenario.faults.map { "  " + Self.sentence($0) }
        }
        lines.append("checks:")
        lines += checks.map { "  \($0.passed ? "PASS" : "FAIL") \($0.name): \($0.detail)" }
        lines.append("result: " + (passed ? "all checks passed" : "FAILED (\(checks.filter { !$0.passed }.map(\.name).joined(separator: ", ")))"))
        lines.append("trace hash: \(traceHash)")
        return lines.joined(separator: "\n")
    }

    func clientLines(_ client: ClientSummary) -> [String] {
        let statistics = client.statistics
        let seconds = Double((client.activeUntil - client.activeFrom).nanoseconds) / 1e9
        let rate = seconds > 0 ? Double(statistics.replied) / seconds : 0
        let calls = client.answers.steps.map { "\($0.count) scripted calls" } ?? "\(client.call.rawValue) calls to \(client.canister) on subnet \"\(client.subnet)\""
        var lines = [
            "client \"\(client.name)\": \(calls): \(Self.grouped(statistics.sent)) sent, "
                + "\(Self.grouped(statistics.replied)) replied, \(Self.grouped(statistics.rejected)) rejected\(Self.refusedText(statistics)), "
                + "\(Self.grouped(statistics.expired)) expired, \(Self.grouped(client.inFlight)) in flight; "
                + "\(SubnetReport.fixed(rate, decimals: 1)) replies/s"
                + (client.call == .update ? ", \(Self.grouped(statistics.polls)) read_state \(statistics.polls == 1 ? "poll" : "polls")" : ""),
            "  latency " + Self.reportedQuantiles.map { "\($0.0) \(Self.format(statistics.latency.quantile($0.1, $0.2)))" }.joined(separator: ", ")
                + ", max \(Self.format(statistics.latency.maximum))",
        ]
        if !statistics.rejectReasons.isEmpty {
            lines.append("  rejects: " + statistics.rejectReasons.keys.sorted().map { "\($0) \(statistics.rejectReasons[$0] ?? 0)" }.joined(separator: ", "))
        }
        return lines + Self.answerLines(client.answers)
    }

    func subnetLines(_ subnet: SubnetSummary) -> [String] {
        let metrics = subnet.metrics
        let seconds = Double((end - .zero).nanoseconds) / 1e9
        let blocks = seconds > 0 ? Double(metrics.finalizedHeightMin) / seconds : 0
        let byzantine = subnet.byzantineNodes.isEmpty ? "" : ", Byzantine \(subnet.byzantineNodes.count == 1 ? "node" : "nodes") "
            + Self.list(subnet.byzantineNodes)
        let lowest = metrics.finalizedHeightMin, highest = metrics.finalizedHeights.max() ?? 0
        let heights = lowest == highest ? "height \(Self.grouped(lowest)) on every node"
            : "heights \(Self.grouped(lowest)) (lowest node) to \(Self.grouped(highest)) (highest)"
        let perRound = subnet.rounds > 0 ? subnet.instructions / UInt64(subnet.rounds) : 0
        return [
            "subnet \"\(subnet.name)\" (\(subnet.kind.rawValue), \(subnet.nodes) nodes, f = \(subnet.faultsTolerated)\(byzantine)): finalized "
                + "\(heights), \(SubnetReport.fixed(blocks, decimals: 2)) blocks/s; "
                + "proposal to finalization p50 \(Self.format(metrics.finalizationLatency.quantile(1, 2))), p99 \(Self.format(metrics.finalizationLatency.quantile(99, 100)))",
            "  execution: height \(Self.grouped(subnet.executedHeight)), \(Self.grouped(subnet.instructions)) instructions (\(Self.grouped(perRound)) a round), "
                + "\(Self.grouped(subnet.messagesSliced)) slices paused, \(Self.grouped(subnet.cyclesBurned.description)) cycles burned, "
                + "heap delta \(Self.grouped(subnet.heapDeltaBytes)) bytes (\(Self.grouped(subnet.checkpointBytesWritten)) written at checkpoints), "
                + "\(Self.grouped(subnet.restarts)) restarts, \(Self.grouped(subnet.stateSyncs)) state syncs; "
                + "\(Self.grouped(subnet.messagesLost)) messages lost by the network",
        ]
    }

    /// A probability as a percentage for people (`"1%"`, `"0.25%"`, `"33.3333%"`).
    static func percent(_ probability: Probability) -> String {
        var text = SubnetReport.fixed(Double(probability.numerator) * 100 / Double(max(probability.denominator, 1)), decimals: 4)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "%"
    }

    /// A time as scenario files write it (`"1500ms"`).
    static func compact(_ duration: SimDuration) -> String {
        if case .string(let text) = JSONValue.duration(duration) { return text }
        return duration.description
    }

    static func format(_ duration: SimDuration?) -> String { duration.map { $0.formatted(decimals: 1) } ?? "-" }

    /// One line of the fault timeline.
    static func describe(_ fault: ScenarioFault) -> String {
        let window = "from \(Self.compact(fault.at))" + (fault.until.map { " until \(Self.compact($0))" } ?? " on")
        let subnet = fault.subnet.map { " on \"\($0)\"" } ?? ""
        let nodes = fault.nodes.isEmpty ? "" : " nodes \(fault.nodes.map(String.init).joined(separator: ", "))"
        var detail = ""
        switch fault.kind {
        case .byzantine(_, let behaviors): detail = ": " + behaviors.map { $0.jsonValue.formatted().filter { $0 != "\n" && $0 != " " } }.joined(separator: ", ")
        case .loss(let probability), .duplication(let probability): detail = " " + Self.percent(probability)
        case .extraDelay(let delay), .reordering(let delay): detail = " \(delay)"
        case .clockDrift(_, let numerator, let denominator): detail = " at \(numerator)/\(denominator)"
        default: break
        }
        return "\(window): \(fault.kindName)\(subnet)\(nodes)\(detail)"
    }
}

extension ScenarioReport {
    /// The report as JSON with every object's keys sorted, so reports diff cleanly; the
    /// schema is documented in Docs/Scenarios.md. Durations are integer nanoseconds.
    public var json: String { jsonValue.sortedKeys().formatted() + "\n" }

    /// The report as a JSON value (keys in building order; ``json`` sorts them).
    public var jsonValue: JSONValue {
        .object([
            ("schema", .string("icsim-report/1")),
            ("scenario", .object([("name", .string(scenario.name)), ("hash", .string(scenarioHash)), ("seed", .number(String(scenario.seed))),
                                  ("durationNanos", .number(String(scenario.duration.nanoseconds)))])),
            ("traceHash", .string(traceHash)), ("eventsProcessed", .number(String(eventsProcessed))),
            ("passed", .bool(passed)),
            ("checks", .array(checks.map { .object([("name", .string($0.name)), ("passed", .bool($0.passed)), ("detail", .string($0.detail))]) })),
            ("clients", .array(clients.map(clientJSON))),
            ("subnets", .array(subnets.map(subnetJSON))),
            ("faults", .array(scenario.faults.map { .string(Self.describe($0)) })),
            ("bucketNanos", .number(String(bucket.nanoseconds))),
        ])
    }

    static func nanos(_ duration: SimDuration?) -> JSONValue { duration.map { .number(String($0.nanoseconds)) } ?? .null }
    static func count<Integer: BinaryInteger>(_ value: Integer) -> JSONValue { .number(String(value)) }

    static func latencyJSON(_ histogram: LatencyHistogram) -> JSONValue {
        .object([("count", count(histogram.count)), ("p50Nanos", nanos(histogram.quantile(1, 2))), ("p90Nanos", nanos(histogram.quantile(9, 10))),
                 ("p99Nanos", nanos(histogram.quantile(99, 100))), ("p999Nanos", nanos(histogram.quantile(999, 1_000))),
                 ("maxNanos", nanos(histogram.maximum)), ("meanNanos", nanos(histogram.mean))])
    }

    func clientJSON(_ client: ClientSummary) -> JSONValue {
        let statistics = client.statistics
        let seconds = Double((client.activeUntil - client.activeFrom).nanoseconds) / 1e9
        let reasons = statistics.rejectReasons.keys.sorted().map { (key: $0, value: Self.count(statistics.rejectReasons[$0] ?? 0)) }
        let means = zip(statistics.answeredPerBucket, statistics.latencySumPerBucket).map { count, sum in count == 0 ? JSONValue.null : Self.count(sum / Int64(count)) }
        return .object([
            ("name", .string(client.name)), ("call", .string(client.call.rawValue)), ("canister", .string(client.canister)), ("subnet", .string(client.subnet)),
            ("sent", Self.count(statistics.sent)), ("replied", Self.count(statistics.replied)), ("rejected", Self.count(statistics.rejected)),
            ("expired", Self.count(statistics.expired)), ("inFlight", Self.count(client.inFlight)), ("polls", Self.count(statistics.polls)),
            ("repliedPerSecond", .number(SubnetReport.fixed(seconds > 0 ? Double(statistics.replied) / seconds : 0, decimals: 3))),
            ("latency", Self.latencyJSON(statistics.latency)), ("rejectReasons", .object(reasons)),
            ("answeredPerBucket", .array(statistics.answeredPerBucket.map { Self.count($0) })),
            ("latencyMeanNanosPerBucket", .array(means)),
            ("latencyMaxNanosPerBucket", .array(statistics.latencyMaxPerBucket.map { Self.count($0) })),
        ] + Self.refusedJSON(statistics) + Self.answersJSON(client.answers))
    }

    /// The time of a subnet's rounds, part by part, in nanoseconds.
    static func roundTimeJSON(_ time: RoundTime) -> JSONValue {
        .object([("induction", .number(String(time.inductionNanos))), ("execution", .number(String(time.executionNanos))),
                 ("finalization", .number(String(time.finalizationNanos))), ("hashing", .number(String(time.hashingNanos))),
                 ("checkpoint", .number(String(time.checkpointNanos)))])
    }

    func subnetJSON(_ subnet: SubnetSummary) -> JSONValue {
        let metrics = subnet.metrics
        let kinds = ArtifactKind.allCases
        return .object([
            ("name", .string(subnet.name)), ("kind", .string(subnet.kind.rawValue)), ("nodes", Self.count(subnet.nodes)),
            ("faultsTolerated", Self.count(subnet.faultsTolerated)), ("byzantineNodes", .integers(subnet.byzantineNodes)),
            ("safe", .bool(subnet.violation == nil)), ("violation", subnet.violation.map { .string($0) } ?? .null),
            ("stalledNodes", subnet.stalledNodes.map { .integers($0) } ?? .null),
            ("finalizedHeightMin", Self.count(metrics.finalizedHeightMin)), ("finalizedHeightMax", Self.count(metrics.finalizedHeights.max() ?? 0)),
            ("finalizationLatency", Self.latencyJSON(metrics.finalizationLatency)), ("roundDuration", Self.latencyJSON(metrics.roundDurations)),
            ("messagesByKind", .object(kinds.map { (key: $0.description, value: Self.count(metrics.messages[$0.rawValue])) })),
            ("bytesByKind", .object(kinds.map { (key: $0.description, value: Self.count(metrics.bytes[$0.rawValue])) })),
            ("messagesLost", Self.count(subnet.messagesLost)),
            ("executedHeight", Self.count(subnet.executedHeight)), ("rounds", Self.count(subnet.rounds)), ("instructions", Self.count(subnet.instructions)),
            ("messagesSliced", Self.count(subnet.messagesSliced)), ("cyclesBurned", .string(subnet.cyclesBurned.description)),
            ("checkpointBytesWritten", Self.count(subnet.checkpointBytesWritten)), ("heapDeltaBytes", Self.count(subnet.heapDeltaBytes)),
            ("stateSyncs", Self.count(subnet.stateSyncs)),
            ("restarts", Self.count(subnet.restarts)),
            ("roundTimeNanos", Self.roundTimeJSON(subnet.roundTime)),
            ("finalizedHeightSamples", .array(subnet.finalizedSamples.map { .array($0.map { Self.count($0) }) })),
        ])
    }
}

extension JSONValue {
    /// The value with every object's members sorted by key (byte order of the UTF-8 keys).
    public func sortedKeys() -> JSONValue {
        switch self {
        case .array(let values): .array(values.map { $0.sortedKeys() })
        case .object(let members): .object(members.map { ($0.key, $0.value.sortedKeys()) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        default: self
        }
    }
}
