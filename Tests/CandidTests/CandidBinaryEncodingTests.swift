import Testing
@testable import Candid

/// Encoding: exact bytes for small messages, the type table's sharing and recursion, values
/// that do not have their type, and round trips of every kind of value.
@Suite struct CandidBinaryEncodingTests {
    @Test func smallMessagesHaveTheSpecifiedBytes() throws {
        #expect(try CandidBinary.encode([], as: []) == suiteBlob(#"DIDL\00\00"#))
        #expect(try CandidBinary.encode([.bool(true)], as: [.bool]) == suiteBlob(#"DIDL\00\01\7e\01"#))
        #expect(try CandidBinary.encode([.text("Motoko")], as: [.text]) == suiteBlob(#"DIDL\00\01\71\06Motoko"#))
        #expect(try CandidBinary.encode([.opt(intValue(42))], as: [.opt(.int)]) == suiteBlob(#"DIDL\01\6e\7c\01\00\01\2a"#))
        #expect(try CandidBinary.encode([.principal(cafePrincipal)], as: [.principal]) == suiteBlob(#"DIDL\00\01\68\01\03\ca\ff\ee"#))
        #expect(try CandidBinary.encode([.int16(-1), .nat32(256)], as: [.int16, .nat32]) == suiteBlob(#"DIDL\00\02\76\79\ff\ff\00\01\00\00"#))
        // construct.test.did's "record: named fields", fields written in ID order.
        let record = CandidValue.record([CandidFieldValue(label: .named("foo"), value: intValue(42)),
                                         CandidFieldValue(label: .named("bar"), value: .bool(true))])
        #expect(try CandidBinary.encode([record], as: [.record([named("foo", .int), named("bar", .bool)])])
            == suiteBlob(#"DIDL\01\6c\02\d3\e3\aa\02\7e\86\8e\b7\02\7c\01\00\01\2a"#))
        // reference.test.did's "func: query".
        let function = CandidValue.function(service: cafePrincipal, method: "foo")
        #expect(try CandidBinary.encode([function], as: [CandidBinaryReferenceTests.textToNatQuery])
            == suiteBlob(#"DIDL\01\6a\01\71\01\7d\01\01\01\00\01\01\03\ca\ff\ee\03foo"#))
    }

    @Test func identicalEntriesAreSharedAndRecursiveNamesReferToThemselves() throws {
        let twice = try CandidBinary.encode([.vec([]), .vec([])], as: [.vec(.int), .vec(.int)])
        #expect(twice == suiteBlob(#"DIDL\01\6d\7c\02\00\00\00\00"#))
        let list = CandidBinaryConstructTests.list([1, 2])
        let bytes = try CandidBinary.encode([list], as: [.reference("List")], in: CandidBinaryConstructTests.environment)
        // The suite's own encoding of the same list ("record: list").
        #expect(bytes == suiteBlob(#"DIDL\02\6e\01\6c\02\a0\d2\ac\a8\04\7c\90\ed\da\e7\04\00\01\00\01\01\01\02\00"#))
    }

    @Test func valuesThatDoNotHaveTheirTypeNameTheirPath() {
        func failure(_ value: CandidValue, _ type: CandidType) -> CandidError? {
            do {
                _ = try CandidBinary.encode([.null, value], as: [.null, type])
                return nil
            } catch {
                return error
            }
        }
        let person = CandidType.record([named("name", .text), named("scores", .vec(.nat8))])
        let badScore = CandidValue.record([CandidFieldValue(label: .named("name"), value: .text("A")),
                                           CandidFieldValue(label: .named("scores"), value: .vec([.nat8(1), .nat16(2)]))])
        #expect(failure(badScore, person)?.location == .valuePath("argument 1.scores[1]"))
        let missing = CandidValue.record([CandidFieldValue(label: .named("name"), value: .text("A"))])
        #expect(failure(missing, person)?.location == .valuePath("argument 1.scores"))
        #expect(failure(.variant(CandidFieldValue(label: .named("c"), value: .null)), .variant([named("a", .null)]))?.location
            == .valuePath("argument 1"))
        let twice = CandidValue.record([CandidFieldValue(label: .named("a"), value: .null), CandidFieldValue(label: .id(97), value: .null)])
        #expect(failure(twice, .record([named("a", .null)]))?.location == .valuePath("argument 1"))
        #expect(failure(.nat(CandidNatural(1)), .empty) != nil)
        #expect(failure(.int(CandidInteger(-1)), .nat) != nil)
        #expect(failure(.null, .reference("Undefined")) != nil)
        #expect(throws: CandidError.self) { try CandidBinary.encode([.null], as: []) }
    }

    @Test func missingOptionalFieldsAreEncodedAsNull() throws {
        let type = CandidType.record([named("a", .nat8), named("b", .opt(.text))])
        let bytes = try CandidBinary.encode([.record([CandidFieldValue(label: .named("a"), value: .nat8(7))])], as: [type])
        #expect(try CandidBinary.decode(bytes, as: [type]) == [.record([
            CandidFieldValue(label: .named("a"), value: .nat8(7)), CandidFieldValue(label: .named("b"), value: .opt(nil)),
        ])])
    }

    @Test func everyKindOfValueRoundTrips() throws {
        let service = CandidType.service(CandidServiceType(methods: [
            .init(name: "get", type: .function(CandidFunctionType(arguments: [], results: [.nat], modes: [.query]))),
            .init(name: "put", type: .function(CandidFunctionType(arguments: [.nat], results: []))),
        ]))
        let cases: [(CandidValue, CandidType)] = [
            (.null, .null), (.reserved, .reserved), (.float32(-1.5), .float32), (.float64(.pi), .float64),
            (.int64(.min), .int64), (.nat64(.max), .nat64), (.text("🐂 ☃"), .text), (.blob([0, 255, 7]), .blob),
            (.service(cafePrincipal), service), (.function(service: cafePrincipal, method: "get"), producing(.nat)),
            (.opt(.opt(nil)), .opt(.opt(.bool))),
            (.variant(CandidFieldValue(label: .id(4_294_967_295), value: .null)), variantType((0, .nat), (4_294_967_295, .null))),
        ]
        let bytes = try CandidBinary.encodeTypedValues(cases)
        #expect(try CandidBinary.decode(bytes, as: cases.map(\.1)) == cases.map(\.0))
        let untyped = try CandidBinary.decodeUntyped(bytes)
        #expect(untyped.values.count == cases.count)
        #expect(untyped.values[2] == .float32(-1.5))
        #expect(untyped.values[8] == .service(cafePrincipal))
        // Entries in the order written: the blob, the two methods' types, the service, the func.
        #expect(untyped.types[7] == .reference("table0") && untyped.types[8] == .reference("table3"))
        guard case .service(let serviceType)? = untyped.environment["table3"] else {
            Issue.record("table3 is not the service type")
            return
        }
        #expect(serviceType.methods.map(\.name) == ["get", "put"])
    }

    @Test func decodeErrorsNameTheByteOffset() {
        func location(_ blob: String, _ types: [CandidType]) -> CandidError.Location? {
            do {
                _ = try CandidBinary.decode(suiteBlob(blob), as: types)
                return nil
            } catch {
                return error.location
            }
        }
        #expect(location(#"DIDL\00\01\7e\02"#, [.bool]) == .byteOffset(7))
        #expect(location(#"DIDL\00\01\71\03\e2\28\a1"#, [.text]) == .byteOffset(7))
        #expect(location(#"DIDL\01\6c\02\01\7c\00\7e\01\00\2a\01"#, [.record([])]) == .byteOffset(9))
        #expect(location(#"DIDL\00\01\7d\05"#, [.text]) == .byteOffset(7))
    }

    @Test func untypedDecodingKeepsTheWireTypesAndFutureValuesReadAsReserved() throws {
        let result = try CandidBinary.decodeUntyped(suiteBlob(#"DIDL\01\67\03ABC\02\00\7e\05\00hello\01"#))
        #expect(result.values == [.reserved, .bool(true)])
        #expect(result.types == [.reference("table0"), .bool])
        #expect(result.environment["table0"] == .reserved)
    }
}

/// Seeded round trips: every generated value decodes to itself at its own type, and at its
/// own type wrapped in `opt`, and as an extra argument it is skipped.
@Suite struct CandidBinaryRoundTripTests {
    @Test func optionalValuesAtADeeperOptionGainALevel() throws {
        // opt v :? opt t ~> opt v' with v :? t; "x" : text at opt text is opt "x".
        let value = CandidValue.opt(.opt(.text("x")))
        let bytes = try CandidBinary.encode([value], as: [.opt(.opt(.text))])
        #expect(try CandidBinary.decode(bytes, as: [.opt(.opt(.opt(.text)))]) == [.opt(.opt(.opt(.text("x"))))])
        let none = try CandidBinary.encode([.opt(.opt(nil))], as: [.opt(.opt(.text))])
        #expect(try CandidBinary.decode(none, as: [.opt(.opt(.opt(.text)))]) == [.opt(.opt(nil))])
    }

    @Test(arguments: CandidOracleTests.types) func seededValuesRoundTrip(_ type: CandidType) throws {
        var generator = CandidValueGenerator(seed: 7, environment: CandidOracleTests.environment)
        let environment = CandidOracleTests.environment
        for _ in 0..<20 {
            let value = generator.value(of: type)
            let bytes = try CandidBinary.encode([value], as: [type], in: environment)
            #expect(try CandidBinary.decode(bytes, as: [type], in: environment) == [value])
            #expect(try CandidBinary.decodeUntyped(bytes).values.count == 1)
            #expect(try CandidBinary.decode(bytes, as: [], in: environment) == [])
            // A value of a type that is not null, opt or reserved reads at `opt` as present
            // (the spec's rule for non-optional values at an option type).
            if let resolved = environment.resolve(type), !resolved.mayBeAbsent {
                #expect(try CandidBinary.decode(bytes, as: [.opt(type)], in: environment) == [.opt(value)])
            }
        }
    }
}
