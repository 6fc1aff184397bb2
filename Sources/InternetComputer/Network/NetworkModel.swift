import SimCore

/// One-way delays between data-center regions.
public struct LatencyMatrix: Hashable, Sendable {
    /// Region names, in index order.
    public let regions: [String]
    /// `oneWay[i][j]`: the one-way delay from region i to region j.
    public let oneWay: [[SimDuration]]

    /// A matrix over `regions`.
    /// - Throws: ``ConfigurationError`` naming the row and column at fault, unless `oneWay` is
    ///   square with one row per region and no negative delay.
    public init(regions: [String], oneWay: [[SimDuration]]) throws(ConfigurationError) {
        guard !regions.isEmpty else { throw ConfigurationError(field: "regions", message: "expected at least one region") }
        guard oneWay.count == regions.count else {
            throw ConfigurationError(field: "oneWay", message: "\(oneWay.count) rows for \(regions.count) regions")
        }
        for (row, delays) in oneWay.enumerated() {
            guard delays.count == regions.count else {
                throw ConfigurationError(field: "oneWay[\(row)]", message: "\(delays.count) delays for \(regions.count) regions")
            }
            if let column = delays.firstIndex(where: { $0 < .zero }) {
                throw ConfigurationError(field: "oneWay[\(row)][\(column)]", message: "a negative delay")
            }
        }
        self.init(unchecked: regions, oneWay)
    }

    private init(unchecked regions: [String], _ oneWay: [[SimDuration]]) {
        self.regions = regions
        self.oneWay = oneWay
    }

    /// One region where every message takes `delay` (a negative delay counts as zero).
    public static func constant(_ delay: SimDuration) -> LatencyMatrix {
        LatencyMatrix(unchecked: ["everywhere"], [[max(delay, .zero)]])
    }

    /// Six cloud regions on three continents, with one-way delays of half the average round
    /// trip times measured between AWS regions (published in "Latency Between AWS Global
    /// Regions", reproduced at acomputerscientistlearnsaws.blogspot.com/2017/04/aws-regions.html;
    /// the two directions of a pair averaged), and 0.5 ms inside a region. Sources and caveats
    /// in Docs/Model.md.
    public static let cloudRegions: LatencyMatrix = {
        let names = ["us-east", "us-west", "eu-west", "eu-central", "ap-northeast", "ap-southeast"]
        // Round trips in tenths of a millisecond, upper triangle.
        let roundTrips: [[Int64]] = [
            [0, 878, 805, 886, 1453, 2167],
            [0, 0, 1370, 1595, 891, 1614],
            [0, 0, 0, 196, 2124, 2386],
            [0, 0, 0, 0, 2366, 3259],
            [0, 0, 0, 0, 0, 738],
            [0, 0, 0, 0, 0, 0],
        ]
        var oneWay = [[SimDuration]](repeating: [SimDuration](repeating: .microseconds(500), count: names.count), count: names.count)
        for row in names.indices {
            for column in names.indices where row != column {
                let tenths = roundTrips[min(row, column)][max(row, column)]
                oneWay[row][column] = .microseconds(tenths * 50)  // half of tenths of a millisecond
            }
        }
        return LatencyMatrix(unchecked: names, oneWay)
    }()
}

/// A network fault, active from `start` until `end` (virtual time).
public struct NetworkFault: Hashable, Sendable {
    /// What the fault does.
    public enum Kind: Hashable, Sendable {
        /// Each message is lost with this probability.
        case loss(Probability)
        /// Messages between these nodes and all others are lost, both ways (a partition that
        /// heals at `end`).
        case partition(isolated: [Int])
        /// Messages between nodes of different groups are lost; nodes in no group reach
        /// everyone (as Byzantine nodes bridging a split might).
        case split(groups: [[Int]])
        /// Messages from any of `from` to any of `to` are lost; the other direction works (a
        /// one-way partition).
        case oneWay(from: [Int], to: [Int])
        /// Each message takes this much longer.
        case extraDelay(SimDuration)
        /// Each message is delivered twice with this probability (the copy arrives up to
        /// 100 ms later).
        case duplication(Probability)
        /// Each message takes a random extra delay, uniform in 0 ..< the given bound, so
        /// messages overtake each other.
        case reordering(SimDuration)
    }

    /// What it does.
    public var kind: Kind
    /// When it starts.
    public var start: SimInstant
    /// When it ends.
    public var end: SimInstant

    /// A fault of `kind` during `start ..< end`.
    public init(_ kind: Kind, from start: SimInstant, until end: SimInstant) {
        self.kind = kind
        self.start = start
        self.end = end
    }

    /// Whether it is active at `time`.
    public func isActive(at time: SimInstant) -> Bool { start <= time && time < end }
}

/// How messages travel: a latency matrix between regions, where each node is, jitter, and
/// each node's upload bandwidth (a node sends to its peers one after another, so a big
/// artifact to many peers takes a while to leave).
public struct NetworkConfiguration: Hashable, Sendable {
    /// Delays between regions.
    public var latency: LatencyMatrix
    /// Each node's region (index into `latency.regions`), by node index.
    public var placement: [Int]
    /// Extra delay added to each message.
    public var jitter: DelayDistribution
    /// Each node's upload bandwidth in bits per second; 0 means unlimited.
    public var uploadBitsPerSecond: Int64
    /// Faults over time (none by default).
    public var faults: [NetworkFault] = []

    /// `nodeCount` nodes spread round-robin over the cloud regions, jitter uniform in
    /// 0-2 ms, 300 Mbit/s uplinks (the bandwidth the IC's own block-maker delay assumes:
    /// Docs/Model.md, "Bandwidth").
    public init(nodeCount: Int) {
        latency = .cloudRegions
        placement = (0..<nodeCount).map { $0 % LatencyMatrix.cloudRegions.regions.count }
        jitter = (try? .uniform(minimum: .zero, maximum: .milliseconds(2))) ?? .zero
        uploadBitsPerSecond = 300_000_000
    }

    /// Every message takes exactly `delay`, whatever its size: the network of the protocol
    /// timing tests.
    public static func constant(_ delay: SimDuration, nodeCount: Int) -> NetworkConfiguration {
        var configuration = NetworkConfiguration(nodeCount: nodeCount)
        configuration.latency = .constant(delay)
        configuration.placement = Array(repeating: 0, count: nodeCount)
        configuration.jitter = .zero
        configuration.uploadBitsPerSecond = 0
        return configuration
    }

    /// What is wrong with the configuration for `nodeCount` nodes (empty when usable).
    public func problems(nodeCount: Int) -> [String] {
        var problems: [String] = []
        if placement.count != nodeCount {
            problems.append("placement: \(placement.count) entries for \(nodeCount) nodes")
        }
        for (node, region) in placement.enumerated() where region < 0 || region >= latency.regions.count {
            problems.append("placement[\(node)]: region \(region) does not exist (\(latency.regions.count) regions)")
        }
        if uploadBitsPerSecond < 0 { problems.append("uploadBitsPerSecond: must not be negative") }
        for (index, fault) in faults.enumerated() {
            if fault.end < fault.start { problems.append("faults[\(index)]: ends before it starts") }
            if case .partition(let isolated) = fault.kind {
                for node in isolated where node < 0 || node >= nodeCount {
                    problems.append("faults[\(index)].isolated: node \(node) does not exist (\(nodeCount) nodes: 0-\(nodeCount - 1))")
                }
            }
            if case .oneWay(let sources, let destinations) = fault.kind {
                for node in sources + destinations where node < 0 || node >= nodeCount {
                    problems.append("faults[\(index)].oneWay: node \(node) does not exist (\(nodeCount) nodes: 0-\(nodeCount - 1))")
                }
            }
            if case .split(let groups) = fault.kind {
                for (group, members) in groups.enumerated() {
                    for node in members where node < 0 || node >= nodeCount {
                        problems.append("faults[\(index)].groups[\(group)]: node \(node) does not exist (\(nodeCount) nodes: 0-\(nodeCount - 1))")
                    }
                }
            }
            if case .extraDelay(let delay) = fault.kind, delay < .zero { problems.append("faults[\(index)]: a negative delay") }
            if case .reordering(let bound) = fault.kind, bound <= .zero { problems.append("faults[\(index)]: the reordering bound must be positive") }
        }
        return problems
    }
}

extension DelayDistribution {
    /// No delay at all.
    static var zero: DelayDistribution {
        // A constant zero is always a valid distribution.
        (try? .constant(.zero)) ?? { preconditionFailure("a zero constant is valid") }()
    }
}

/// The network's state: when each node's uplink is next free, and the jitter stream.
public struct NetworkModel: Sendable {
    /// The configuration.
    public internal(set) var configuration: NetworkConfiguration
    var uplinkFreeAt: [SimInstant]
    var jitter: RandomStream
    var faultStream: RandomStream
    /// Messages lost to faults so far.
    public private(set) var messagesLost: UInt64 = 0

    /// A network with idle uplinks, drawing jitter from `jitter` and fault decisions from
    /// `faults`.
    public init(configuration: NetworkConfiguration, jitter: RandomStream, faults: RandomStream) {
        self.configuration = configuration
        uplinkFreeAt = Array(repeating: .zero, count: configuration.placement.count)
        self.jitter = jitter
        faultStream = faults
    }

    /// A copy of a message reaching a peer.
    public struct Arrival: Hashable, Sendable {
        /// The peer.
        public var peer: Int
        /// When it arrives.
        public var time: SimInstant
    }

    /// When each peer receives `bytes` that `sender` starts sending at `now` to `peers`, in
    /// the order given (a peer missing: lost; listed twice: duplicated): each copy waits for
    /// the previous one to leave the sender's uplink, then travels its region pair's delay
    /// plus jitter, plus the extra delay of active faults, unless an active loss or partition
    /// drops it.
    public mutating func send(_ bytes: Int, from sender: Int, to peers: [Int], at now: SimInstant) -> [Arrival] {
        var arrivals: [Arrival] = []
        send(bytes, from: sender, to: peers, at: now, into: &arrivals)
        return arrivals
    }

    /// ``send(_:from:to:at:)`` into `arrivals`, whose contents it replaces, keeping their
    /// storage (the subnet reuses one array for all its sends).
    public mutating func send(_ bytes: Int, from sender: Int, to peers: [Int], at now: SimInstant, into arrivals: inout [Arrival]) {
        arrivals.removeAll(keepingCapacity: true)
        arrivals.reserveCapacity(peers.count)
        let faulty = configuration.faults.contains { $0.isActive(at: now) }
        // The same for every copy: the time on the uplink, the sender's row of delays, the
        // placement and the jitter's distribution (read once: through `configuration` and
        // `uplinkFreeAt` each copy checked the arrays' uniqueness again).
        let transmission = transmission(bytes)
        let placement = configuration.placement
        let delays = configuration.latency.oneWay[placement[sender]]
        let jitterDistribution = configuration.jitter
        var uplinkFree = uplinkFreeAt[sender]
        defer { uplinkFreeAt[sender] = uplinkFree }
        for peer in peers {
            let leaves = max(now, uplinkFree) + transmission
            uplinkFree = leaves
            let arrival = leaves + delays[placement[peer]] + jitter.duration(jitterDistribution)
            guard faulty else {
                arrivals.append(Arrival(peer: peer, time: arrival))
                continue
            }
            guard let fate = faultFate(from: sender, to: peer, at: now) else {
                messagesLost += 1
                continue
            }
            arrivals.append(Arrival(peer: peer, time: arrival + fate.extra))
            for duplicate in fate.duplicates { arrivals.append(Arrival(peer: peer, time: arrival + fate.extra + duplicate)) }
        }
    }

    /// What active faults do to a message from `sender` to `peer` sent at `now`: `nil` if one
    /// drops it, else its extra delay and the extra delays of duplicates. Random draws happen
    /// once per active fault, in the order the faults are listed.
    mutating func faultFate(from sender: Int, to peer: Int, at now: SimInstant) -> (extra: SimDuration, duplicates: [SimDuration])? {
        var extra = SimDuration.zero
        var duplicates: [SimDuration] = []
        for fault in configuration.faults where fault.isActive(at: now) {
            switch fault.kind {
            case .loss(let probability):
                if faultStream.bernoulli(probability) { return nil }
            case .duplication(let probability):
                if faultStream.bernoulli(probability) { duplicates.append(.nanoseconds(Int64(faultStream.uniform(below: 100_000_000)))) }
            case .reordering(let bound):
                extra += .nanoseconds(Int64(faultStream.uniform(below: UInt64(max(bound.nanoseconds, 1)))))
            case .partition(let isolated):
                if isolated.contains(sender) != isolated.contains(peer) { return nil }
            case .split(let groups):
                let senderGroup = groups.firstIndex { $0.contains(sender) }
                let peerGroup = groups.firstIndex { $0.contains(peer) }
                if let senderGroup, let peerGroup, senderGroup != peerGroup { return nil }
            case .oneWay(let sources, let destinations):
                if sources.contains(sender) && destinations.contains(peer) { return nil }
            case .extraDelay(let delay):
                extra += delay
            }
        }
        return (extra, duplicates)
    }

    /// The one-way delay from `sender` to `peer` (their regions' delay; no jitter, no faults).
    func oneWay(from sender: Int, to peer: Int) -> SimDuration {
        configuration.latency.oneWay[configuration.placement[sender]][configuration.placement[peer]]
    }

    /// How long `bytes` take to leave this network's uplinks.
    func transmission(_ bytes: Int) -> SimDuration {
        Self.transmission(bytes, bitsPerSecond: configuration.uploadBitsPerSecond)
    }

    /// How long `bytes` take to leave an uplink of `bitsPerSecond` (0: unlimited, no time).
    static func transmission(_ bytes: Int, bitsPerSecond: Int64) -> SimDuration {
        guard bitsPerSecond > 0 else { return .zero }
        let bandwidth = UInt64(bitsPerSecond)
        let product = (UInt64(max(bytes, 0)) * 8).multipliedFullWidth(by: 1_000_000_000)
        guard product.high < bandwidth else { return .nanoseconds(Int64.max / 4) }
        let nanoseconds = bandwidth.dividingFullWidth(product).quotient
        return .nanoseconds(Int64(min(nanoseconds, UInt64(Int64.max / 4))))
    }
}
