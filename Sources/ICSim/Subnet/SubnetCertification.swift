import SimCore
import Consensus

/// State certification, outside the consensus nodes: after a replica executes a height it
/// signs a share of the certification of the state's digest and sends it to its peers; a
/// replica holding c - f shares for one digest of a height has that height certified
/// (../shared/MODEL.md section 3). Responses become visible to users once their height is
/// certified. A sans-I/O state machine per subnet, one pool per replica.
public struct SubnetCertification: Sendable {
    /// Shares needed (c - f).
    let threshold: Int
    /// Per replica: signers of each (height, digest) it holds shares for (looked up only).
    var pools: [[Height: [SHA256Digest: Set<Int>]]]
    /// Per replica: the heights it certified, and the highest.
    var certified: [Set<Height>]
    public private(set) var certifiedHeights: [Height]
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
    }

    /// Replica `node` holds `signer`'s share for `digest` at `height`, at `time`; whether that
    /// certified the height at that replica.
    mutating func add(share digest: SHA256Digest, height: Height, signer: Int, at node: Int, time: SimInstant) -> Bool {
        guard !certified[node].contains(height) else { return false }
        var signers = pools[node][height]?[digest] ?? []
        guard signers.insert(signer).inserted else { return false }
        pools[node][height, default: [:]][digest] = signers
        guard signers.count >= threshold else { return false }
        certified[node].insert(height)
        pools[node][height] = nil
        certifiedHeights[node] = max(certifiedHeights[node], height)
        if let first = firstCertification[height] {
            if first.digest != digest, !conflicts.contains(height) { conflicts.append(height) }
            return true
        }
        firstCertification[height] = (time, digest)
        return true
    }
}
