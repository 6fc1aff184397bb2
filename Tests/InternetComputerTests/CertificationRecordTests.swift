import Testing
import SimCore
@testable import InternetComputer

/// What a subnet records of its replicas' certifications: the first certification of each
/// height, and conflicts between replicas.
@Suite("Certification record")
struct CertificationRecordTests {
    let state = SHA256.hash(string: "state at 7")
    let other = SHA256.hash(string: "another state at 7")

    @Test func theFirstCertificationOfAHeightIsKept() {
        var record = CertificationRecord()
        let first = record.record(7, digest: state, at: .zero + .seconds(1))
        #expect(first)
        let second = record.record(7, digest: state, at: .zero + .seconds(2))
        #expect(!second, "a second replica certifying it is not the first")
        #expect(record.firstCertification[7]?.time == .zero + .seconds(1))
        #expect(record.conflicts.isEmpty)
    }

    @Test func twoDigestsCertifiedAtOneHeightAreAConflict() {
        var record = CertificationRecord()
        _ = record.record(7, digest: state, at: .zero + .seconds(1))
        _ = record.record(7, digest: other, at: .zero + .seconds(2))
        _ = record.record(7, digest: other, at: .zero + .seconds(3))
        #expect(record.conflicts == [7], "listed once")
        #expect(record.firstCertification[7]?.digest == state)
    }
}
