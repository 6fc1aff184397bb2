import Testing
import SimCore
import Consensus
@testable import InternetComputer

/// The one registry of event kinds: no two kinds share a code or a name, and every artifact
/// kind has its delivery kind.
@Suite("Trace kinds")
struct TraceKindsTests {
    @Test func codesAndNamesAreUnique() {
        let all = TraceKinds.all
        #expect(Set(all.map(\.code)).count == all.count)
        #expect(Set(all.map(\.name.description)).count == all.count)
    }

    @Test func everyArtifactKindHasItsDeliveryKind() {
        let artifactKinds = ArtifactKind.allCases
        #expect(TraceKinds.delivery.count == artifactKinds.count)
        for kind in artifactKinds {
            #expect(TraceKinds.delivery[kind.rawValue].name.description.hasPrefix("deliver "))
        }
    }
}
