import SimCore
import Scenarios

/// What one seed of a sweep came to: whether its checks passed, which failed, its trace hash,
/// and its metrics as named integers (latencies in nanoseconds, counts).
public struct SeedOutcome: Sendable, Equatable {
    /// The seed.
    public var seed: UInt64
    /// Whether every check passed.
    public var passed: Bool
    /// The checks that failed.
    public var failedChecks: [String]
    /// The run's trace hash.
    public var traceHash: String
    /// Its metrics, by name, in a fixed order (``ScenarioReport/metrics``).
    public var metrics: [(name: String, value: Int64)]

    /// The outcome of the run `report` describes.
    public init(_ report: ScenarioReport) {
        seed = report.scenario.seed
        passed = report.passed
        failedChecks = report.checks.filter { !$0.passed }.map(\.name)
        traceHash = report.traceHash
        metrics = report.metrics
    }

    init(seed: UInt64, passed: Bool, failedChecks: [String], traceHash: String, metrics: [(name: String, value: Int64)]) {
        self.seed = seed
        self.passed = passed
        self.failedChecks = failedChecks
        self.traceHash = traceHash
        self.metrics = metrics
    }

    public static func == (lhs: SeedOutcome, rhs: SeedOutcome) -> Bool {
        lhs.seed == rhs.seed && lhs.passed == rhs.passed && lhs.failedChecks == rhs.failedChecks && lhs.traceHash == rhs.traceHash
            && lhs.metrics.map(\.name) == rhs.metrics.map(\.name) && lhs.metrics.map(\.value) == rhs.metrics.map(\.value)
    }

    var jsonValue: JSONValue {
        .object([
            ("seed", .number(String(seed))), ("passed", .bool(passed)), ("failedChecks", .array(failedChecks.map { .string($0) })),
            ("traceHash", .string(traceHash)), ("metrics", .object(metrics.map { ($0.name, .number(String($0.value))) })),
        ])
    }

    /// Reads an outcome written by ``jsonValue``; `nil` if `value` is not one.
    init?(json value: JSONValue, reader: inout JSONReader, at path: JSONPath) {
        guard let object = reader.object(value, at: path, allowed: ["seed", "passed", "failedChecks", "traceHash", "metrics"],
                                         required: ["seed", "passed", "failedChecks", "traceHash", "metrics"]),
              let seedMember = object["seed"], let seed = reader.integer(seedMember.value, at: seedMember.path, in: UInt64.min...UInt64.max),
              let passedMember = object["passed"], let passed = reader.bool(passedMember.value, at: passedMember.path),
              let failedMember = object["failedChecks"], let failed = reader.array(failedMember.value, at: failedMember.path),
              let hashMember = object["traceHash"], let hash = reader.string(hashMember.value, at: hashMember.path),
              let metricsMember = object["metrics"], case .object(let members) = metricsMember.value else {
            reader.report(path, "expected a seed's outcome (seed, passed, failedChecks, traceHash, metrics)")
            return nil
        }
        var metrics: [(name: String, value: Int64)] = []
        for member in members {
            guard let value = reader.integer(member.value, at: metricsMember.path.appending(member.key), in: Int64.min...Int64.max) else { return nil }
            metrics.append((member.key, value))
        }
        let checks = failed.compactMap { reader.string($0.value, at: $0.path) }
        guard checks.count == failed.count else { return nil }
        self.init(seed: seed, passed: passed, failedChecks: checks, traceHash: hash, metrics: metrics)
    }
}

extension ScenarioReport {
    /// The run's metrics as named integers, for sweeps: per client, calls by outcome and
    /// latency quantiles; per subnet, finalized heights, execution and network counts.
    public var metrics: [(name: String, value: Int64)] {
        var metrics: [(name: String, value: Int64)] = [("eventsProcessed", Int64(clamping: eventsProcessed))]
        for client in clients {
            let statistics = client.statistics
            let prefix = "client.\(client.name)."
            metrics += [(prefix + "sent", Int64(clamping: statistics.sent)), (prefix + "replied", Int64(clamping: statistics.replied)),
                        (prefix + "rejected", Int64(clamping: statistics.rejected)), (prefix + "expired", Int64(clamping: statistics.expired)),
                        (prefix + "inFlight", Int64(clamping: client.inFlight)), (prefix + "refused", Int64(clamping: statistics.refused))]
            for (name, numerator, denominator) in Self.reportedQuantiles {
                metrics.append((prefix + "latency\(name.replacingDots)Nanos", statistics.latency.quantile(numerator, denominator)?.nanoseconds ?? -1))
            }
            metrics.append((prefix + "latencyMaxNanos", statistics.latency.maximum?.nanoseconds ?? -1))
        }
        for subnet in subnets {
            let prefix = "subnet.\(subnet.name)."
            metrics += [(prefix + "finalizedHeightMin", Int64(clamping: subnet.metrics.finalizedHeightMin)),
                        (prefix + "finalizationLatencyP50Nanos", subnet.metrics.finalizationLatency.quantile(1, 2)?.nanoseconds ?? -1),
                        (prefix + "executedHeight", Int64(clamping: subnet.executedHeight)), (prefix + "instructions", Int64(clamping: subnet.instructions)),
                        (prefix + "messagesLost", Int64(clamping: subnet.messagesLost)), (prefix + "stateSyncs", Int64(subnet.stateSyncs))]
        }
        return metrics
    }
}

extension String {
    /// `"p99.9"` as `"P999"`: a quantile's name inside a metric name.
    var replacingDots: String { (first.map { String($0).uppercased() } ?? "") + String(dropFirst().filter { $0 != "." }) }
}

/// Many seeds of one scenario: each seed's outcome, and the distribution of every metric over
/// the seeds. Outcomes are kept in seed order, so how the seeds were split into shards or jobs
/// never shows: merging shards gives exactly the report of one run over all their seeds.
public struct SweepReport: Sendable, Equatable {
    /// The scenario's name.
    public var scenarioName: String
    /// The scenario's hash with its seed set to 0 (every outcome has its own seed).
    public var scenarioHash: String
    /// The seeds of the whole sweep.
    public var seedRange: ClosedRange<UInt64>
    /// Which shard of the sweep this report is (0 of 1: all of it).
    public var shard: (index: Int, count: Int)
    /// The outcomes, by ascending seed.
    public private(set) var outcomes: [SeedOutcome]

    /// A report of `outcomes` (sorted by seed here): shard `shard` of a sweep over `seedRange`.
    public init(scenarioName: String, scenarioHash: String, seedRange: ClosedRange<UInt64>, shard: (index: Int, count: Int) = (0, 1),
                outcomes: [SeedOutcome]) {
        self.scenarioName = scenarioName
        self.scenarioHash = scenarioHash
        self.seedRange = seedRange
        self.shard = shard
        self.outcomes = outcomes.sorted { $0.seed < $1.seed }
    }

    public static func == (lhs: SweepReport, rhs: SweepReport) -> Bool {
        lhs.scenarioName == rhs.scenarioName && lhs.scenarioHash == rhs.scenarioHash && lhs.seedRange == rhs.seedRange
            && lhs.shard == rhs.shard && lhs.outcomes == rhs.outcomes
    }

    /// The seeds whose checks failed, in order.
    public var failedSeeds: [UInt64] { outcomes.filter { !$0.passed }.map(\.seed) }

    /// The hash sweeps compare scenarios by: the scenario's with its seed set to 0.
    public static func scenarioHash(_ scenario: Scenario) -> String {
        var unseeded = scenario
        unseeded.seed = 0
        return unseeded.hash
    }

    /// Each metric's distribution over the seeds: count, minimum, median, p90, maximum, mean
    /// (integer division), from the exact values.
    public var distributions: [(name: String, count: Int, minimum: Int64, median: Int64, p90: Int64, maximum: Int64, mean: Int64)] {
        var names: [String] = []
        var values: [String: [Int64]] = [:]
        for outcome in outcomes {
            for metric in outcome.metrics {
                if values[metric.name] == nil { names.append(metric.name) }
                values[metric.name, default: []].append(metric.value)
            }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { name in
            let sorted = (values[name] ?? []).sorted()
            let sum = sorted.reduce(Int64(0)) { $0.addingReportingOverflow($1).partialValue }
            func rank(_ numerator: Int, _ denominator: Int) -> Int64 { sorted[min(sorted.count - 1, (sorted.count * numerator + denominator - 1) / denominator - 1)] }
            return (name, sorted.count, sorted[0], rank(1, 2), rank(9, 10), sorted[sorted.count - 1], sum / Int64(sorted.count))
        }
    }

    /// The report as JSON (keys sorted).
    public var json: String {
        let distributions = self.distributions.map { entry -> (key: String, value: JSONValue) in
            (entry.name, .object([("count", .number(String(entry.count))), ("min", .number(String(entry.minimum))), ("p50", .number(String(entry.median))),
                                  ("p90", .number(String(entry.p90))), ("max", .number(String(entry.maximum))), ("mean", .number(String(entry.mean)))]))
        }
        let value = JSONValue.object([
            ("schema", .string("icsim-sweep/1")), ("scenario", .string(scenarioName)), ("scenarioHash", .string(scenarioHash)),
            ("seedRange", .string("\(seedRange.lowerBound)-\(seedRange.upperBound)")), ("shard", .string("\(shard.index)/\(shard.count)")),
            ("seeds", .number(String(outcomes.count))), ("failedSeeds", .array(failedSeeds.map { .number(String($0)) })),
            ("distributions", .object(distributions)), ("outcomes", .array(outcomes.map(\.jsonValue))),
        ])
        return value.sortedKeys().formatted() + "\n"
    }

    /// A summary for people: seeds run and failed, then each metric's distribution.
    public var text: String {
        var lines = ["ICSim sweep of scenario \"\(scenarioName)\": \(outcomes.count) seeds, \(failedSeeds.count) failed"
            + (failedSeeds.isEmpty ? "" : " (seeds " + failedSeeds.prefix(20).map(String.init).joined(separator: ", ") + (failedSeeds.count > 20 ? ", ..." : "") + ")")]
        for outcome in outcomes.filter({ !$0.passed }).prefix(20) {
            lines.append("  seed \(outcome.seed): failed \(outcome.failedChecks.joined(separator: ", "))")
        }
        lines.append("metric over seeds: min (its seed) / p50 / p90 / max (its seed), mean")
        for entry in distributions {
            let show = { (value: Int64) in Self.shown(value, of: entry.name) }
            let extremes = seedsOfExtremes(entry.name, minimum: entry.minimum, maximum: entry.maximum)
            lines.append("  \(Self.displayName(entry.name)): \(show(entry.minimum)) (seed \(extremes.minimum)) / \(show(entry.median)) / "
                + "\(show(entry.p90)) / \(show(entry.maximum)) (seed \(extremes.maximum)), mean \(show(entry.mean))")
        }
        return lines.joined(separator: "\n")
    }

    /// The first seeds (in seed order) whose value of metric `name` is `minimum` and `maximum`.
    func seedsOfExtremes(_ name: String, minimum: Int64, maximum: Int64) -> (minimum: UInt64, maximum: UInt64) {
        func seed(with value: Int64) -> UInt64 {
            outcomes.first { outcome in outcome.metrics.contains { $0.name == name && $0.value == value } }?.seed ?? 0
        }
        return (seed(with: minimum), seed(with: maximum))
    }

    /// A metric's name as the text shows it: a duration's without its `Nanos` unit.
    static func displayName(_ name: String) -> String {
        name.hasSuffix("Nanos") ? String(name.dropLast(5)) : name
    }

    /// A metric's value in its unit: a duration (names ending in `Nanos`; -1, no value, as
    /// "-"), or a count with digit grouping.
    static func shown(_ value: Int64, of name: String) -> String {
        guard name.hasSuffix("Nanos") else { return grouped(value) }
        return value < 0 ? "-" : SimDuration.nanoseconds(value).formatted(decimals: 3)
    }

    /// `value` with its thousands separated by commas, as the scenario report writes counts.
    static func grouped(_ value: Int64) -> String {
        ScenarioReport.grouped(value)
    }

    /// Reads a report written by ``json`` (a shard's result).
    /// - Throws: ``ScenarioError`` naming what is wrong, with its JSON path.
    public static func load(_ bytes: [UInt8]) throws(ScenarioError) -> SweepReport {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw ScenarioError(problems: [JSONProblem(JSONPath(), "not valid JSON: \(error)")]) }
        var reader = JSONReader()
        let keys = ["schema", "scenario", "scenarioHash", "seedRange", "shard", "seeds", "failedSeeds", "distributions", "outcomes"]
        guard let object = reader.object(value, at: JSONPath(), allowed: keys, required: keys),
              let schema = object["schema"], reader.string(schema.value, at: schema.path) == "icsim-sweep/1",
              let name = object["scenario"].flatMap({ reader.string($0.value, at: $0.path) }),
              let hash = object["scenarioHash"].flatMap({ reader.string($0.value, at: $0.path) }),
              let range = object["seedRange"].flatMap({ reader.string($0.value, at: $0.path) }).flatMap(Self.parseRange),
              let shard = object["shard"].flatMap({ reader.string($0.value, at: $0.path) }).flatMap(Self.parseShard),
              let outcomesMember = object["outcomes"], let elements = reader.array(outcomesMember.value, at: outcomesMember.path) else {
            throw ScenarioError(problems: reader.problems.isEmpty ? [JSONProblem(JSONPath(), "not an icsim-sweep/1 report")] : reader.problems)
        }
        let outcomes = elements.compactMap { SeedOutcome(json: $0.value, reader: &reader, at: $0.path) }
        guard reader.problems.isEmpty else { throw ScenarioError(problems: reader.problems) }
        return SweepReport(scenarioName: name, scenarioHash: hash, seedRange: range, shard: shard, outcomes: outcomes)
    }

    /// `"1-1000"`.
    static func parseRange(_ text: String) -> ClosedRange<UInt64>? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let low = UInt64(parts[0]), let high = UInt64(parts[1]), low <= high else { return nil }
        return low...high
    }

    /// `"3/100"`.
    static func parseShard(_ text: String) -> (index: Int, count: Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(index) else { return nil }
        return (index, count)
    }

    /// The reports of all the shards of one sweep as one report: the same scenario, seed range
    /// and shard count, every shard exactly once; the result is the whole sweep (shard 0 of 1).
    /// - Throws: ``ScenarioError`` naming what does not fit (a missing or repeated shard,
    ///   another scenario or range, a seed twice).
    public static func merge(_ reports: [SweepReport]) throws(ScenarioError) -> SweepReport {
        guard let first = reports.first else { throw ScenarioError(problems: [JSONProblem(JSONPath(), "no shard results to merge")]) }
        var problems: [JSONProblem] = []
        for (index, report) in reports.enumerated() {
            let path = JSONPath().appending(index)
            if report.scenarioHash != first.scenarioHash {
                problems.append(JSONProblem(path, "shard ran scenario \(report.scenarioHash.prefix(16)), not \(first.scenarioHash.prefix(16)) like the first"))
            }
            if report.seedRange != first.seedRange || report.shard.count != first.shard.count {
                problems.append(JSONProblem(path, "shard \(report.shard.index)/\(report.shard.count) of seeds \(report.seedRange) does not belong with "
                    + "shard \(first.shard.index)/\(first.shard.count) of seeds \(first.seedRange) (a merged report among the shards?)"))
            }
        }
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        let indices = reports.map(\.shard.index).sorted()
        let missing = (0..<first.shard.count).filter { !indices.contains($0) }
        let repeated = zip(indices, indices.dropFirst()).filter { $0 == $1 }.map(\.0)
        if !missing.isEmpty {
            problems.append(JSONProblem(JSONPath(), "missing \(missing.count) of \(first.shard.count) shards: "
                + missing.prefix(20).map(String.init).joined(separator: ", ") + (missing.count > 20 ? ", ..." : "")))
        }
        if let shard = repeated.first { problems.append(JSONProblem(JSONPath(), "shard \(shard)/\(first.shard.count) is given twice")) }
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        return SweepReport(scenarioName: first.scenarioName, scenarioHash: first.scenarioHash, seedRange: first.seedRange,
                           outcomes: reports.flatMap(\.outcomes))
    }
}
