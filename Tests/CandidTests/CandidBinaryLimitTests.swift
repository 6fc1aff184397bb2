import Testing
@testable import Candid

/// spacebomb.test.did and overshoot.test.did (messages that claim huge sizes), nesting
/// bounds, and arbitrary bytes.
@Suite struct CandidBinaryLimitTests {
    static let vecNull = #"DIDL\01\6d\7f\01\00\80\94\eb\dc\03"#
    static let vecReserved = #"DIDL\01\6d\70\01\00\80\94\eb\dc\03"#
    static let zeroSizedRecord = #"DIDL\04\6c\03\00\7f\01\01\02\02\6c\01\00\70\6c\00\6d\00\01\03\80\94\eb\dc\03"#
    static let vecVecNull = #"DIDL\02\6d\01\6d\7f\01\00\05\ff\ff\3f\ff\ff\3f\ff\ff\3f\ff\ff\3f\ff\ff\3f"#
    static let vecEmptyRecord = #"DIDL\02\6d\01\6c\00\01\00\80\ad\e2\04"#
    static let recordTree = #"DIDL\17\6c\02\01\7f\02\7f\6c\02\01\00\02\00\6c\02\00\01\01\01\6c\02\00\02\01\02\6c\02\00\03\01\03\6c\02\00\04\01\04\6c\02\00\05\01\05\6c\02\00\06\01\06\6c\02\00\07\01\07\6c\02\00\08\01\08\6c\02\00\09\01\09\6c\02\00\0a\01\0a\6c\02\00\0b\01\0b\6c\02\00\0c\01\0c\6c\02\00\0d\02\0d\6c\02\00\0e\01\0e\6c\02\00\0f\01\0f\6c\02\00\10\01\10\6c\02\00\11\01\11\6c\02\00\12\01\12\6c\02\00\13\01\13\6e\14\6d\15\01\16"#
    static let recordOpt = CandidType.record([CandidFieldType(label: .id(0), type: .null),
                                              CandidFieldType(label: .id(1), type: .tuple([.reserved])),
                                              CandidFieldType(label: .id(2), type: .record([]))])

    static let spacebombCases: [BlobCase] = [
        BlobCase("vec null (extra argument)", vecNull, [], .fails),
        BlobCase("vec reserved (extra argument)", vecReserved, [], .fails),
        BlobCase("zero-sized record (extra argument)", zeroSizedRecord, [], .fails),
        BlobCase("vec vec null (extra argument)", vecVecNull, [], .fails),
        BlobCase("vec record {} (extra argument)", vecEmptyRecord, [], .fails),
        BlobCase("vec opt record with 2^20 null (extra argument)", recordTree + #"\02\01\01"#, [], .fails),
        BlobCase("vec null (not ignored)", vecNull, [.vec(.opt(.nat))], .fails),
        BlobCase("vec reserved (not ignored)", vecReserved, [.vec(.reserved)], .fails),
        BlobCase("zero-sized record (not ignored)", zeroSizedRecord, [.vec(recordOpt)], .fails),
        BlobCase("vec vec null (not ignored)", vecVecNull, [.vec(.vec(.null))], .fails),
        BlobCase("vec record {} (not ignored)", vecEmptyRecord, [.vec(.record([]))], .fails),
        BlobCase("vec null (subtyping)", vecNull, [.opt(.nat)], .fails),
        BlobCase("vec reserved (subtyping)", vecReserved, [.opt(.nat)], .fails),
        BlobCase("zero-sized record (subtyping)", zeroSizedRecord, [.opt(.nat)], .fails),
        BlobCase("vec vec null (subtyping)", vecVecNull, [.vec(.opt(.nat))], .fails),
        BlobCase("vec record {} (subtyping)", vecEmptyRecord, [.opt(.nat)], .fails),
        BlobCase("vec opt record with 2^20 null (subtyping)", recordTree + #"\05\01\01\01\01\01"#, [.vec(.opt(.record([])))], .fails),
    ]

    static let overshootCases: [BlobCase] = [
        BlobCase("type table length", #"DIDL\80\94\eb\dc\03\00"#, [], .fails),
        BlobCase("argument sequence length", #"DIDL\00\80\94\eb\dc\03"#, [], .fails),
        BlobCase("text length", #"DIDL\00\01\71\80\94\eb\dc\03Motoko"#, [.text], .fails),
        BlobCase("principal length", #"DIDL\00\01\68\01\80\94\eb\dc\03Motoko"#, [.principal], .fails),
        BlobCase("record field number", #"DIDL\01\6c\80\94\eb\dc\03\00\7f\00\7f"#, [], .fails),
        BlobCase("variant field number", #"DIDL\01\6b\80\94\eb\dc\03\00\7f\00\7f"#, [], .fails),
        BlobCase("vector length", #"DIDL\01\6d\7e\01\00\80\94\eb\dc\03\00\00\00"#, [.vec(.bool)], .fails),
        BlobCase("future type length", #"DIDL\01\67\80\94\eb\dc\03\00\00"#, [], .fails),
        BlobCase("future value length", #"DIDL\01\67\00\01\00\80\94\eb\dc\03\00\00"#, [], .fails),
    ]

    @Test(arguments: spacebombCases + overshootCases) func limitAssertion(_ blobCase: BlobCase) {
        blobCase.check()
    }

    @Test func theMeterStopsAVectorOfNullsBeforeReadingIt() {
        // One billion nulls would take minutes to loop over; the cost is charged up front.
        #expect(throws: CandidError.self) { try CandidBinary.decode(suiteBlob(Self.vecNull), as: [.vec(.null)]) }
        // Within the budget the same shape decodes: 1000 nulls.
        let small = #"DIDL\01\6d\7f\01\00\e8\07"#
        #expect((try? CandidBinary.decode(suiteBlob(small), as: [.vec(.null)]))?.first == .vec(Array(repeating: .null, count: 1000)))
    }

    @Test func largeLegitimateMessagesFitTheDefaultBudget() throws {
        // A 2 MB blob (the IC's message size limit) and a million nats are well within it.
        let blob = CandidValue.blob((0..<2_000_000).map { UInt8(truncatingIfNeeded: $0) })
        let blobBytes = try CandidBinary.encode([blob], as: [.blob])
        #expect(try CandidBinary.decode(blobBytes, as: [.blob]) == [blob])
        var message = suiteBlob(#"DIDL\01\6d\7d\01\00\c0\84\3d"#)  // vec nat, 1,000,000 elements
        for number in 0..<UInt64(1_000_000) { CandidValueWriter.appendLEB(number, to: &message) }
        let values = try CandidBinary.decode(message, as: [.vec(.int)])
        #expect(values.first.flatMap { if case .vec(let items) = $0 { items.last } else { nil } } == intValue(999_999))
    }

    @Test func skippingHasItsOwnOptionalQuota() {
        let message = suiteBlob(#"DIDL\00\02\71\71\06Motoko\06Motoko"#)
        var limits = CandidDecodingLimits.standard
        limits.skippingCostMax = 5
        #expect(throws: CandidError.self) { try CandidBinary.decode(message, as: [.text], limits: limits) }
        limits.skippingCostMax = 7
        #expect((try? CandidBinary.decode(message, as: [.text], limits: limits)) == [.text("Motoko")])
    }

    @Test func referenceSubtypeChecksAreChargedStepByStep() {
        let message = suiteBlob(#"DIDL\02\6a\01\71\01\7d\00\69\01\03foo\00\01\01\01\03\ca\ff\ee"#)
        let expected = CandidBinaryReferenceTests.service(("foo", CandidBinaryReferenceTests.textToNat))
        // The header costs 4 per byte (21 bytes), the check the table size (2) plus its steps.
        var limits = CandidDecodingLimits.standard
        limits.decodingCostMax = 4 * 21 + 2 + 1
        #expect(throws: CandidError.self) { try CandidBinary.decode(message, as: [expected], limits: limits) }
        limits.decodingCostMax = 4 * 21 + 2 + 100
        #expect((try? CandidBinary.decode(message, as: [expected], limits: limits)) == [.service(cafePrincipal)])
    }

    /// A func reference whose type is a chain of `length` function entries, each returning the
    /// next, the last returning itself.
    static func functionChain(length: Int) -> [UInt8] {
        var bytes = Array("DIDL".utf8)
        CandidValueWriter.appendLEB(UInt64(length), to: &bytes)
        for index in 0..<length {
            bytes += [0x6a, 0x00, 0x01]
            CandidValueWriter.appendSLEB(Int64(min(index + 1, length - 1)), to: &bytes)
            bytes += [0x00]
        }
        return bytes + [0x01, 0x00] + [0x01, 0x01, 0x00, 0x01, 0x6d]
    }

    @Test func deepSubtypeChecksAreBoundedByTheNestingLimit() throws {
        var environment = CandidTypeEnvironment()
        environment.bind("U", to: .function(CandidFunctionType(arguments: [], results: [.reference("U")])))
        let reference = CandidValue.function(service: managementCanister, method: "m")
        // Within the bound the chain is a subtype of `U = func () -> (U)`.
        #expect(try CandidBinary.decode(Self.functionChain(length: 100), as: [.reference("U")], in: environment) == [reference])
        // 3,000 entries deep the check gives up at depth 512: not a subtype (null under opt).
        let deep = Self.functionChain(length: 3000)
        #expect(throws: CandidError.self) { try CandidBinary.decode(deep, as: [.reference("U")], in: environment) }
        #expect(try CandidBinary.decode(deep, as: [.opt(.reference("U"))], in: environment) == [.opt(nil)])
    }

    @Test func deepNestingIsRefusedNotOverflowingTheStack() {
        // 100,000 nested opts of a recursive type: `Opt = opt Opt`.
        let depth = 100_000
        let message = suiteBlob(#"DIDL\01\6e\00\01\00"#) + Array(repeating: 1, count: depth) + [0]
        var environment = CandidTypeEnvironment()
        environment.bind("Opt", to: .opt(.reference("Opt")))
        #expect(throws: CandidError.self) { try CandidBinary.decode(message, as: [.reference("Opt")], in: environment) }
        #expect(throws: CandidError.self) { try CandidBinary.decode(message, as: []) }
        // Within the bound it decodes.
        let shallow = suiteBlob(#"DIDL\01\6e\00\01\00"#) + Array(repeating: 1, count: 400) + [0]
        #expect((try? CandidBinary.decode(shallow, as: [.reference("Opt")], in: environment)) != nil)
    }

    @Test func arbitraryBytesNeverCrash() {
        // A fixed linear congruential sequence: mutations of valid messages and pure noise.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let seeds = (CandidBinaryConstructTests.vectorAndRecordCases + CandidBinaryReferenceTests.referenceCases).map { suiteBlob($0.blob) }
        var decoded = 0
        for round in 0..<3000 {
            var bytes = seeds[round % seeds.count]
            if round % 7 == 0 {
                bytes = Array("DIDL".utf8) + (0..<Int(next() % 24)).map { _ in UInt8(truncatingIfNeeded: next()) }
            } else {
                for _ in 0..<(1 + Int(next() % 3)) where !bytes.isEmpty {
                    bytes[Int(next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: next())
                }
            }
            if (try? CandidBinary.decodeUntyped(bytes)) != nil { decoded += 1 }
            _ = try? CandidBinary.decode(bytes, as: [.opt(.vec(.record([]))), .reserved])
        }
        #expect(decoded > 0)
    }
}
