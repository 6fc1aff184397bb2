import Testing
@testable import Candid

/// The official Candid conformance suite, every assertion of every `*.test.did` file: binary
/// inputs through ``CandidBinary/decode(_:as:in:limits:)``, textual inputs through
/// ``CandidText/parseArguments(_:as:in:)``. The suite is beside the checkout in CI; in a
/// fresh clone without it these tests report themselves disabled.
@Suite("Candid conformance suite", .enabled(if: CandidConformanceSuite.directory != nil, "../shared/candid-tests is not present"))
struct CandidConformanceTests {
    /// Assertions per file, as the suite at dfinity/candid ffef7cbc has them (467 in all;
    /// subtypes.test.did also shows four inside its header comment and one commented out).
    static let assertionCounts: [String: Int] = [
        "construct.test.did": 164, "overshoot.test.did": 10, "prim.test.did": 168,
        "reference.test.did": 50, "spacebomb.test.did": 17, "subtypes.test.did": 58,
    ]

    /// Assertions with a textual input, per file.
    static let textualCounts: [String: Int] = [
        "construct.test.did": 87, "overshoot.test.did": 0, "prim.test.did": 89,
        "reference.test.did": 21, "spacebomb.test.did": 0, "subtypes.test.did": 58,
    ]

    /// Assertions known to fail, as `"file line N"`; a regression adds one and fails the test,
    /// a fix removes one and fails it too (so this list stays exact).
    static let knownFailures: Set<String> = []

    @Test func everyTestFileIsFound() throws {
        #expect(try CandidConformanceSuite.files(endingIn: ".test.did") == Self.assertionCounts.keys.sorted())
    }

    @Test(arguments: assertionCounts.keys.sorted())
    func everyAssertionHolds(file: String) throws {
        let tally = try CandidConformanceSuite.run(file)
        #expect(tally.total == Self.assertionCounts[file])
        #expect(tally.textual == Self.textualCounts[file], "textual: \(tally.textual)")
        let failed = Set(tally.failures.map { $0.prefix { $0 != ":" } }.map(String.init))
        let known = Self.knownFailures.filter { $0.hasPrefix(file + " ") }
        #expect(failed == known, "\(tally.failures.joined(separator: "\n"))")
        #expect(tally.passed == tally.total - known.count)
    }

    /// The suite at ffef7cbc has no `*.good.did` or `*.bad.did` files; if a newer copy brings
    /// some, this fails until the counts are updated, and each is parsed (accept / reject).
    @Test func goodAndBadServiceDescriptions() throws {
        #expect(try CandidConformanceSuite.files(endingIn: ".good.did").count == 0)
        #expect(try CandidConformanceSuite.files(endingIn: ".bad.did").count == 0)
        for name in try CandidConformanceSuite.files(endingIn: ".good.did") {
            #expect(throws: Never.self, "\(name)") { try CandidServiceDescription.parse(try CandidConformanceSuite.text(of: name)) }
        }
        for name in try CandidConformanceSuite.files(endingIn: ".bad.did") {
            #expect(throws: CandidError.self, "\(name)") { try CandidServiceDescription.parse(try CandidConformanceSuite.text(of: name)) }
        }
    }
}
