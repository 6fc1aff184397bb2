import Testing
@testable import Candid

@Suite struct CandidTextPrintingTests {
    @Test func valuesPrintPlainlyAtTheirTypes() throws {
        let type = CandidType.record([
            CandidFieldType(label: .named("name"), type: .text), CandidFieldType(label: .named("type"), type: .blob),
            CandidFieldType(label: .named("a b"), type: .opt(.nat)),
        ].sorted { $0.label.id < $1.label.id })
        // Decoded from binary, a record knows only its field IDs; the type gives the names.
        let value = CandidValue.record([
            CandidFieldValue(label: .id(CandidLabel.fieldHash("name")), value: .text("q\"\n☃")),
            CandidFieldValue(label: .id(CandidLabel.fieldHash("type")), value: .blob([0x41, 0x00, 0xFF, 0x22])),
            CandidFieldValue(label: .id(CandidLabel.fieldHash("a b")), value: .opt(.nat(CandidNatural(5)))),
        ].sorted { $0.label.id < $1.label.id })
        let text = CandidText.print([value], types: [type])
        #expect(text.contains(#"name = "q\"\n☃""#))
        #expect(text.contains(#""type" = blob "A\00\ff\"""#))
        #expect(text.contains(#""a b" = opt 5"#))
        #expect(try CandidText.parseArguments(text, as: [type]) == [value])
    }

    @Test func untypedPrintingAnnotatesOnlyWhereNeeded() throws {
        let values: [CandidValue] = [.int(CandidInteger(-3)), .nat(CandidNatural(5)), .float64(2), .text("x"), .opt(nil), .reserved, .nat8(1)]
        let text = CandidText.print(values)
        #expect(text == "(-3, (5 : nat), 2.0, \"x\", (null : opt empty), (null : reserved), (1 : nat8))")
        #expect(try CandidText.parseArguments(text, as: nil) == values)
    }

    @Test func typesPrintWithShorthands() throws {
        let text = "record { nat; blob; variant { a; b : opt int } }"
        let type = try CandidText.parseType(text)
        #expect(CandidText.print(type).hasPrefix("record { nat; blob; variant {"))
        #expect(try CandidText.parseType(CandidText.print(type)) == type)
        let function = CandidFunctionType(arguments: [.nat, .text], results: [], modes: [.oneway])
        #expect(CandidText.print(function) == "(nat, text) -> () oneway")
        let service = CandidType.service(CandidServiceType(methods: [.init(name: "go", type: .function(function)), .init(name: "query", type: .function(function))]))
        #expect(CandidText.print(service) == "service { go : (nat, text) -> () oneway; \"query\" : (nat, text) -> () oneway }")
        #expect(try CandidText.parseType(CandidText.print(service)) == service)
    }

    /// Many random types and values of them: printing then parsing (at the types, and without
    /// types) gives the same values back; so does going through the binary format.
    @Test func randomValuesRoundTrip() throws {
        var generator = CandidRandomValues(seed: 0x5EED)
        for _ in 0..<400 {
            let types = (0...generator.next(below: 4)).map { _ in generator.type(depth: 3) }
            let values = types.map { generator.value(of: $0, depth: 3) }
            let typed = CandidText.print(values, types: types)
            #expect(try CandidText.parseArguments(typed, as: types) == values, "\(typed)")
            let untyped = CandidText.print(values)
            #expect(try CandidText.parseArguments(untyped, as: nil) == values, "\(untyped)")
            let bytes = try CandidBinary.encode(values, as: types)
            #expect(try CandidBinary.decode(bytes, as: try CandidText.parseTypes(CandidTypePrinter.tuple(types))) == values)
        }
    }
}

/// A deterministic generator of Candid types and values (a 64-bit linear congruential
/// generator; no system randomness).
struct CandidRandomValues {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }

    private mutating func bits() -> UInt64 {
        UInt64(next(below: 1 << 30)) << 34 ^ UInt64(next(below: 1 << 30)) << 4 ^ UInt64(next(below: 16))
    }

    static let primitives: [CandidType] = [.null, .bool, .nat, .int, .nat8, .nat16, .nat32, .nat64, .int8, .int16, .int32, .int64,
                                           .float32, .float64, .text, .reserved, .principal]
    static let names = ["a", "name", "type", "x y", "☃", "_1"]

    mutating func type(depth: Int) -> CandidType {
        let choice = depth == 0 ? 0 : next(below: 9)
        switch choice {
        case 0, 1, 2: return Self.primitives[next(below: Self.primitives.count)]
        case 3: return .opt(type(depth: depth - 1))
        case 4: return .vec(type(depth: depth - 1))
        case 5: return .blob
        case 6: return .tuple((0..<next(below: 3)).map { _ in type(depth: depth - 1) })
        case 7: return .record(fields(depth: depth))
        default:
            let alternatives = fields(depth: depth)
            return .variant(alternatives.isEmpty ? [CandidFieldType(label: .named("only"), type: .null)] : alternatives)
        }
    }

    private mutating func fields(depth: Int) -> [CandidFieldType] {
        var fields: [UInt32: CandidFieldType] = [:]
        for _ in 0..<next(below: 4) {
            let label: CandidLabel = next(below: 2) == 0 ? .named(Self.names[next(below: Self.names.count)]) : .id(UInt32(next(below: 1000)))
            fields[label.id] = CandidFieldType(label: label, type: type(depth: depth - 1))
        }
        return fields.keys.sorted().compactMap { fields[$0] }
    }

    mutating func value(of type: CandidType, depth: Int) -> CandidValue {
        switch type {
        case .null: return .null
        case .bool: return .bool(next(below: 2) == 1)
        case .nat: return .nat(CandidNatural(words: (0..<next(below: 4)).map { _ in UInt32(truncatingIfNeeded: bits()) }))
        case .int: return .int(CandidInteger(isNegative: next(below: 2) == 1, magnitude: CandidNatural(bits())))
        case .nat8: return .nat8(UInt8(truncatingIfNeeded: bits()))
        case .nat16: return .nat16(UInt16(truncatingIfNeeded: bits()))
        case .nat32: return .nat32(UInt32(truncatingIfNeeded: bits()))
        case .nat64: return .nat64(bits())
        case .int8: return .int8(Int8(truncatingIfNeeded: bits()))
        case .int16: return .int16(Int16(truncatingIfNeeded: bits()))
        case .int32: return .int32(Int32(truncatingIfNeeded: bits()))
        case .int64: return .int64(Int64(bitPattern: bits()))
        case .float32: return .float32(finite(Float(bitPattern: UInt32(truncatingIfNeeded: bits()))))
        case .float64: return .float64(finite(Double(bitPattern: bits())))
        case .text: return .text(["", "plain", "q\"\\\n\t", "☃ ∞ 😀", "\u{7}\u{7F}"][next(below: 5)])
        case .reserved: return .reserved
        case .principal: return .principal(CandidPrincipal(bytes: (0..<next(below: 30)).map { _ in UInt8(next(below: 256)) }))
        case .opt(let inner): return next(below: 3) == 0 ? .opt(nil) : .opt(value(of: inner, depth: depth))
        case .vec(let element): return .vec((0..<next(below: 4)).map { _ in value(of: element, depth: depth) })
        case .record(let fields): return .record(fields.map { CandidFieldValue(label: $0.label, value: value(of: $0.type, depth: depth)) })
        case .variant(let fields):
            let field = fields[next(below: fields.count)]
            return .variant(CandidFieldValue(label: field.label, value: value(of: field.type, depth: depth)))
        default: return .null
        }
    }

    private func finite<F: BinaryFloatingPoint>(_ value: F) -> F { value.isNaN ? 1.5 : value }
}
