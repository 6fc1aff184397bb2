import SimCore
import Consensus

/// What a subnet's replicas certified, seen from outside them: when each height was first
/// certified by any replica, with its digest, and the heights two replicas certified with
/// different digests (which never happens with at most f faulty nodes). The replicas'
/// certifiers (``Certifier``) hold their own pools; this record is for the shell (answers
/// become visible once their height is first certified) and the checkers.
public struct CertificationRecord: Sendable {
    /// When each height was first certified by any replica, and the digest (looked up only).
    public private(set) var firstCertification: [Height: (time: SimInstant, digest: SHA256Digest)] = [:]
    /// Heights certified with two different digests by different replicas, in the order seen.
    public private(set) var conflicts: [Height] = []

    /// An empty record.
    public init() {}

    /// A replica certified `height` with `digest` at `time`; whether it is the first to.
    mutating func record(_ height: Height, digest: SHA256Digest, at time: SimInstant) -> Bool {
        guard let first = firstCertification[height] else {
            firstCertification[height] = (time, digest)
            return true
        }
        if first.digest != digest, !conflicts.contains(height) { conflicts.append(height) }
        return false
    }
}
