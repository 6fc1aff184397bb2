import Testing
@testable import Candid

@Suite struct CandidModelTests {
    @Test func fieldHashesMatchTheSpecExamples() {
        // The Candid reference's own example: `address` and `address2` are the same type.
        #expect(CandidLabel.fieldHash("street") == 288_167_939)
        #expect(CandidLabel.fieldHash("city") == 1_103_114_667)
        #expect(CandidLabel.fieldHash("zip_code") == 220_614_283)
        #expect(CandidLabel.fieldHash("country") == 492_419_670)
        #expect(CandidLabel.named("street") == CandidLabel.id(288_167_939))
    }

    @Test func naturalsPrintAndParseBeyondSixtyFourBits() throws {
        let text = "340282366920938463463374607431768211457"  // 2^128 + 1
        let number = try #require(CandidNatural(decimal: text))
        #expect(number.description == text)
        #expect(number.words == [1, 0, 0, 0, 1])
        #expect(number.uint64Value == nil)
        #expect(CandidNatural(decimal: "12a") == nil)
        #expect(CandidNatural(decimal: "") == nil)
        #expect(CandidNatural(decimal: "000") == .zero)
    }

    @Test func divisionReturnsRemaindersAndNormalizes() {
        var number = CandidNatural(UInt64.max)
        #expect(number.divide(by: 10) == 5)
        #expect(number == CandidNatural(UInt64.max / 10))
        var one = CandidNatural(1)
        #expect(one.divide(by: 2) == 1)
        #expect(one.isZero && one.words.isEmpty)
    }

    @Test func integersHaveNoNegativeZeroAndOrder() {
        #expect(CandidInteger(isNegative: true, magnitude: .zero) == CandidInteger(0))
        #expect(CandidInteger(Int64.min).int64Value == Int64.min)
        #expect(CandidInteger(Int64.min).description == "-9223372036854775808")
        #expect(CandidInteger(isNegative: false, magnitude: CandidNatural(UInt64(Int64.max) + 1)).int64Value == nil)
        #expect(CandidInteger(-5) < CandidInteger(-4))
        #expect(CandidInteger(-1) < CandidInteger(0))
    }

    @Test func referencesResolveAndCyclesDoNot() {
        var environment = CandidTypeEnvironment()
        environment.bind("list", to: .opt(.record([
            CandidFieldType(label: .named("head"), type: .nat),
            CandidFieldType(label: .named("tail"), type: .reference("list")),
        ])))
        environment.bind("a", to: .reference("b"))
        environment.bind("b", to: .reference("a"))
        #expect(environment.resolve(.reference("list")) != nil)
        #expect(environment.resolve(.reference("a")) == nil)
        #expect(environment.resolve(.reference("missing")) == nil)
    }

    @Test func blobsAreVectorsOfBytes() {
        #expect(CandidValue.blob([1, 2]) == .vec([.nat8(1), .nat8(2)]))
        #expect(CandidValue.blob([1, 2]).blobBytes == [1, 2])
        #expect(CandidValue.vec([.nat16(1)]).blobBytes == nil)
    }
}
