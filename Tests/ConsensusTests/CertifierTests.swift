import Testing
import SimCore
@testable import Consensus

/// One replica's certifier, driven by hand (Docs/Model.md, "Certification"): shares certify a
/// height once c - f of them agree on one digest, the certification it aggregates names its
/// signers, and a certification a peer aggregated certifies a height without the shares.
@Suite("Certifier")
struct CertifierTests {
    let state = SHA256.hash(string: "state at 7")
    let other = SHA256.hash(string: "another state at 7")

    func at(_ milliseconds: Int64) -> SimInstant { .zero + .milliseconds(milliseconds) }

    /// The threshold of a subnet of `nodes` nodes, from its configuration (c - f).
    func certifier(nodes: Int) -> Certifier {
        Certifier(nodeCount: nodes, threshold: ConsensusConfiguration(nodeCount: nodes).threshold)
    }

    @Test func theThresholdShareCertifiesAndNamesItsSigners() {
        var certifier = certifier(nodes: 4)
        #expect(certifier.threshold == 3)
        let afterOne = certifier.add(share: state, height: 7, signer: 3, time: at(1))
        #expect(afterOne == nil)
        let otherDigest = certifier.add(share: other, height: 7, signer: 2, time: at(2))
        #expect(otherDigest == nil, "another digest's share does not count")
        let duplicate = certifier.add(share: state, height: 7, signer: 3, time: at(3))
        #expect(duplicate == nil, "a duplicate does not count")
        let afterTwo = certifier.add(share: state, height: 7, signer: 1, time: at(4))
        #expect(afterTwo == nil)
        #expect(certifier.certifiedHeight == 0 && !certifier.isCertified(7))
        let signers = certifier.add(share: state, height: 7, signer: 0, time: at(5))
        #expect(signers == [NodeID(0), NodeID(1), NodeID(3)], "sorted, the other digest's signer left out")
        #expect(certifier.certifiedHeight == 7 && certifier.isCertified(7))
        let afterCertified = certifier.add(share: state, height: 7, signer: 2, time: at(6))
        #expect(afterCertified == nil, "already certified")
    }

    @Test(arguments: [4, 7, 13, 40])
    func exactlyCMinusFSharesCertify(nodes: Int) {
        var certifier = certifier(nodes: nodes)
        let threshold = ConsensusConfiguration(nodeCount: nodes).threshold
        #expect(threshold == nodes - (nodes - 1) / 3)
        for signer in 0..<(threshold - 1) {
            let belowThreshold = certifier.add(share: state, height: 3, signer: signer, time: at(Int64(signer)))
            #expect(belowThreshold == nil)
        }
        let signers = certifier.add(share: state, height: 3, signer: nodes - 1, time: at(100))
        #expect(signers?.count == threshold)
    }

    @Test func sharesOfTwoDigestsAreTalliedApart() {
        var certifier = certifier(nodes: 4)
        for signer in [0, 1] { _ = certifier.add(share: state, height: 7, signer: signer, time: at(1)) }
        for signer in [2, 3] { _ = certifier.add(share: other, height: 7, signer: signer, time: at(1)) }
        #expect(certifier.certifiedHeight == 0, "two against two: neither digest has c - f")
    }

    @Test func aSignerOutOfRangeCountsForNothing() {
        var certifier = certifier(nodes: 4)
        for signer in [0, 1, 4, 9, -1] { _ = certifier.add(share: state, height: 7, signer: signer, time: at(1)) }
        #expect(certifier.certifiedHeight == 0)
    }

    @Test func anAggregatedCertificationCertifiesWithoutShares() {
        var certifier = certifier(nodes: 4)
        let signers = [NodeID(0), NodeID(2), NodeID(3)]
        let accepted = certifier.accept(certification: state, height: 7, signers: signers, time: at(10))
        #expect(accepted)
        #expect(certifier.certifiedHeight == 7)
        let again = certifier.accept(certification: state, height: 7, signers: signers, time: at(11))
        #expect(!again, "once")
        let shareAfter = certifier.add(share: state, height: 7, signer: 0, time: at(12))
        #expect(shareAfter == nil)
    }

    @Test func anAggregateBelowTheThresholdIsIgnored() {
        var certifier = certifier(nodes: 4)
        let tooFew = [NodeID(0), NodeID(2)]
        let repeated = [NodeID(0), NodeID(2), NodeID(2)]
        let outOfRange = [NodeID(0), NodeID(2), NodeID(9)]
        for signers in [tooFew, repeated, outOfRange] {
            let accepted = certifier.accept(certification: state, height: 7, signers: signers, time: at(10))
            #expect(!accepted, "\(signers)")
        }
        #expect(certifier.certifiedHeight == 0)
    }

    @Test func theCertifiedHeightIsTheHighestAndKeepsItsHistory() {
        var certifier = certifier(nodes: 4)
        let three = [NodeID(0), NodeID(1), NodeID(2)]
        let five = certifier.accept(certification: state, height: 5, signers: three, time: at(10))
        #expect(five)
        let nine = certifier.accept(certification: state, height: 9, signers: three, time: at(20))
        #expect(nine)
        let seven = certifier.accept(certification: state, height: 7, signers: three, time: at(30))
        #expect(seven, "a lower height still certifies")
        #expect(certifier.certifiedHeight == 9, "but the highest stays")
        #expect(certifier.isCertified(7))
        #expect(certifier.certifiedHeight(at: at(9)) == 0)
        #expect(certifier.certifiedHeight(at: at(10)) == 5)
        #expect(certifier.certifiedHeight(at: at(25)) == 9)
        #expect(certifier.certifiedHeight(at: at(40)) == 9)
    }

    @Test func sharesForAHeightAlreadyCertifiedAreDropped() {
        var certifier = certifier(nodes: 4)
        _ = certifier.add(share: state, height: 7, signer: 0, time: at(1))
        let accepted = certifier.accept(certification: state, height: 7, signers: [NodeID(1), NodeID(2), NodeID(3)], time: at(2))
        #expect(accepted)
        #expect(certifier.pool[7] == nil, "the pool forgets a certified height")
    }
}
