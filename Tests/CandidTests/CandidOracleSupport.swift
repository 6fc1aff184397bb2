import Foundation
@testable import Candid

/// Seeded values of a type, for differential tests: a linear congruential generator, so the
/// same seed gives the same values on every machine.
struct CandidValueGenerator {
    private var state: UInt64
    let environment: CandidTypeEnvironment

    init(seed: UInt64, environment: CandidTypeEnvironment) {
        self.state = seed
        self.environment = environment
    }

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 16
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    static let texts = ["", "Motoko", "é", "☃", "🐂 and 🐄", "日本語", "quote \" backslash \\", "nul \u{0} tab \t", "Ω≈ç√∫"]

    /// A value of `type`; `depth` bounds recursion (recursive types stop at their `opt`).
    mutating func value(of type: CandidType, depth: Int = 0) -> CandidValue {
        guard let resolved = environment.resolve(type) else { return .null }
        switch resolved {
        case .null: return .null
        case .bool: return .bool(below(2) == 1)
        case .nat: return .nat(natural(words: below(5)))
        case .int: return .int(CandidInteger(isNegative: below(2) == 1, magnitude: natural(words: below(5))))
        case .nat8: return .nat8(UInt8(truncatingIfNeeded: next()))
        case .nat16: return .nat16(UInt16(truncatingIfNeeded: next()))
        case .nat32: return .nat32(UInt32(truncatingIfNeeded: next()))
        case .nat64: return .nat64(next() << 16 ^ next())
        case .int8: return .int8(Int8(truncatingIfNeeded: next()))
        case .int16: return .int16(Int16(truncatingIfNeeded: next()))
        case .int32: return .int32(Int32(truncatingIfNeeded: next()))
        case .int64: return .int64(Int64(bitPattern: next() << 16 ^ next()))
        case .float32: return .float32(Float(Int32(truncatingIfNeeded: next()) % 100_000) / 64)
        case .float64: return .float64(Double(Int64(truncatingIfNeeded: next())) / 1024)
        case .text: return .text(Self.texts[below(Self.texts.count)])
        case .principal: return .principal(CandidPrincipal(bytes: (0..<below(30)).map { _ in UInt8(truncatingIfNeeded: next()) }))
        case .opt(let element):
            return depth > 6 || below(3) == 0 ? .opt(nil) : .opt(value(of: element, depth: depth + 1))
        case .vec(let element):
            return .vec((0..<(depth > 6 ? 0 : below(4))).map { _ in value(of: element, depth: depth + 1) })
        case .record(let fields):
            return .record(fields.sorted { $0.label.id < $1.label.id }.map {
                CandidFieldValue(label: $0.label, value: value(of: $0.type, depth: depth + 1))
            })
        case .variant(let fields):
            let field = fields[below(fields.count)]
            return .variant(CandidFieldValue(label: field.label, value: value(of: field.type, depth: depth + 1)))
        default:
            return .null
        }
    }

    private mutating func natural(words: Int) -> CandidNatural {
        CandidNatural(words: (0..<words).map { _ in UInt32(truncatingIfNeeded: next()) })
    }
}

/// The oracle's JSON forms of types and values (see Oracle/icpy_oracle.py).
enum CandidOracleJSON {
    static func label(_ label: CandidLabel) -> String {
        switch label {
        case .named(let name): name
        case .id(let id): "_\(id)"
        }
    }

    static func type(_ type: CandidType) -> [String: Any] {
        switch type {
        case .opt(let element): ["k": "opt", "t": Self.type(element)]
        case .vec(let element): ["k": "vec", "t": Self.type(element)]
        case .record(let fields): ["k": "record", "f": fields.map { [label($0.label), Self.type($0.type)] }]
        case .variant(let fields): ["k": "variant", "f": fields.map { [label($0.label), Self.type($0.type)] }]
        case .reference(let name): ["k": "ref", "n": name]
        default: ["k": type.kindName]
        }
    }

    static func value(_ value: CandidValue) -> Any {
        switch value {
        case .null, .reserved: NSNull()
        case .bool(let flag): flag
        case .nat(let number): number.description
        case .int(let number): number.description
        case .nat8(let number): String(number)
        case .nat16(let number): String(number)
        case .nat32(let number): String(number)
        case .nat64(let number): String(number)
        case .int8(let number): String(number)
        case .int16(let number): String(number)
        case .int32(let number): String(number)
        case .int64(let number): String(number)
        case .float32(let number): Double(number).description
        case .float64(let number): number.description
        case .text(let text): text
        case .principal(let principal), .service(let principal): principal.bytes.map { String(format: "%02x", $0) }.joined()
        case .opt(let content): content.map { [Self.value($0)] } ?? []
        case .vec(let elements): elements.map(Self.value)
        case .record(let fields): Dictionary(uniqueKeysWithValues: fields.map { (label($0.label), Self.value($0.value)) })
        case .variant(let field): [label(field.label): Self.value(field.value)]
        case .function: NSNull()
        }
    }

    /// The value of `type` that `json` describes, or `nil` if it does not describe one.
    static func candidValue(_ json: Any, as type: CandidType, in environment: CandidTypeEnvironment) -> CandidValue? {
        guard let resolved = environment.resolve(type) else { return nil }
        let text = json as? String
        switch resolved {
        case .null: return json is NSNull ? .null : nil
        case .bool: return (json as? Bool).map { .bool($0) }
        case .nat: return text.flatMap { CandidNatural(decimal: $0) }.map { .nat($0) }
        case .int: return text.flatMap(integer).map { .int($0) }
        case .nat8: return text.flatMap { UInt8($0) }.map { .nat8($0) }
        case .nat16: return text.flatMap { UInt16($0) }.map { .nat16($0) }
        case .nat32: return text.flatMap { UInt32($0) }.map { .nat32($0) }
        case .nat64: return text.flatMap { UInt64($0) }.map { .nat64($0) }
        case .int8: return text.flatMap { Int8($0) }.map { .int8($0) }
        case .int16: return text.flatMap { Int16($0) }.map { .int16($0) }
        case .int32: return text.flatMap { Int32($0) }.map { .int32($0) }
        case .int64: return text.flatMap { Int64($0) }.map { .int64($0) }
        case .float32: return text.flatMap { Double($0) }.map { .float32(Float($0)) }
        case .float64: return text.flatMap { Double($0) }.map { .float64($0) }
        case .text: return text.map { .text($0) }
        case .principal: return text.flatMap(hexBytes).map { .principal(CandidPrincipal(bytes: $0)) }
        case .opt(let element):
            guard let items = json as? [Any], items.count <= 1 else { return nil }
            guard let first = items.first else { return .opt(nil) }
            return candidValue(first, as: element, in: environment).map { .opt($0) }
        case .vec(let element):
            guard let items = json as? [Any] else { return nil }
            let values = items.compactMap { candidValue($0, as: element, in: environment) }
            return values.count == items.count ? .vec(values) : nil
        case .record(let fields):
            guard let object = json as? [String: Any], object.count == fields.count else { return nil }
            let values = fields.sorted { $0.label.id < $1.label.id }.compactMap { field in
                object[label(field.label)].flatMap { candidValue($0, as: field.type, in: environment) }
                    .map { CandidFieldValue(label: field.label, value: $0) }
            }
            return values.count == fields.count ? .record(values) : nil
        case .variant(let fields):
            guard let object = json as? [String: Any], object.count == 1, let (key, content) = object.first,
                  let field = fields.first(where: { label($0.label) == key }),
                  let value = candidValue(content, as: field.type, in: environment) else { return nil }
            return .variant(CandidFieldValue(label: field.label, value: value))
        default:
            return nil
        }
    }

    static func integer(_ text: String) -> CandidInteger? {
        if text.hasPrefix("-") {
            return CandidNatural(decimal: text.dropFirst()).map { CandidInteger(isNegative: true, magnitude: $0) }
        }
        return CandidNatural(decimal: text).map { CandidInteger($0) }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        return stride(from: 0, to: digits.count, by: 2).compactMap { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) }
    }
}
