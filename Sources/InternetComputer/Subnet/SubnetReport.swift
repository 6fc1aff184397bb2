import SimCore
import Consensus

/// The outcome of one subnet run: what was simulated, the safety verdict, finalization,
/// latency, round durations, ranks, messages, and the trace hash.
public struct SubnetReport: Sendable {
    /// What was simulated.
    public let configuration: SubnetConfiguration
    /// The virtual time simulated.
    public let duration: SimDuration
    /// Why and when the run stopped.
    public let result: RunResult
    /// The metrics.
    public let metrics: SubnetMetrics
    /// The first safety violation, if any.
    public let violation: SafetyChecker.Violation?
    /// What execution did (answers, their latency, the state).
    public let execution: SubnetExecution
    /// The trace hash: equal for equal configurations on every machine.
    public let traceHash: String

    /// Runs `configuration` for `duration` of virtual time.
    /// - Throws: ``ConfigurationErrors`` listing every problem of the configuration.
    public static func run(_ configuration: SubnetConfiguration, duration: SimDuration) throws(ConfigurationErrors) -> SubnetReport {
        let problems = configuration.problems() + (duration < .zero ? ["duration: must not be negative"] : [])
        guard problems.isEmpty else {
            // Each problem reads "field: what is wrong".
            throw ConfigurationErrors(problems: problems.map { problem in
                let parts = problem.split(separator: ":", maxSplits: 1)
                return ConfigurationError(field: String(parts[0]), message: parts.count > 1 ? String(parts[1].drop { $0 == " " }) : problem)
            })
        }
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        let result = simulation.run(.until(.zero + duration))
        return SubnetReport(
            configuration: configuration, duration: duration, result: result, metrics: simulation.model.metrics,
            violation: simulation.model.safety.violation, execution: simulation.model.execution,
            traceHash: simulation.traceHash.hexDigest)
    }

    /// Finalized blocks per second of virtual time (over the lowest finalized height).
    public var blocksPerSecond: Double {
        duration.nanoseconds == 0 ? 0 : Double(metrics.finalizedHeightMin) * 1e9 / Double(duration.nanoseconds)
    }

    /// `value` with `decimals` decimals (rounded half away from zero), without Foundation.
    package static func fixed(_ value: Double, decimals: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((value * Double(scale)).rounded())
        let fraction = String(abs(scaled % scale))
        let sign = scaled < 0 ? "-" : ""
        guard decimals > 0 else { return "\(scaled)" }
        return "\(sign)\(abs(scaled / scale)).\(String(repeating: "0", count: decimals - fraction.count))\(fraction)"
    }

    func formatted(_ duration: SimDuration?) -> String { duration.map { $0.formatted(decimals: 1) } ?? "-" }

    /// The report as readable text, one fact a line.
    public var text: String {
        let consensus = configuration.consensus
        let latency = metrics.finalizationLatency
        let rounds = metrics.roundDurations
        let kinds = ArtifactKind.allCases.map { kind in
            "\(kind) \(Self.fixed(metrics.messagesPerBlock(kind), decimals: 1))"
        }
        let load = configuration.ingress.isEmpty ? "no load" : "\(configuration.ingress.count) update calls"
        let consensusLines: [String] = [
            "ICSim subnet: ICC consensus on a simulated network (honest nodes, no faults, \(load))",
            "subnet: \(consensus.nodeCount) nodes (f = \(consensus.faultsTolerated), thresholds \(consensus.threshold) "
                + "and \(consensus.beaconThreshold)), unit delay \(consensus.unitDelay), initial notary delay \(consensus.initialNotaryDelay)",
            "network: \(configuration.network.latency.regions.joined(separator: ", ")); "
                + "uplinks \(configuration.network.uploadBitsPerSecond / 1_000_000) Mbit/s",
            "seed: \(configuration.seed)   virtual duration: \(duration)",
            "stopped: \(result.stopReason.rawValue) at \(result.now) after \(result.eventsProcessed) events",
            "safety: " + (violation.map { "VIOLATED \($0)" } ?? "no two different blocks finalized at any height"),
            "finalized height: \(metrics.finalizedHeightMin) to \(metrics.finalizedHeights.max() ?? 0) across nodes "
                + "(\(Self.fixed(blocksPerSecond, decimals: 2)) blocks/s)",
            "proposal to finalization: p50 \(formatted(latency.quantile(1, 2))), p90 \(formatted(latency.quantile(9, 10))), "
                + "p99 \(formatted(latency.quantile(99, 100))), max \(formatted(latency.maximum))",
            "round duration: p50 \(formatted(rounds.quantile(1, 2))), mean \(formatted(rounds.mean)), max \(formatted(rounds.maximum))",
            "finalized blocks by rank (node 0): " + metrics.finalizedRanks.enumerated().map { "rank \($0.offset): \($0.element)" }.joined(separator: ", "),
            "messages per finalized block: " + kinds.joined(separator: ", "),
        ]
        return (consensusLines + executionLines + ["trace hash: \(traceHash)"]).joined(separator: "\n")
    }

    /// What execution did, when the subnet has canisters.
    var executionLines: [String] {
        guard !configuration.canisters.isEmpty else { return [] }
        let outcomes = execution.outcomes
        let replied = outcomes.filter { if case .replied = $0.outcome.status { return true } else { return false } }.count
        let certified = outcomes.filter { $0.outcome.certifiedAt != nil }.count
        let latency = execution.ingress.latency
        let expired = execution.ingress.expiredCalls(at: .zero + duration).count
        return [
            "calls: \(configuration.ingress.count) submitted, \(outcomes.count) answered (\(replied) replied, "
                + "\(outcomes.count - replied) rejected), \(certified) certified, \(expired) expired",
            "submission to certified answer: p50 \(formatted(latency.quantile(1, 2))), p90 \(formatted(latency.quantile(9, 10))), "
                + "p99 \(formatted(latency.quantile(99, 100))), max \(formatted(latency.maximum))",
            "executed height: \(execution.executedHeight), \(execution.instructions) instructions (round overheads included); state hash "
                + (execution.stateHashes.last.map { String($0.description.prefix(16)) } ?? "-"),
        ]
    }

    /// The report as one JSON object with keys in a fixed order (deterministic bytes).
    public var json: String {
        func nanos(_ duration: SimDuration?) -> String { duration.map { String($0.nanoseconds) } ?? "null" }
        let latency = metrics.finalizationLatency
        let messages = ArtifactKind.allCases.map { "\(JSONText.quoted($0.description)):\(metrics.messages[$0.rawValue])" }
        let bytes = ArtifactKind.allCases.map { "\(JSONText.quoted($0.description)):\(metrics.bytes[$0.rawValue])" }
        let fields: [(String, String)] = [
            ("kind", JSONText.quoted("subnet")),
            ("seed", String(configuration.seed)),
            ("nodes", String(configuration.consensus.nodeCount)),
            ("durationNanos", String(duration.nanoseconds)),
            ("stopReason", JSONText.quoted(result.stopReason.rawValue)),
            ("eventsProcessed", String(result.eventsProcessed)),
            ("safe", violation == nil ? "true" : "false"),
            ("violation", violation.map { JSONText.quoted($0.description) } ?? "null"),
            ("finalizedHeightMin", String(metrics.finalizedHeightMin)),
            ("finalizedHeightMax", String(metrics.finalizedHeights.max() ?? 0)),
            ("finalizationLatencyP50Nanos", nanos(latency.quantile(1, 2))),
            ("finalizationLatencyP99Nanos", nanos(latency.quantile(99, 100))),
            ("finalizationLatencyMaxNanos", nanos(latency.maximum)),
            ("roundDurationP50Nanos", nanos(metrics.roundDurations.quantile(1, 2))),
            ("finalizedRanks", "[" + metrics.finalizedRanks.map(String.init).joined(separator: ",") + "]"),
            ("messagesByKind", "{" + messages.joined(separator: ",") + "}"),
            ("bytesByKind", "{" + bytes.joined(separator: ",") + "}"),
            ("callsSubmitted", String(configuration.ingress.count)),
            ("callsAnswered", String(execution.outcomes.count)),
            ("callsExpired", String(execution.ingress.expiredCalls(at: .zero + duration).count)),
            ("answerLatencyP50Nanos", nanos(execution.ingress.latency.quantile(1, 2))),
            ("answerLatencyP99Nanos", nanos(execution.ingress.latency.quantile(99, 100))),
            ("executedHeight", String(execution.executedHeight)),
            ("stateHash", execution.stateHashes.last.map { JSONText.quoted($0.description) } ?? "null"),
            ("traceHash", JSONText.quoted(traceHash)),
        ]
        return "{" + fields.map { "\(JSONText.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }
}
