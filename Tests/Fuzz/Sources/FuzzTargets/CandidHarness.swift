import ICSim

/// Candid's target: bytes and text from canisters and users must decode, parse and print
/// without crashing, and what decodes must survive a round trip. The first byte picks the
/// form: binary (decoded without types, and at fixed expected types), text (values, then
/// encoded and decoded again), or a service description.
enum CandidHarness {
    /// Types a reply is often decoded at, to exercise the subtyping coercions.
    static let expectedTypes: [CandidType] = [
        .opt(.record([CandidFieldType(label: .named("a"), type: .nat), CandidFieldType(label: .named("b"), type: .vec(.text))])),
        .variant([CandidFieldType(label: .named("ok"), type: .int), CandidFieldType(label: .named("err"), type: .opt(.reserved))]),
    ]

    static func run(_ bytes: [UInt8]) {
        guard let form = bytes.first else { return }
        let body = Array(bytes.dropFirst())
        switch form % 3 {
        case 0: binary(body)
        case 1: text(String(decoding: body, as: UTF8.self))
        default: _ = try? CandidServiceDescription.parse(String(decoding: body, as: UTF8.self))
        }
    }

    /// Decoded without types, a message encodes again at its own types, decodes to the same
    /// values (compared as printed text, which treats NaNs alike) and prints; decoding at the
    /// expected types either works or fails with an error.
    static func binary(_ bytes: [UInt8]) {
        _ = try? CandidBinary.decode(bytes, as: expectedTypes)
        guard let decoded = try? CandidBinary.decodeUntyped(bytes) else { return }
        let printed = CandidText.print(decoded.values, types: decoded.types, in: decoded.environment)
        let encoded: [UInt8]
        do { encoded = try CandidBinary.encode(decoded.values, as: decoded.types, in: decoded.environment) } catch {
            finding("decoded values do not encode at their own types: \(error)\n\(printed)")
        }
        do {
            let again = try CandidBinary.decode(encoded, as: decoded.types, in: decoded.environment)
            let reprinted = CandidText.print(again, types: decoded.types, in: decoded.environment)
            guard reprinted == printed else { finding("a round trip changed the values:\n\(printed)\n\(reprinted)") }
        } catch {
            finding("re-encoded values do not decode: \(error)\n\(printed)")
        }
    }

    /// Text that parses (annotating its own types) encodes, and the bytes decode without types.
    static func text(_ text: String) {
        guard let typed = try? CandidText.parseTypedArguments(text) else { return }
        guard let encoded = try? CandidBinary.encode(typed.values, as: typed.types) else {
            finding("parsed text does not encode at its own types: \(text)")
        }
        guard (try? CandidBinary.decodeUntyped(encoded)) != nil else { finding("encoded text does not decode: \(text)") }
    }
}
