import SimCore

/// The last few beacons and the roles each seeds, remembered so that the replicas of a subnet
/// compute them once rather than once each. Both are pure functions of what they are looked
/// up by (a beacon follows from the previous one and its height; the ranked makers and the
/// committee from the beacon and the node count), so a node that finds an entry gets exactly
/// what it would have computed; one that does not computes it and adds it, dropping the
/// oldest. The subnet shell lends one memo to each node it steps
/// (``ConsensusNode/exchangeBeaconMemo(_:)``); a node on its own keeps its own.
public struct BeaconMemo: Sendable {
    /// A beacon: the one it follows, its height, its value.
    struct Beacon: Sendable {
        let previous: SHA256Digest
        let height: Height
        let value: SHA256Digest
    }

    /// The roles a beacon seeds for a subnet of `nodeCount` nodes: the ranked makers, and the
    /// committee (`nil`: every node).
    struct Roles: Sendable {
        let beacon: SHA256Digest
        let nodeCount: Int
        let makers: [NodeID]
        let committee: NodeSet?
    }

    /// How many of each are kept: the replicas of a subnet work within a height or two of
    /// each other, and one that lags computes what it misses.
    static let capacity = 8

    private var beacons: [Beacon] = []
    private var roles: [Roles] = []
    /// Where the next entry of each goes once full (the oldest).
    private var nextBeacon = 0
    private var nextRoles = 0

    /// An empty memo.
    public init() {}

    /// The beacon of `height` after `previous`: SHA-256 of a label, the previous beacon and
    /// the height (a unique threshold signature, as modelled).
    mutating func beacon(after previous: SHA256Digest, height: Height) -> SHA256Digest {
        for entry in beacons where entry.height == height && entry.previous == previous { return entry.value }
        var hasher = SHA256()
        hasher.update(string: "ICSim.beacon.v1")
        hasher.update(digest: previous)
        hasher.update(uint64LittleEndian: height)
        let value = hasher.finalize()
        Self.remember(Beacon(previous: previous, height: height, value: value), in: &beacons, next: &nextBeacon)
        return value
    }

    /// The roles of the height above `beacon` in a subnet configured by `configuration`.
    mutating func roles(after beacon: SHA256Digest, _ configuration: ConsensusConfiguration) -> (makers: [NodeID], committee: NodeSet?) {
        for entry in roles where entry.beacon == beacon && entry.nodeCount == configuration.nodeCount {
            return (entry.makers, entry.committee)
        }
        let made = Self.makeRoles(after: beacon, configuration)
        Self.remember(Roles(beacon: beacon, nodeCount: configuration.nodeCount, makers: made.makers, committee: made.committee),
                      in: &roles, next: &nextRoles)
        return made
    }

    /// The f + 1 ranked makers (index = rank), a prefix of a shuffle of the node list seeded by
    /// the beacon; and the committee (every node when n = 3f + 1, else the first c of another
    /// such shuffle).
    static func makeRoles(after beacon: SHA256Digest, _ configuration: ConsensusConfiguration) -> (makers: [NodeID], committee: NodeSet?) {
        let seed = RandomSeed(digest: beacon)
        var stream = seed.stream("block makers")
        var nodes = (0..<configuration.nodeCount).map(NodeID.init)
        stream.shuffle(&nodes)
        let makers = Array(nodes.prefix(configuration.rankedMakers))
        guard configuration.nodeCount != configuration.committeeSize else { return (makers, nil) }
        var committeeStream = seed.stream("committee")
        var committee = (0..<configuration.nodeCount).map(NodeID.init)
        committeeStream.shuffle(&committee)
        var members = NodeSet()
        for node in committee.prefix(configuration.committeeSize) { members.insert(node) }
        return (makers, members)
    }

    /// Adds `entry` to `entries`, over the oldest once there are ``capacity``.
    private static func remember<Entry>(_ entry: Entry, in entries: inout [Entry], next: inout Int) {
        guard entries.count == capacity else { return entries.append(entry) }
        entries[next] = entry
        next = (next + 1) % capacity
    }
}
