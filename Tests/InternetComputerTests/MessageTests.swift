import Testing
import SimCore
import Consensus
@testable import InternetComputer

/// What a message computes once for all its copies (issue 19): its split between consensus
/// and certifier, and the trace record of its delivery.
struct MessageTests {
    static let digest = SHA256.hash(string: "MessageTests")

    static func message(_ artifacts: [Artifact], from sender: Int = 2) -> SubnetSimulation.Message {
        SubnetSimulation.Message(artifacts, from: sender, processing: .internetComputer, dissemination: .internetComputer)
    }

    @Test func a_message_without_certification_artifacts_goes_whole_to_consensus() {
        let artifacts: [Artifact] = [.beaconShare(height: 3, signer: NodeID(2)), .notarizationShare(height: 3, block: Self.digest, signer: NodeID(2))]
        let message = Self.message(artifacts)
        #expect(message.forConsensus == artifacts)
        #expect(message.forCertifier.isEmpty)
        #expect(message.certificationCost == .zero)
        #expect(message.consensusCost == .milliseconds(2), "two shares at 1 ms each")
    }

    @Test func certifications_go_to_the_certifier_before_certification_shares() {
        let share = Artifact.certificationShare(height: 4, state: Self.digest, signer: NodeID(2))
        let certification = Artifact.certification(height: 3, state: Self.digest, signers: [NodeID(0), NodeID(1), NodeID(2)])
        let finalization = Artifact.finalizationShare(height: 5, block: Self.digest, signer: NodeID(2))
        let message = Self.message([share, finalization, certification])
        #expect(message.forConsensus == [finalization])
        #expect(message.forCertifier == [certification, share])
        #expect(message.certificationCost == .milliseconds(2))
        #expect(message.consensusCost == .milliseconds(1))
    }

    /// A message for the certifier alone, certifications first, keeps its array as it is
    /// (no arrays rebuilt); out of order, or mixed, it is split as before: the certifier's
    /// list is its certifications, then its shares, each in the order sent.
    @Test func a_certifier_only_message_splits_as_the_certifications_then_the_shares() {
        let share = Artifact.certificationShare(height: 4, state: Self.digest, signer: NodeID(2))
        let otherShare = Artifact.certificationShare(height: 5, state: Self.digest, signer: NodeID(2))
        let certification = Artifact.certification(height: 3, state: Self.digest, signers: [NodeID(0), NodeID(1), NodeID(2)])
        let beacon = Artifact.beaconShare(height: 6, signer: NodeID(2))
        let cases: [[Artifact]] = [[share], [certification, share, otherShare], [share, certification],
                                   [share, certification, otherShare], [certification], [beacon, share], [share, beacon, certification]]
        for artifacts in cases {
            let message = Self.message(artifacts)
            let isCertifier: (Artifact) -> Bool = { $0.kind == .certification || $0.kind == .certificationShare }
            #expect(message.forConsensus == artifacts.filter { !isCertifier($0) })
            #expect(message.forCertifier == artifacts.filter { $0.kind == .certification } + artifacts.filter { $0.kind == .certificationShare })
        }
        #expect(SubnetSimulation.Message.isCertifierOnlyInOrder([certification, share, otherShare]))
        #expect(!SubnetSimulation.Message.isCertifierOnlyInOrder([share, certification]))
        #expect(!SubnetSimulation.Message.isCertifierOnlyInOrder([share, beacon]))
    }

    @Test func the_delivery_record_is_the_one_computed_per_copy_before() {
        let artifacts: [Artifact] = [.finalizationShare(height: 5, block: Self.digest, signer: NodeID(2))]
        let message = Self.message(artifacts)
        let subnet = SubnetSimulation(configuration: SubnetConfiguration(nodeCount: 4, seed: 1))
        let record = subnet.traceRecord(for: .deliver(to: 1, from: 2, message: message))
        var hasher = StableHasher()
        hasher.combine(UInt64(2))
        hasher.combine(message.traceDigest)
        #expect(record.payloadDigest == hasher.finalize())
        #expect(record.kind == TraceKinds.delivery[ArtifactKind.finalizationShare.rawValue])
        #expect(record.actor == 1)
        // Delivered as if from another sender (no such event today), the digest follows it.
        var other = StableHasher()
        other.combine(UInt64(3))
        other.combine(message.traceDigest)
        #expect(subnet.traceRecord(for: .deliver(to: 1, from: 3, message: message)).payloadDigest == other.finalize())
        let bundle = Self.message(artifacts + artifacts)
        #expect(subnet.traceRecord(for: .deliver(to: 1, from: 2, message: bundle)).kind == TraceKinds.bundleDelivery)
    }
}
