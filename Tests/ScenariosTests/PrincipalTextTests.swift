import Testing
import ICSim
@testable import Scenarios

/// The textual format of principals (interface spec 0.66.0, "Textual representation of
/// principals"): read strictly, and the inverse of ``Principal/description``.
@Suite("Principal text")
struct PrincipalTextTests {
    @Test(arguments: [
        ("aaaaa-aa", [UInt8]()),
        ("2vxsx-fae", [0x04]),
        ("rrkah-fqaaa-aaaaa-aaaaq-cai", [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]),
        ("em77e-bvlzu-aq", [0xab, 0xcd, 0x01]),  // the spec's example
        ("EM77E-BVLZU-AQ", [0xab, 0xcd, 0x01]),  // parsed case-insensitively
    ])
    func knownPrincipalsRead(text: String, bytes: [UInt8]) throws {
        #expect(try PrincipalText.parse(text).get() == Principal(bytes: bytes))
    }

    @Test func everyUserPrincipalReadsBackFromItsText() throws {
        for index in [0, 1, 7, 1 << 24, UInt64.max] {
            let principal = Principal.user(index)
            #expect(try PrincipalText.parse(principal.description).get() == principal)
        }
        let longest = Principal(bytes: Array(repeating: 0xff, count: 29))
        #expect(longest.description.count == 63)
        #expect(try PrincipalText.parse(longest.description).get() == longest)
    }

    @Test(arguments: [
        ("", PrincipalTextError.empty),
        ("aaaaaa-a", .grouping(group: 1)),
        ("aaaaa--aa", .grouping(group: 2)),
        ("aaaaa-aa-", .grouping(group: 2)),
        ("aaaaa-aaaaa-", .grouping(group: 3)),
        ("aaaaa-a1", .character(position: 6)),
        ("aaaaa-a", .padding),
        ("aaaa", .tooShort),
        ("rrkah-fqaaa-aaaaa-aaaaq-cab", .padding),
        ("2vxsx-fab", .checksum(canonical: "uuc56-gyb")),
        ("rrkah-fqaaa-aaaaa-aaaar-cai", .checksum(canonical: "y2lbd-ryaaa-aaaaa-aaaar-cai")),
    ])
    func malformedTextIsRefusedWithTheReason(text: String, error: PrincipalTextError) {
        #expect(throws: error) { try PrincipalText.parse(text).get() }
    }

    @Test func aPrincipalLongerThanTwentyNineBytesIsRefused() {
        let thirty = Principal(bytes: Array(repeating: 1, count: 30)).description
        #expect(throws: PrincipalTextError.tooLong(bytes: 30)) { try PrincipalText.parse(thirty).get() }
    }
}
