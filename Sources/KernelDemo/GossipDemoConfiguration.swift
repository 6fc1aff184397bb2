import SimCore

/// Parameters of the kernel demonstration: gossiping actors with failure-detector timers,
/// lossy links and crash-recovery faults.
///
/// This is not a model of the Internet Computer; it exists to exercise and show the
/// deterministic kernel (random streams, distributions, timers that are cancelled and
/// rescheduled, the trace hash) until the network, consensus and execution layers land.
public struct GossipDemoConfiguration: Sendable, Equatable {
    /// The root seed of the run.
    public var seed: UInt64 = 42
    /// Number of actors (2 to 1,000; memory grows with the square).
    public var actors: Int = 13
    /// Virtual time to simulate (at most ``durationMax``).
    public var duration: SimDuration = .seconds(60)

    /// The longest run: 100 years, which leaves headroom below the 292-year limit of
    /// `Int64` nanoseconds for the longest delay a distribution can sample.
    public static let durationMax = SimDuration.hours(24 * 36_525)
    /// Peers each gossip round sends to (1 to actors - 1).
    public var fanout: Int = 3
    /// Mean time between an actor's gossip rounds (exponential).
    public var gossipIntervalMean: SimDuration = .milliseconds(200)
    /// One-way link delay.
    public var linkDelay: DelayDistribution = Self.defaultLinkDelay
    /// Probability that a message is lost.
    public var lossProbability: Probability = Self.defaultLoss
    /// Silence after which an actor suspects a peer (restarted by every message from it).
    public var suspicionTimeout: SimDuration = .seconds(3)
    /// Mean time an actor stays up before it crashes (exponential).
    public var uptimeMean: SimDuration = .seconds(20)
    /// Mean time a crashed actor stays down (exponential).
    public var downtimeMean: SimDuration = .seconds(2)

    /// The defaults: 13 actors for 60 s, fanout 3, 200 ms gossip, log-normal 40 ms links,
    /// 1 % loss, 3 s suspicion timeout, crashes every 20 s for 2 s on average.
    public init() {}

    /// Log-normal with a 40 ms median and sigma 0.5.
    public static let defaultLinkDelay: DelayDistribution = {
        do { return try .logNormal(median: .milliseconds(40), sigma: 0.5) } catch {
            preconditionFailure("built-in default link delay is invalid: \(error)")
        }
    }()

    /// One message in a hundred.
    public static let defaultLoss: Probability = {
        do { return try .percent(1) } catch {
            preconditionFailure("built-in default loss probability is invalid: \(error)")
        }
    }()

    /// Checks every field and returns every problem found (empty when valid).
    public func problems() -> [ConfigurationError] {
        var found: [ConfigurationError] = []
        func require(_ condition: Bool, _ field: String, _ message: String) {
            if !condition { found.append(ConfigurationError(field: field, message: message)) }
        }
        require((2...1_000).contains(actors), "actors", "expected 2 to 1000 actors, found \(actors)")
        require(duration > .zero && duration <= Self.durationMax, "duration",
                "expected a positive duration of at most 100 years (\(Self.durationMax)), found \(duration)")
        require(fanout >= 1 && fanout < max(actors, 2), "fanout",
                "expected 1 to \(max(actors - 1, 1)) (actors - 1), found \(fanout)")
        for (field, value) in [("gossipIntervalMean", gossipIntervalMean), ("suspicionTimeout", suspicionTimeout),
                               ("uptimeMean", uptimeMean), ("downtimeMean", downtimeMean)] {
            require(value > .zero, field, "expected a positive duration, found \(value)")
        }
        return found
    }
}
