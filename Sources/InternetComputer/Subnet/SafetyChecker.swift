import SimCore
import Consensus

/// Checks, from outside the nodes, that no two different blocks are finalized at the same
/// height (by any two nodes, or one node twice), and that each node's finalized chain is
/// contiguous and links to the block finalized below it. It reports the first violation.
public struct SafetyChecker: Sendable {
    /// The first time two nodes disagreed, or a node's chain broke.
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        /// When it was seen.
        public var time: SimInstant
        /// The height.
        public var height: Height
        /// The node that finalized first at that height, and its block.
        public var firstNode: Int
        public var firstBlock: SHA256Digest
        /// The node that finalized something else, and that block.
        public var secondNode: Int
        public var secondBlock: SHA256Digest

        /// `"at 12.3s: height 7: node 0 finalized 3f2a…, node 5 finalized 9c1d…"`.
        public var description: String {
            "at \(time): height \(height): node \(firstNode) finalized \(firstBlock.shortHex), "
                + "node \(secondNode) finalized \(secondBlock.shortHex)"
        }
    }

    /// The block finalized at each height, by height (index 0 is height 1), with its finalizer.
    var finalized: [(block: SHA256Digest, node: Int)] = []
    /// Each node's highest finalized height and block.
    var tips: [Int: (height: Height, block: SHA256Digest)] = [:]
    /// The first violation, if any.
    public private(set) var violation: Violation?

    /// An empty checker.
    public init() {}

    /// Records that `node` finalized `block` at `time` (blocks arrive in height order).
    public mutating func observe(_ block: Block, node: Int, at time: SimInstant) {
        if let tip = tips[node], block.height != tip.height + 1 || block.parent != tip.block {
            report(time, block.height, node, tip.block, node, block.digest)
        }
        tips[node] = (block.height, block.digest)
        let index = Int(block.height) - 1
        if index == finalized.count {
            finalized.append((block.digest, node))
        } else if index < finalized.count, finalized[index].block != block.digest {
            report(time, block.height, finalized[index].node, finalized[index].block, node, block.digest)
        }
    }

    mutating func report(_ time: SimInstant, _ height: Height, _ first: Int, _ firstBlock: SHA256Digest, _ second: Int, _ secondBlock: SHA256Digest) {
        guard violation == nil else { return }
        violation = Violation(time: time, height: height, firstNode: first, firstBlock: firstBlock, secondNode: second, secondBlock: secondBlock)
    }

    /// The highest height any node finalized.
    public var finalizedHeightMax: Height { Height(finalized.count) }
}

extension SHA256Digest {
    /// The first 8 hex digits.
    var shortHex: String { String(description.prefix(8)) }
}

/// What a subnet run measured: finalization per node, proposal-to-finalization latency, round
/// durations, the rank of each finalized block, and messages and bytes by artifact kind.
public struct SubnetMetrics: Sendable {
    /// Each node's finalized height.
    public private(set) var finalizedHeights: [Height]
    /// When the first node finalized each height (index 0 is height 1).
    public private(set) var firstFinalization: [SimInstant] = []
    /// Proposal-to-finalization latency, every (node, block) pair.
    public private(set) var finalizationLatency = LatencyHistogram()
    /// How many finalized blocks (as seen by the first honest node) had each rank (index = rank).
    public private(set) var finalizedRanks: [Int] = []
    /// Messages sent, by ``ArtifactKind`` raw value (one per recipient).
    public private(set) var messages: [UInt64]
    /// Bytes sent, by ``ArtifactKind`` raw value.
    public private(set) var bytes: [UInt64]
    /// Each node's round durations (time between its notarized height's increases).
    public private(set) var roundDurations = LatencyHistogram()
    /// When each block was first proposed (looked up only), and the proposals in the order
    /// they were made, to forget those every honest node has finalized past.
    var proposedAt: [SHA256Digest: SimInstant] = [:]
    var proposals: [(height: Height, block: SHA256Digest)] = []
    var finalizationsSincePrune = 0
    var notarizedHeights: [Height]
    var roundStartedAt: [SimInstant]

    /// Which nodes are honest (the metrics that summarise over nodes count only those).
    let honest: [Bool]
    /// What happened when, node by node, for a trace viewer (``ChromeTrace``): kept only when
    /// the configuration asks for it (``SubnetConfiguration/recordsTimeline``), else `nil`.
    public private(set) var timeline: [TimelineEntry]?

    init(honest: [Bool], recordsTimeline: Bool = false) {
        timeline = recordsTimeline ? [] : nil
        let nodeCount = honest.count
        self.honest = honest
        finalizedHeights = Array(repeating: 0, count: nodeCount)
        messages = Array(repeating: 0, count: ArtifactKind.allCases.count)
        bytes = Array(repeating: 0, count: ArtifactKind.allCases.count)
        notarizedHeights = Array(repeating: 0, count: nodeCount)
        roundStartedAt = Array(repeating: .zero, count: nodeCount)
    }

    /// Messages that reached a crashed or paused node and were lost.
    public private(set) var droppedAtDownNodes: UInt64 = 0

    mutating func recordDroppedAtDownNode() {
        droppedAtDownNodes += 1
    }

    mutating func recordSent(_ artifact: Artifact, copies: Int, at time: SimInstant) {
        messages[artifact.kind.rawValue] += UInt64(copies)
        bytes[artifact.kind.rawValue] += UInt64(copies * artifact.sizeBytes)
        if case .proposal(let block) = artifact, proposedAt[block.digest] == nil {
            proposedAt[block.digest] = time
            proposals.append((block.height, block.digest))
            timeline?.append(TimelineEntry(time: time, node: block.maker.index, event: .proposed(height: block.height, rank: block.rank)))
        }
    }

    mutating func recordFinalized(_ block: Block, node: Int, at time: SimInstant) {
        finalizedHeights[node] = block.height
        timeline?.append(TimelineEntry(time: time, node: node, event: .finalized(height: block.height)))
        if Int(block.height) > firstFinalization.count { firstFinalization.append(time) }
        if let proposed = proposedAt[block.digest] { finalizationLatency.record(time - proposed) }
        finalizationsSincePrune += 1
        if finalizationsSincePrune >= 256 { pruneProposals() }
        if node == honest.firstIndex(of: true) {
            while finalizedRanks.count <= block.rank { finalizedRanks.append(0) }
            finalizedRanks[block.rank] += 1
        }
    }

    /// Forgets proposals at heights every honest node has finalized (their latency is
    /// recorded), so the map does not grow with the run.
    mutating func pruneProposals() {
        finalizationsSincePrune = 0
        let finalized = finalizedHeightMin
        let done = proposals.prefix { $0.height <= finalized }.count
        for proposal in proposals.prefix(done) { proposedAt[proposal.block] = nil }
        proposals.removeFirst(done)
    }

    mutating func recordRound(node: Int, height: Height, at time: SimInstant) {
        guard height > notarizedHeights[node] else { return }
        if notarizedHeights[node] > 0 {
            // Averaged over the heights it jumped, so a catch-up does not count as one round.
            let rounds = Int64(height - notarizedHeights[node])
            for _ in 0..<rounds { roundDurations.record((time - roundStartedAt[node]) / rounds) }
        }
        timeline?.append(TimelineEntry(time: time, node: node, event: .notarized(height: height, roundStart: roundStartedAt[node])))
        notarizedHeights[node] = height
        roundStartedAt[node] = time
    }

    /// The lowest finalized height over the honest nodes.
    public var finalizedHeightMin: Height { finalizedHeights.indices.filter { honest[$0] }.map { finalizedHeights[$0] }.min() ?? 0 }

    /// Messages sent per finalized block, by artifact kind (over the lowest finalized height).
    public func messagesPerBlock(_ kind: ArtifactKind) -> Double {
        finalizedHeightMin == 0 ? 0 : Double(messages[kind.rawValue]) / Double(finalizedHeightMin)
    }
}

/// One thing that happened at a node, for a trace viewer.
public struct TimelineEntry: Sendable, Equatable {
    /// What happened.
    public enum Event: Sendable, Equatable {
        /// The node's notarized height reached `height`: the round it started at `roundStart`
        /// ended.
        case notarized(height: Height, roundStart: SimInstant)
        /// The node proposed a block of `rank` at `height` (first sent).
        case proposed(height: Height, rank: Int)
        /// The node (an honest one) finalized `height`.
        case finalized(height: Height)
    }

    /// When.
    public var time: SimInstant
    /// The node.
    public var node: Int
    /// What.
    public var event: Event
}

/// Checks, from outside the nodes, that once the last fault has ended every node finalizes a
/// new block within a bound. The bound (Docs/Consensus.md derives it): a node still stuck asks
/// for catch-up within one catch-up interval, the answer takes one worst-case message delay,
/// and the round it then joins ends within the worst-case round time of an honest subnet
/// (every ranked maker's delay may run out: unit_delay * f, plus the notary delay of that rank
/// and two message delays), plus one more message delay for finalization shares; all of it
/// doubled for margin.
public struct LivenessChecker: Sendable {
    /// When the last fault ends (zero without faults).
    public let faultsEnd: SimInstant
    /// How long after `faultsEnd` each node must have finalized a new block.
    public let bound: SimDuration
    /// Each node's first finalization after `faultsEnd`.
    var firstAfterFaults: [SimInstant?]
    /// Nodes crashed or paused for good (their fault never ends): not judged.
    let neverBack: [Int]

    /// A fault that ends at or after this time never ends: it is part of the environment, not
    /// something the subnet must recover from, so it does not count towards `faultsEnd`.
    public static let permanent = SimInstant.zero + .nanoseconds(Int64.max / 2)

    package init(configuration: SubnetConfiguration) {
        let ends = configuration.network.faults.map(\.end) + configuration.nodeFaults.map(\.end)
        faultsEnd = ends.filter { $0 < Self.permanent }.max() ?? .zero
        neverBack = configuration.nodeFaults.filter { $0.end >= Self.permanent && $0.isDown(at: $0.start) }.map(\.node)
        let consensus = configuration.consensus
        let network = configuration.network
        let delayMax = network.latency.oneWay.joined().max() ?? .zero
        let jitterMax = SimDuration.milliseconds(2) + network.faults.reduce(.zero) { total, fault in
            if case .extraDelay(let extra) = fault.kind { return total + extra }
            return total
        }
        // Sending the largest artifact (a full block) to every peer over the uplink.
        let block = NetworkModel.transmission(consensus.payloadBytesMax + Block.headerBytes, bitsPerSecond: network.uploadBitsPerSecond)
        let transmission = block * Int64(max(consensus.nodeCount - 1, 0))
        let message = delayMax + jitterMax + transmission
        let f = consensus.faultsTolerated
        let round = consensus.blockMakerDelay(rank: f) + consensus.notaryDelay(rank: f, gap: 1) + message * 2
        bound = (consensus.catchUpInterval + message + round + message) * 2
        firstAfterFaults = Array(repeating: nil, count: consensus.nodeCount)
    }

    mutating func observe(node: Int, at time: SimInstant) {
        if time > faultsEnd, firstAfterFaults[node] == nil { firstAfterFaults[node] = time }
    }

    /// The nodes (not down for good) that have not finalized a block since the faults ended,
    /// at any time: before the bound has passed they may still do so in time.
    public func nodesNotYetFinalizing() -> [Int] {
        firstAfterFaults.indices.filter { !neverBack.contains($0) && firstAfterFaults[$0] == nil }
    }

    /// The nodes that had not finalized a new block `bound` after the faults ended, judged at
    /// `now` (empty before the bound has passed: nothing can be said yet); nodes down for good
    /// are not judged, and Byzantine nodes are never seen finalizing (the caller leaves them
    /// out).
    public func stalledNodes(at now: SimInstant) -> [Int] {
        guard now >= faultsEnd + bound else { return [] }
        return firstAfterFaults.indices.filter { node in
            guard !neverBack.contains(node) else { return false }
            guard let first = firstAfterFaults[node] else { return true }
            return first > faultsEnd + bound
        }
    }
}
