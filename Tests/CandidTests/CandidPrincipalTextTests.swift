import Testing
@testable import Candid

@Suite struct CandidPrincipalTextTests {
    private func failure(_ text: String) -> String? {
        do {
            _ = try CandidPrincipal(text: text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func knownPrincipalsEncodeAndDecode() throws {
        // The interface spec's example (0xABCD01) and the conformance suite's principals.
        let examples: [([UInt8], String)] = [
            ([], "aaaaa-aa"),
            ([0xAB, 0xCD, 0x01], "em77e-bvlzu-aq"),
            ([0xCA, 0xFF, 0xEE], "w7x7r-cok77-xa"),
            ([0xEF, 0xCD, 0xAB, 0, 0, 0, 0, 0, 1], "2chl6-4hpzw-vqaaa-aaaaa-c"),
            ([4], "2vxsx-fae"),
        ]
        for (bytes, text) in examples {
            #expect(CandidPrincipal(bytes: bytes).text == text)
            #expect(try CandidPrincipal(text: text) == CandidPrincipal(bytes: bytes))
        }
    }

    @Test func theCRCIsTheStandardOne() {
        #expect(CandidPrincipal.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CandidPrincipal.crc32([0xAB, 0xCD, 0x01]) == 0x233F_F206)
    }

    @Test func upperCaseIsAccepted() throws {
        #expect(try CandidPrincipal(text: "W7X7R-COK77-XA") == CandidPrincipal(bytes: [0xCA, 0xFF, 0xEE]))
    }

    @Test func malformedPrincipalsAreRejectedWithReasons() {
        #expect(failure("w7x7r-cok77-xb")?.contains("checksum") == true || failure("w7x7r-cok77-xb")?.contains("canonical") == true)
        #expect(failure("w7x7rcok77-xa")?.contains("grouped in fives") == true)
        #expect(failure("w7x7r-cok77-")?.contains("grouped in fives") == true)
        #expect(failure("w7x7r--cok77-xa")?.contains("grouped in fives") == true)
        #expect(failure("w7x7r-cok18-xa")?.contains("digits 2-7") == true)
        #expect(failure("")?.contains("1 to 63") == true)
        #expect(failure("aaa")?.contains("too short") == true)
        let tooLong = CandidPrincipal(bytes: Array(repeating: 7, count: 29)).text
        #expect(tooLong.count == 63)
        #expect(failure(tooLong) == nil)
        #expect(failure(tooLong + "-aaaaa") != nil)
    }

    @Test func everyLengthRoundTrips() throws {
        for length in 0...CandidPrincipal.bytesMax {
            let principal = CandidPrincipal(bytes: (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            #expect(try CandidPrincipal(text: principal.text) == principal)
        }
    }
}
