import Testing
import SimCore
import Wasm
import Consensus
import ExecutionLayer
@testable import InternetComputer
import ICSimTestSupport

/// The certifier's pools: shares certify a height at the replica that holds c - f of them for
/// one digest, and an aggregated certification certifies it at a replica that missed them.
@Suite("Subnet certification")
struct SubnetCertificationTests {
    let state = SHA256.hash(string: "state at 7")
    let other = SHA256.hash(string: "another state at 7")

    func at(_ milliseconds: Int64) -> SimInstant { .zero + .milliseconds(milliseconds) }

    @Test func theThresholdShareCertifiesAndNamesItsSigners() {
        var certification = SubnetCertification(nodeCount: 4, threshold: 3)
        let afterOne = certification.add(share: state, height: 7, signer: 3, at: 0, time: at(1))
        #expect(afterOne == nil)
        let otherDigest = certification.add(share: other, height: 7, signer: 2, at: 0, time: at(2))
        #expect(otherDigest == nil, "another digest's share does not count")
        let duplicate = certification.add(share: state, height: 7, signer: 3, at: 0, time: at(3))
        #expect(duplicate == nil, "a duplicate does not count")
        let afterTwo = certification.add(share: state, height: 7, signer: 1, at: 0, time: at(4))
        #expect(afterTwo == nil)
        #expect(certification.certifiedHeights[0] == 0)
        let signers = certification.add(share: state, height: 7, signer: 0, at: 0, time: at(5))
        #expect(signers == [NodeID(0), NodeID(1), NodeID(3)])
        #expect(certification.certifiedHeights == [7, 0, 0, 0])
        #expect(certification.certifiedHeight(atNode: 0, at: at(4)) == 0)
        #expect(certification.certifiedHeight(atNode: 0, at: at(5)) == 7)
        let afterCertified = certification.add(share: state, height: 7, signer: 2, at: 0, time: at(6))
        #expect(afterCertified == nil, "already certified")
    }

    @Test func anAggregatedCertificationCertifiesWithoutShares() {
        var certification = SubnetCertification(nodeCount: 4, threshold: 3)
        let signers = [NodeID(0), NodeID(2), NodeID(3)]
        let accepted = certification.accept(certification: state, height: 7, signers: signers, at: 1, time: at(10))
        #expect(accepted)
        #expect(certification.certifiedHeights == [0, 7, 0, 0])
        #expect(certification.firstCertification[7]?.time == at(10))
        let again = certification.accept(certification: state, height: 7, signers: signers, at: 1, time: at(11))
        #expect(!again, "once")
        let shareAfter = certification.add(share: state, height: 7, signer: 0, at: 1, time: at(12))
        #expect(shareAfter == nil)
    }

    @Test func anAggregateBelowTheThresholdIsIgnored() {
        var certification = SubnetCertification(nodeCount: 4, threshold: 3)
        let tooFew = [NodeID(0), NodeID(2)]
        let repeated = [NodeID(0), NodeID(2), NodeID(2)]
        let outOfRange = [NodeID(0), NodeID(2), NodeID(9)]
        for signers in [tooFew, repeated, outOfRange] {
            let accepted = certification.accept(certification: state, height: 7, signers: signers, at: 1, time: at(10))
            #expect(!accepted)
        }
        #expect(certification.certifiedHeights == [0, 0, 0, 0])
        #expect(certification.firstCertification[7] == nil)
    }

    @Test func twoDigestsCertifiedAtOneHeightAreAConflict() {
        var certification = SubnetCertification(nodeCount: 4, threshold: 3)
        let signers = [NodeID(0), NodeID(1), NodeID(2)]
        let first = certification.accept(certification: state, height: 7, signers: signers, at: 0, time: at(1))
        #expect(first)
        let second = certification.accept(certification: other, height: 7, signers: signers, at: 3, time: at(2))
        #expect(second)
        #expect(certification.conflicts == [7])
    }
}
