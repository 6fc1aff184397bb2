import Testing
import SimCore
@testable import Consensus

/// The certifier's record of certified heights: a run from height 1 kept as a bound, the
/// others in a set, and shares waiting in a small map. Checked against a plain set of the
/// heights certified, for heights certified in and out of order, by shares and by
/// certifications, with height 0 and heights far ahead.
@Suite("Certified heights")
struct CertifiedHeightsTests {
    let state = SHA256.hash(string: "state")

    /// Certifies `heights` in order (a share with threshold 1, or a peer's certification,
    /// alternately) and checks every height 0 ... 40 and a far one against a plain set after
    /// each step.
    func expectMatchesASet(_ heights: [Height]) {
        var certifier = Certifier(nodeCount: 4, threshold: 1)
        var reference: Set<Height> = []
        for (step, height) in heights.enumerated() {
            let time = SimInstant.zero + .milliseconds(Int64(step))
            if step % 2 == 0 {
                let signers = certifier.add(share: state, height: height, signer: 2, time: time)
                #expect((signers != nil) == !reference.contains(height), "share for \(height)")
            } else {
                let accepted = certifier.accept(certification: state, height: height, signers: [NodeID(1)], time: time)
                #expect(accepted == !reference.contains(height), "certification of \(height)")
            }
            reference.insert(height)
            for probe in Array(0...40) + [Height(1) << 40] {
                #expect(certifier.isCertified(probe) == reference.contains(probe), "height \(probe) after \(heights.prefix(step + 1))")
            }
            #expect(certifier.certifiedHeight == reference.max())
            #expect(certifier.pool[height] == nil, "the pool forgets a certified height")
        }
    }

    @Test func inOrder() {
        expectMatchesASet(Array(1...30))
    }

    @Test func outOfOrderGapsDuplicatesAndHeightZero() {
        expectMatchesASet([3, 1, 5, 2, 2, 4, 0, 9, 7, 8, 6, 6, 20, 10, Height(1) << 40, 11])
    }

    /// Shares of several heights wait side by side until each reaches the threshold.
    @Test func sharesOfSeveralHeightsWaitApart() {
        var certifier = Certifier(nodeCount: 4, threshold: 2)
        let time = SimInstant.zero
        for height in [5, 2, 9] as [Height] {
            #expect(certifier.add(share: state, height: height, signer: 0, time: time) == nil)
        }
        #expect(certifier.add(share: state, height: 2, signer: 1, time: time) == [NodeID(0), NodeID(1)])
        #expect(certifier.isCertified(2) && !certifier.isCertified(5) && !certifier.isCertified(1))
        #expect(certifier.pool[2] == nil && certifier.pool[5] != nil && certifier.pool[9] != nil)
        #expect(certifier.add(share: state, height: 9, signer: 3, time: time) == [NodeID(0), NodeID(3)])
        #expect(certifier.certifiedHeight == 9 && !certifier.isCertified(5))
    }
}
