import SimCore

/// A subnet's consensus parameters. Defaults are the IC's for a 13-node application subnet
/// (Docs/Model.md, "Fault tolerance, committee", "Thresholds" and "Defaults").
public struct ConsensusConfiguration: Hashable, Sendable {
    /// Nodes in the subnet.
    public var nodeCount: Int
    /// The block-maker delay unit: a maker of rank r proposes r units after the round starts.
    public var unitDelay: SimDuration
    /// The notary delay of a rank-0 block.
    public var initialNotaryDelay: SimDuration
    /// Most payload items in a block.
    public var payloadItemsMax: Int
    /// Most payload bytes in a block.
    public var payloadBytesMax: Int
    /// How long a node goes without progress (no new notarized height) before it asks its
    /// peers to help it catch up, and how often it asks again while stuck.
    public var catchUpInterval: SimDuration

    /// The IC's defaults for `nodeCount` nodes: unit delay 1 s (3 s above 13 nodes),
    /// initial notary delay 300 ms, 1,000 messages and 4 MiB per block;
    /// catch-up requests after two unit delays without progress (an assumption).
    public init(nodeCount: Int = 13) {
        self.nodeCount = nodeCount
        unitDelay = nodeCount > 13 ? .seconds(3) : .seconds(1)
        initialNotaryDelay = .milliseconds(300)
        payloadItemsMax = 1_000
        payloadBytesMax = 4 << 20
        catchUpInterval = unitDelay * 2
    }

    /// Faulty nodes tolerated: floor((n - 1) / 3).
    public var faultsTolerated: Int { (nodeCount - 1) / 3 }
    /// The committee size c = 3f + 1: how many nodes notarize and finalize each round.
    public var committeeSize: Int { 3 * faultsTolerated + 1 }
    /// Shares needed to notarize or finalize: c - f.
    public var threshold: Int { committeeSize - faultsTolerated }
    /// Shares needed for the random beacon: f + 1.
    public var beaconThreshold: Int { faultsTolerated + 1 }
    /// How many makers get a rank each round: f + 1.
    public var rankedMakers: Int { faultsTolerated + 1 }

    /// What is wrong with the configuration, if anything (empty when it is usable).
    public func problems() -> [String] {
        var problems: [String] = []
        if nodeCount < 1 || nodeCount > 1_000 { problems.append("nodeCount: \(nodeCount) is outside 1...1000") }
        if unitDelay < .zero { problems.append("unitDelay: must not be negative") }
        if initialNotaryDelay < .zero { problems.append("initialNotaryDelay: must not be negative") }
        if catchUpInterval <= .zero { problems.append("catchUpInterval: must be positive") }
        if payloadItemsMax < 0 { problems.append("payloadItemsMax: must not be negative") }
        if payloadBytesMax < 0 { problems.append("payloadBytesMax: must not be negative") }
        return problems
    }

    /// The notary delay for a block of `rank` when the node's notarized height is ahead of its
    /// finalized height by `gap` and the certified height trails the finalized one by
    /// `certificationGap`: initial_notary_delay + unit_delay * rank * 1.5^gap, plus 2 s per
    /// height of `certificationGap` when it exceeds 1 (Docs/Model.md, "Notary delay").
    /// Computed with IEEE basic operations only (deterministic on every platform), clamped.
    public func notaryDelay(rank: Int, gap: UInt64, certificationGap: UInt64 = 0) -> SimDuration {
        let certification = certificationGap > 1 ? certificationLagDelay * Int64(min(certificationGap, 1_000_000)) : .zero
        guard rank > 0 else { return initialNotaryDelay + certification }
        var factor = Double(rank)
        var remaining = min(gap, 200)
        while remaining > 0 && factor < 1e12 {
            factor *= 1.5
            remaining -= 1
        }
        let scaled = Double(unitDelay.nanoseconds) * factor
        let capped = min(scaled, 1e17)  // about three years: effectively never
        return initialNotaryDelay + .nanoseconds(Int64(capped)) + certification
    }

    /// What each height of certification lag beyond one adds to the notary delay: 2 s.
    public var certificationLagDelay: SimDuration { .seconds(2) }

    /// How far the notarized height may run ahead of the certified one before notaries stop
    /// signing: 70 heights (Docs/Model.md, "Notary delay").
    public var certificationLagMax: UInt64 { 70 }

    /// The block-maker delay of `rank`: unit_delay * rank.
    public func blockMakerDelay(rank: Int) -> SimDuration {
        .nanoseconds(unitDelay.nanoseconds.multipliedReportingOverflow(by: Int64(rank)).overflow
            ? Int64.max / 4 : unitDelay.nanoseconds * Int64(rank))
    }
}
