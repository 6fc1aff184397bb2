import SimCore

/// One replica's state certification as a pure state machine, beside its consensus node.
///
/// After a replica executes a height it signs a share of the certification of the state's
/// digest and sends it to its peers; a replica holding c - f shares for one digest of a height
/// has that height certified, and sends the certification it aggregated to its peers, so that
/// a replica that missed shares still learns it (Docs/Model.md, "Certification"; the
/// IC's certifier, rs/consensus/certification certifier.rs, aggregates shares into a full
/// certification in its pool, which is gossiped and accepted by peers on its threshold
/// signature). It reads no clock: the caller passes the time of each input, which it keeps
/// only to answer what the replica had certified at a past time.
///
/// Inputs: a share (its own or a peer's), a certification a peer aggregated. Outputs: whether
/// the input certified a height here and, for a share, the signers of the certification it
/// aggregated (to send).
public struct Certifier: Sendable {
    /// Shares needed (c - f).
    public let threshold: Int
    /// Nodes of the subnet (signers are `0 ..< nodeCount`).
    public let nodeCount: Int
    /// The shares held for each height not yet certified here, one tally per digest (looked
    /// up only). A few heights wait at a time: searched linearly, not hashed.
    var pool = SmallMap<Height, [ShareTally]>()
    /// The heights certified here, apart from `1 ... contiguousCertified` (most of them).
    var certified: Set<Height> = []
    /// Every height from 1 to this one is certified here (0: none is known to be).
    var contiguousCertified: Height = 0
    /// The highest certified height (0 before any).
    public private(set) var certifiedHeight: Height = 0
    /// Each rise of the highest certified height, with its time (both increasing).
    var steps: [(height: Height, time: SimInstant)] = []

    /// A certifier needing `threshold` shares among `nodeCount` nodes.
    /// - Precondition: `1 <= threshold <= nodeCount`.
    public init(nodeCount: Int, threshold: Int) {
        precondition(threshold >= 1 && threshold <= nodeCount, "a threshold of \(threshold) among \(nodeCount) nodes")
        self.nodeCount = nodeCount
        self.threshold = threshold
    }

    /// The highest height certified here at `time` (0 before any).
    public func certifiedHeight(at time: SimInstant) -> Height {
        var low = 0, high = steps.count
        while low < high {
            let middle = (low + high) / 2
            if steps[middle].time <= time { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? 0 : steps[low - 1].height
    }

    /// Whether `height` is certified here.
    public func isCertified(_ height: Height) -> Bool {
        // No height above the highest certified one is; most below it are in the contiguous
        // run from 1, which needs no hashing.
        guard height <= certifiedHeight else { return false }
        return (height >= 1 && height <= contiguousCertified) || certified.contains(height)
    }

    /// Takes `signer`'s share for `digest` at `height`, at `time`. When that certified the
    /// height: the signers of the certification it aggregated (sorted), to send to the peers;
    /// otherwise nil (the height was certified already, the share is a duplicate or out of
    /// range, or the shares are still too few).
    public mutating func add(share digest: SHA256Digest, height: Height, signer: Int, time: SimInstant) -> [NodeID]? {
        guard !isCertified(height), signer < nodeCount else { return nil }
        // The height's tallies change in place (a copy taken out and stored back made the
        // array and the tally's words copy on write at every share).
        guard let signers = Self.add(signer, digest: digest, to: &pool[height, default: []], threshold: threshold) else { return nil }
        markCertified(height, time: time)
        return signers.map(NodeID.init)
    }

    /// Adds `signer`'s share for `digest` to `tallies`: the signers of that digest once the
    /// share made them `threshold` (nil for a duplicate or too few).
    private static func add(_ signer: Int, digest: SHA256Digest, to tallies: inout [ShareTally], threshold: Int) -> [Int]? {
        let index = tallies.firstIndex { $0.digest == digest } ?? tallies.count
        if index == tallies.count { tallies.append(ShareTally(digest: digest)) }
        guard tallies[index].insert(signer), tallies[index].count >= threshold else { return nil }
        return tallies[index].signers
    }

    /// Takes a certification of `digest` at `height` a peer aggregated, at `time`; whether
    /// that certified the height here. One with fewer than c - f distinct signers in range is
    /// invalid and ignored (honest replicas never make one; Byzantine ones only withhold or
    /// delay, they cannot forge the threshold signature).
    public mutating func accept(certification digest: SHA256Digest, height: Height, signers: [NodeID], time: SimInstant) -> Bool {
        guard !isCertified(height) else { return false }
        var tally = ShareTally(digest: digest)
        for signer in signers where signer.index < nodeCount { _ = tally.insert(signer.index) }
        guard tally.count >= threshold else { return false }
        markCertified(height, time: time)
        return true
    }

    /// `height` is certified here from `time` on.
    private mutating func markCertified(_ height: Height, time: SimInstant) {
        if height == contiguousCertified + 1 {
            // Extends the run, and takes in the heights after it certified before it.
            contiguousCertified = height
            while certified.remove(contiguousCertified + 1) != nil { contiguousCertified += 1 }
        } else {
            certified.insert(height)
        }
        pool[height] = nil
        if height > certifiedHeight {
            certifiedHeight = height
            steps.append((height, time))
        }
    }
}

/// The signers of one digest at one height, as a bit set.
struct ShareTally: Sendable {
    let digest: SHA256Digest
    private var words: [UInt64] = []
    private(set) var count = 0

    init(digest: SHA256Digest) {
        self.digest = digest
    }

    /// Adds `signer`; whether it was new.
    mutating func insert(_ signer: Int) -> Bool {
        guard signer >= 0 else { return false }
        let word = signer / 64
        if word >= words.count { words += repeatElement(0, count: word - words.count + 1) }
        let bit: UInt64 = 1 << UInt64(signer % 64)
        guard words[word] & bit == 0 else { return false }
        words[word] |= bit
        count += 1
        return true
    }

    /// The signers, in increasing order.
    var signers: [Int] {
        var signers: [Int] = []
        signers.reserveCapacity(count)
        for (index, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                signers.append(index * 64 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return signers
    }
}
