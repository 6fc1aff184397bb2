import Testing
@testable import Candid

@Suite struct CandidTextValueTests {
    private func parse(_ text: String, _ types: [CandidType], _ environment: CandidTypeEnvironment = CandidTypeEnvironment()) throws -> [CandidValue] {
        try CandidText.parseArguments(text, as: types, in: environment)
    }

    private func failure(_ text: String, _ types: [CandidType]?) -> CandidError? {
        do {
            _ = try CandidText.parseArguments(text, as: types)
            return nil
        } catch {
            return error
        }
    }

    private func nat(_ value: UInt64) -> CandidValue { .nat(CandidNatural(value)) }

    @Test func numbersReadAtTheirTypesWithRangeChecks() throws {
        #expect(try parse("(5, -5, 255, -128, 0xffff_ffff, 1.5, 2)", [.nat, .int, .nat8, .int8, .nat32, .float64, .float32])
            == [nat(5), .int(CandidInteger(-5)), .nat8(255), .int8(-128), .nat32(UInt32.max), .float64(1.5), .float32(2)])
        #expect(try parse("(18_446_744_073_709_551_615, -9223372036854775808)", [.nat64, .int64]) == [.nat64(UInt64.max), .int64(Int64.min)])
        #expect(try parse("(340282366920938463463374607431768211456)", [.nat]) == [.nat(CandidNatural(words: [0, 0, 0, 0, 1]))])
        #expect(failure("(256)", [.nat8])?.message.contains("out of range") == true)
        #expect(failure("(-129)", [.int8]) != nil)
        #expect(failure("(-1)", [.nat]) != nil)
        #expect(failure("(1.5)", [.int]) != nil)
        #expect(failure("(1e999)", [.float64])?.message.contains("out of range") == true)
        #expect(failure("(\"5\")", [.nat]) != nil)
    }

    @Test func floatsIncludingHexadecimalAndSpecialValues() throws {
        #expect(try parse("(0x1.8p1, -0.5, 1e3, 0x10)", [.float64, .float64, .float32, .float64]) == [.float64(3), .float64(-0.5), .float32(1000), .float64(16)])
        #expect(try parse("(inf, -inf)", [.float64, .float32]) == [.float64(.infinity), .float32(-.infinity)])
        let nan = try parse("(nan)", [.float64])
        guard case .float64(let value) = nan.first else { Issue.record("not a float"); return }
        #expect(value.isNaN)
    }

    @Test func textMustBeUTF8ButBlobsMayHoldAnyBytes() throws {
        #expect(try parse(#"("caf\c3\a9", blob "\ca\fe!")"#, [.text, .blob]) == [.text("café"), .blob([0xCA, 0xFE, 0x21])])
        #expect(failure(#"("\ff")"#, [.text])?.message.contains("UTF-8") == true)
        #expect(try parse("(vec { 1; 2 })", [.blob]) == [.blob([1, 2])])
        #expect(failure(#"(blob "ab")"#, [.vec(.nat16)]) != nil)
    }

    @Test func recordsByNameTupleAndHash() throws {
        let person = CandidType.record([
            CandidFieldType(label: .named("name"), type: .text), CandidFieldType(label: .named("age"), type: .nat8),
        ].sorted { $0.label.id < $1.label.id })
        let value = try parse(#"(record { age = 30; name = "Ada" })"#, [person])
        let expected = CandidValue.record([
            CandidFieldValue(label: .named("name"), value: .text("Ada")), CandidFieldValue(label: .named("age"), value: .nat8(30)),
        ].sorted { $0.label.id < $1.label.id })
        #expect(value == [expected])
        let byHash = #"(record { \#(CandidLabel.fieldHash("age")) = 30; "name" = "Ada" })"#
        #expect(try parse(byHash, [person]) == [expected])
        #expect(try parse(#"(record { "a"; 5 })"#, [.tuple([.text, .nat])]) == [.tuple([.text("a"), nat(5)])])
        #expect(failure("(record { a = 1; a = 2 })", nil)?.message.contains("duplicate") == true)
        #expect(failure("(record { age = 30 })", [person])?.message.contains("missing field `name`") == true)
    }

    @Test func recordsOmitOptionalFieldsAndDropExtraOnes() throws {
        let type = CandidType.record([
            CandidFieldType(label: .id(0), type: .nat), CandidFieldType(label: .id(1), type: .opt(.text)),
            CandidFieldType(label: .id(2), type: .null), CandidFieldType(label: .id(3), type: .reserved),
        ])
        let value = try parse("(record { 0 = 7; 9 = \"ignored\" })", [type])
        #expect(value == [.record([
            CandidFieldValue(label: .id(0), value: nat(7)), CandidFieldValue(label: .id(1), value: .opt(nil)),
            CandidFieldValue(label: .id(2), value: .null), CandidFieldValue(label: .id(3), value: .reserved),
        ])])
        #expect(failure(#"(record { 0 = 7; 9 = "\ff" })"#, [type]) != nil)
    }

    @Test func variantsOptionsAndReferences() throws {
        let result = CandidType.variant([
            CandidFieldType(label: .named("ok"), type: .nat), CandidFieldType(label: .named("err"), type: .null),
        ].sorted { $0.label.id < $1.label.id })
        #expect(try parse("(variant { ok = 1 }, variant { err })", [result, result])
            == [.variant(CandidFieldValue(label: .named("ok"), value: nat(1))), .variant(CandidFieldValue(label: .named("err"), value: .null))])
        #expect(failure("(variant { other })", [result])?.message.contains("not one of") == true)
        #expect(failure("(variant {})", [result]) != nil)
        #expect(try parse("(null, opt 5, 5, opt null)", [.opt(.nat), .opt(.nat), .opt(.nat), .opt(.opt(.nat))])
            == [.opt(nil), .opt(nat(5)), .opt(nat(5)), .opt(.opt(nil))])
        #expect(failure("(5)", [.opt(.opt(.nat))]) != nil)
        let principal = CandidPrincipal(bytes: [0xCA, 0xFF, 0xEE])
        #expect(try parse(#"(principal "w7x7r-cok77-xa", service "w7x7r-cok77-xa", func "w7x7r-cok77-xa".go, func "aaaaa-aa"."a b")"#,
                          [.principal, .service(CandidServiceType(methods: [])), .function(CandidFunctionType(arguments: [], results: [])),
                           .function(CandidFunctionType(arguments: [], results: []))])
            == [.principal(principal), .service(principal), .function(service: principal, method: "go"),
                .function(service: CandidPrincipal(bytes: []), method: "a b")])
        #expect(failure(#"(principal "w7x7r-cok77-xb")"#, [.principal])?.location == .text(line: 1, column: 12))
    }

    @Test func namedAndRecursiveTypesResolveThroughTheEnvironment() throws {
        var environment = CandidTypeEnvironment()
        environment.bind("list", to: .opt(.record([
            CandidFieldType(label: .named("head"), type: .int), CandidFieldType(label: .named("tail"), type: .reference("list")),
        ].sorted { $0.label.id < $1.label.id })))
        let value = try parse("(opt record { head = 1; tail = opt record { head = 2; tail = null } })", [.reference("list")], environment)
        #expect(CandidText.print(value, types: [.reference("list")], in: environment)
            == "(opt record { head = 1; tail = opt record { head = 2; tail = null } })")
        #expect(failure("(1)", [.reference("missing")])?.message.contains("not defined") == true)
    }

    @Test func argumentSequencesFillMissingOptionalArguments() throws {
        #expect(try parse("()", [.opt(.nat), .null, .reserved]) == [.opt(nil), .null, .reserved])
        #expect(try parse("(1, 2,)", [.nat]) == [nat(1)])
        #expect(failure("()", [.nat])?.message.contains("missing argument 0") == true)
        #expect(failure("(1) x", [.nat]) != nil)
    }

    @Test func annotationsNarrowAndCoerce() throws {
        #expect(try parse("((5 : nat))", [.int]) == [.int(CandidInteger(5))])
        #expect(try parse("((5 : nat8))", [.opt(.nat8)]) == [.opt(.nat8(5))])
        #expect(try parse("((5 : nat))", [.reserved]) == [.reserved])
        #expect(failure("((5 : int))", [.nat]) != nil)
        #expect(failure("((\"a\" : nat))", [.nat]) != nil)
    }

    @Test func untypedTextUsesTheSpecDefaults() throws {
        let parsed = try CandidText.parseTypedArguments(#"(42, -1.5, "hi", true, null, opt 1, vec { null; opt 2 }, (7 : nat16), blob "a", record { x = 1 }, variant { y })"#)
        #expect(parsed.types == [.int, .float64, .text, .bool, .null, .opt(.int), .vec(.opt(.int)), .nat16, .blob,
                                 .record([CandidFieldType(label: .named("x"), type: .int)]),
                                 .variant([CandidFieldType(label: .named("y"), type: .null)])])
        #expect(parsed.values[6] == .vec([.opt(nil), .opt(.int(CandidInteger(2)))]))
        #expect(parsed.values[7] == .nat16(7))
        #expect(failure(#"(vec { 1; "a" })"#, nil)?.message.contains("different types") == true)
    }

    @Test func errorsNameLineColumnAndWhatWasExpected() throws {
        let error = try #require(failure("(\n  record { a = 1;\n    b = }\n)", nil))
        #expect(error.location == .text(line: 3, column: 9))
        #expect(error.message.contains("expected a value"))
        #expect(error.description.hasPrefix("at 3:9: "))
        #expect(failure("(1 2)", nil)?.message == "expected `,`; found the number `2`")
    }

    @Test func nestingIsBounded() throws {
        let depth = CandidTextParser.nestingDepthMax + 5
        let deep = "(" + String(repeating: "opt ", count: depth) + "null)"
        #expect(failure(deep, nil)?.message.contains("nesting deeper") == true)
        let parens = String(repeating: "(", count: 100_000)
        #expect(failure(parens, nil) != nil)
        let shallow = "(" + String(repeating: "opt ", count: 50) + "null)"
        #expect(throws: Never.self) { try CandidText.parseArguments(shallow, as: nil) }
    }

    @Test func typesParseWithShorthands() throws {
        let type = try CandidText.parseType("record { nat; name : text; \"q r\" : blob; 7 : variant { a; b : int } }")
        guard case .record(let fields) = type else { Issue.record("not a record"); return }
        #expect(fields.map(\.label.id) == [CandidLabel.id(0), .named("name"), .named("q r"), .id(7)].map(\.id).sorted())
        #expect(try CandidText.parseTypes("(a : nat, text)") == [.nat, .text])
        #expect(throws: CandidError.self) { try CandidText.parseTypes("(a : nat, a : text)") }
        #expect(throws: CandidError.self) { try CandidText.parseType("record { a : nat; 97 : nat }") }
        #expect(throws: CandidError.self) { try CandidText.parseType("func () -> (nat) oneway") }
        #expect(throws: CandidError.self) { try CandidText.parseType("missing") }
    }
}
