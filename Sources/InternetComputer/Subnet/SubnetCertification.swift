import SimCore
import Consensus

/// State certification, outside the consensus nodes: after a replica executes a height it
/// signs a share of the certification of the state's digest and sends it to its peers; a
/// replica holding c - f shares for one digest of a height has that height certified, and
/// sends the certification it aggregated to its peers, so that a replica that missed shares
/// still learns it (../shared/MODEL.md section 3; the IC's certifier, rs/consensus/certification
/// certifier.rs, aggregates shares into a full certification in its pool, which is gossiped
/// and accepted by peers on its threshold signature). Responses become visible to users once their height is
/// certified. A sans-I/O state machine per subnet, one pool per replica.
public struct SubnetCertification: Sendable {
    /// Shares needed (c - f).
    let threshold: Int
    /// Per replica: the shares it holds for each height not yet certified there, one tally
    /// per digest (looked up only).
    var pools: [[Height: [ShareTally]]]
    /// Per replica: the heights it certified, and the highest.
    var certified: [Set<Height>]
    public private(set) var certifiedHeights: [Height]
    /// Per replica: each rise of its highest certified height, with its time (both
    /// increasing), so checkers can ask what a replica had certified at a past time.
    var certificationSteps: [[(height: Height, time: SimInstant)]]
    /// When each height was first certified by any replica (index h - 1), and the digest.
    public private(set) var firstCertification: [Height: (time: SimInstant, digest: SHA256Digest)] = [:]
    /// Heights certified with two different digests by different replicas (should never
    /// happen with at most f faulty nodes).
    public private(set) var conflicts: [Height] = []

    init(nodeCount: Int, threshold: Int) {
        self.threshold = threshold
        pools = Array(repeating: [:], count: nodeCount)
        certified = Array(repeating: [], count: nodeCount)
        certifiedHeights = Array(repeating: 0, count: nodeCount)
        certificationSteps = Array(repeating: [], count: nodeCount)
    }

    /// The highest height replica `node` had certified at `time` (0 before any).
    public func certifiedHeight(atNode node: Int, at time: SimInstant) -> Height {
        let steps = certificationSteps[node]
        var low = 0, high = steps.count
        while low < high {
            let middle = (low + high) / 2
            if steps[middle].time <= time { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? 0 : steps[low - 1].height
    }

    /// Replica `node` holds `signer`'s share for `digest` at `height`, at `time`. When that
    /// certified the height at that replica: the signers of the certification it aggregated
    /// (sorted), which it sends to its peers; otherwise nil.
    mutating func add(share digest: SHA256Digest, height: Height, signer: Int, at node: Int, time: SimInstant) -> [NodeID]? {
        guard !certified[node].contains(height) else { return nil }
        var tallies = pools[node][height] ?? []
        let index = tallies.firstIndex { $0.digest == digest } ?? tallies.count
        if index == tallies.count { tallies.append(ShareTally(digest: digest)) }
        guard tallies[index].insert(signer) else { return nil }
        pools[node][height] = tallies
        guard tallies[index].count >= threshold else { return nil }
        markCertified(height, digest: digest, at: node, time: time)
        return tallies[index].signers.map(NodeID.init)
    }

    /// Replica `node` receives a certification of `digest` at `height` aggregated by a peer,
    /// at `time`; whether that certified the height there. One with fewer than c - f distinct
    /// signers in range is invalid and ignored (honest replicas never make one; Byzantine
    /// ones only withhold or delay, they cannot forge the threshold signature).
    mutating func accept(certification digest: SHA256Digest, height: Height, signers: [NodeID], at node: Int, time: SimInstant) -> Bool {
        guard !certified[node].contains(height) else { return false }
        var tally = ShareTally(digest: digest)
        for signer in signers where signer.index < pools.count { _ = tally.insert(signer.index) }
        guard tally.count >= threshold else { return false }
        markCertified(height, digest: digest, at: node, time: time)
        return true
    }

    /// `height` is certified with `digest` at replica `node` from `time` on.
    private mutating func markCertified(_ height: Height, digest: SHA256Digest, at node: Int, time: SimInstant) {
        certified[node].insert(height)
        pools[node][height] = nil
        if height > certifiedHeights[node] {
            certifiedHeights[node] = height
            certificationSteps[node].append((height, time))
        }
        if let first = firstCertification[height] {
            if first.digest != digest, !conflicts.contains(height) { conflicts.append(height) }
            return
        }
        firstCertification[height] = (time, digest)
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
