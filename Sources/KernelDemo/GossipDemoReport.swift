import SimCore

/// The outcome of one run of the kernel demonstration.
public struct GossipDemoReport: Sendable, Equatable {
    /// What was simulated.
    public let configuration: GossipDemoConfiguration
    /// Why and when the run stopped.
    public let result: RunResult
    /// What happened.
    public let statistics: GossipDemoStatistics
    /// The trace hash: equal for equal configurations on every machine.
    public let traceHash: String

    /// The heading every rendering starts with, so nobody mistakes the demo for an IC model.
    public static let heading = "ICSim kernel demonstration: gossiping actors on the bare event kernel, "
        + "not an Internet Computer model (for subnets, consensus and canisters: `icsim run`, `icsim subnet`)"

    /// The report as readable text, one fact a line.
    public var text: String {
        let stats = statistics
        let delays = stats.deliveryDelays
        let eventsByKind = GossipDemo.Kind.all.map { "\($0.name) \(stats.events(of: $0))" }
        func quantile(_ numerator: UInt64, _ denominator: UInt64) -> String {
            delays.quantile(numerator, denominator).map { $0.formatted(decimals: 1) } ?? "-"
        }
        return [
            Self.heading,
            "scenario: \(configuration.actors) gossiping actors, fanout \(configuration.fanout), "
                + "links \(configuration.linkDelay), loss \(configuration.lossProbability), "
                + "crash every \(configuration.uptimeMean) for \(configuration.downtimeMean) on average",
            "seed: \(configuration.seed)   virtual duration: \(configuration.duration)",
            "stopped: \(result.stopReason.rawValue) at \(result.now) after \(result.eventsProcessed) events",
            "events: " + eventsByKind.joined(separator: ", "),
            "messages: sent \(stats.messagesSent), lost \(stats.messagesLost), delivered \(stats.messagesDelivered), "
                + "dropped at crashed receivers \(stats.messagesDroppedAtCrashedReceiver)",
            "delivery delay: p50 \(quantile(1, 2)), p95 \(quantile(95, 100)), p99 \(quantile(99, 100)), "
                + "max \(delays.maximum.map { $0.formatted(decimals: 1) } ?? "-")",
            "suspicions: correct \(stats.suspicionsCorrect), false \(stats.suspicionsFalse)",
            "timers: rescheduled \(stats.timersRescheduled), cancelled \(stats.timersCancelled)",
            "trace hash: \(traceHash)",
        ].joined(separator: "\n")
    }

    /// The report as one JSON object with keys in a fixed order (deterministic bytes).
    public var json: String {
        let stats = statistics
        let delays = stats.deliveryDelays
        func nanos(_ duration: SimDuration?) -> String { duration.map { String($0.nanoseconds) } ?? "null" }
        let events = GossipDemo.Kind.all.map { "\(JSONText.quoted($0.name.description)):\(stats.events(of: $0))" }
        let fields: [(String, String)] = [
            ("kind", JSONText.quoted("kernel-demo")),
            ("seed", String(configuration.seed)),
            ("actors", String(configuration.actors)),
            ("durationNanos", String(configuration.duration.nanoseconds)),
            ("stopReason", JSONText.quoted(result.stopReason.rawValue)),
            ("nowNanos", String(result.now.nanosecondsSinceStart)),
            ("eventsProcessed", String(result.eventsProcessed)),
            ("eventsByKind", "{" + events.joined(separator: ",") + "}"),
            ("messagesSent", String(stats.messagesSent)),
            ("messagesLost", String(stats.messagesLost)),
            ("messagesDelivered", String(stats.messagesDelivered)),
            ("messagesDroppedAtCrashedReceiver", String(stats.messagesDroppedAtCrashedReceiver)),
            ("deliveryDelayP50Nanos", nanos(delays.quantile(1, 2))),
            ("deliveryDelayP99Nanos", nanos(delays.quantile(99, 100))),
            ("deliveryDelayMaxNanos", nanos(delays.maximum)),
            ("suspicionsCorrect", String(stats.suspicionsCorrect)),
            ("suspicionsFalse", String(stats.suspicionsFalse)),
            ("timersRescheduled", String(stats.timersRescheduled)),
            ("timersCancelled", String(stats.timersCancelled)),
            ("traceHash", JSONText.quoted(traceHash)),
        ]
        return "{" + fields.map { "\(JSONText.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }
}

extension GossipDemo {
    /// Validates `configuration`, runs the demo for its duration and reports.
    /// - Parameter traceObserver: receives every processed event in order (e.g. to write a trace file).
    /// - Throws: ``ConfigurationErrors`` listing every invalid field.
    public static func run(
        _ configuration: GossipDemoConfiguration,
        traceObserver: ((TraceEntry) -> Void)? = nil
    ) throws(ConfigurationErrors) -> GossipDemoReport {
        let problems = configuration.problems()
        guard problems.isEmpty else { throw ConfigurationErrors(problems: problems) }
        var simulation = Simulation(model: GossipDemo(configuration: configuration))
        simulation.traceObserver = traceObserver
        simulation.model.start(&simulation.scheduler)
        let result = simulation.run(.until(.zero + configuration.duration))
        return GossipDemoReport(
            configuration: configuration, result: result,
            statistics: simulation.model.statistics, traceHash: simulation.traceHash.hexDigest)
    }
}
