import Testing
@testable import Candid

/// One assertion about a binary message, transcribed from the conformance suite
/// (../shared/candid-tests/*.test.did): the blob, the expected types, and either the values
/// it must decode to, success without a value to compare, or failure.
struct BlobCase: Sendable, CustomTestStringConvertible {
    /// What the suite must see.
    enum Outcome: Sendable {
        case decodes([CandidValue])
        case succeeds
        case fails
    }

    /// The suite file and the assertion's description.
    let name: String
    /// The blob in the suite's notation (`\xx` hex escapes, other characters as UTF-8).
    let blob: String
    /// The expected argument types.
    let types: [CandidType]
    /// What decoding must give.
    let outcome: Outcome

    init(_ name: String, _ blob: String, _ types: [CandidType], _ outcome: Outcome) {
        self.name = name
        self.blob = blob
        self.types = types
        self.outcome = outcome
    }

    var testDescription: String { name }

    /// Decodes the blob at the types in `environment` and checks the outcome.
    func check(in environment: CandidTypeEnvironment = .init()) {
        let bytes = suiteBlob(blob)
        let result = Result(catching: { () throws(CandidError) -> [CandidValue] in
            try CandidBinary.decode(bytes, as: types, in: environment)
        })
        switch (outcome, result) {
        case (.decodes(let expected), .success(let values)):
            #expect(values == expected, "\(name)")
        case (.succeeds, .success), (.fails, .failure):
            break
        case (.fails, .success(let values)):
            Issue.record("\(name): decoded to \(values), but must fail")
        case (_, .failure(let error)):
            Issue.record("\(name): failed (\(error)), but must decode")
        }
    }
}

/// The bytes of a blob in the conformance suite's notation.
func suiteBlob(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var characters = Array(text.unicodeScalars)[...]
    while let scalar = characters.popFirst() {
        if scalar == "\\", characters.count >= 2,
           let byte = UInt8(String(String.UnicodeScalarView(characters.prefix(2))), radix: 16) {
            bytes.append(byte)
            characters = characters.dropFirst(2)
        } else {
            bytes += Array(String(scalar).utf8)
        }
    }
    return bytes
}

/// A record type with numbered fields.
func recordType(_ fields: (UInt32, CandidType)...) -> CandidType {
    .record(fields.map { CandidFieldType(label: .id($0.0), type: $0.1) })
}

/// A variant type with numbered alternatives.
func variantType(_ fields: (UInt32, CandidType)...) -> CandidType {
    .variant(fields.map { CandidFieldType(label: .id($0.0), type: $0.1) })
}

/// A record or variant field type with a name.
func named(_ name: String, _ type: CandidType) -> CandidFieldType {
    CandidFieldType(label: .named(name), type: type)
}

/// A record value with numbered fields.
func recordValue(_ fields: (UInt32, CandidValue)...) -> CandidValue {
    .record(fields.map { CandidFieldValue(label: .id($0.0), value: $0.1) })
}

/// A `nat` value.
func natValue(_ value: UInt64) -> CandidValue { .nat(CandidNatural(value)) }

/// An `int` value.
func intValue(_ value: Int64) -> CandidValue { .int(CandidInteger(value)) }

/// A function type `() -> (result)`.
func producing(_ result: CandidType) -> CandidType {
    .function(CandidFunctionType(arguments: [], results: [result]))
}

/// The principal `aaaaa-aa` (no bytes).
let managementCanister = CandidPrincipal(bytes: [])
/// The principal `w7x7r-cok77-xa` (bytes ca ff ee).
let cafePrincipal = CandidPrincipal(bytes: [0xca, 0xff, 0xee])
