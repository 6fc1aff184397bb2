/// Printing values and types in Candid's textual syntax.
extension CandidText {
    /// `values` as an argument sequence `(v1, v2)`.
    ///
    /// With `types`, each value is printed at its type: field and alternative names come from
    /// the type's labels (a value decoded from binary knows only their IDs), a `vec nat8` is
    /// printed `blob "..."`. Without types, each value is printed as it is and annotated
    /// (`(5 : nat)`) only where reading it back without a type would give another value
    /// (an unannotated integer reads as `int`). Either way, reading the text back at the same
    /// types (or without types) gives the same values (except a NaN's payload).
    /// `annotatingNumbers` annotates every number with its type (`(5 : nat)`), as dfx prints
    /// replies, so that the text reads back the same without types too.
    public static func print(_ values: [CandidValue], types: [CandidType]? = nil, in environment: CandidTypeEnvironment = CandidTypeEnvironment(),
                             annotatingNumbers: Bool = false) -> String {
        var printer = CandidTextPrinter(environment: environment)
        printer.annotatesNumbers = annotatingNumbers
        var parts: [String] = []
        for (index, value) in values.enumerated() {
            if let types, index < types.count {
                parts.append(printer.value(value, at: types[index]))
            } else {
                parts.append(printer.untypedArgument(value))
            }
        }
        return "(" + parts.joined(separator: ", ") + ")"
    }

    /// One value, printed at `type` if given.
    public static func print(_ value: CandidValue, type: CandidType? = nil, in environment: CandidTypeEnvironment = CandidTypeEnvironment()) -> String {
        let printer = CandidTextPrinter(environment: environment)
        guard let type else { return printer.untypedArgument(value) }
        return printer.value(value, at: type)
    }

    /// A type in Candid syntax (`record { name : text; 1 : nat }`, `blob`, `func (nat) -> () query`).
    public static func print(_ type: CandidType) -> String {
        CandidTypePrinter.type(type)
    }

    /// A function type's signature: `(nat, text) -> (bool) query`.
    public static func print(_ function: CandidFunctionType) -> String {
        CandidTypePrinter.function(function)
    }

    /// A label as Candid text writes it: a name if it is an identifier that is not a keyword,
    /// else the name quoted; a numeric label as its number.
    public static func print(_ label: CandidLabel) -> String {
        switch label {
        case .named(let text): name(text)
        case .id(let id): String(id)
        }
    }

    /// A name as an identifier, or quoted if it is not one (or is a keyword).
    static func name(_ name: String) -> String {
        let bytes = Array(name.utf8)
        let isIdentifier = bytes.first.map(CandidTextLexer.isIdentifierStart) ?? false
            && bytes.allSatisfy { CandidTextLexer.isIdentifierStart($0) || CandidTextLexer.isDigit($0) }
            && !CandidTextParser.keywords.contains(name)
        return isIdentifier ? name : quoted(name)
    }

    /// A text literal: `"` and `\` escaped, `\n \r \t`, other control characters as `\u{...}`.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// A blob literal's text: printable ASCII as is (`"` and `\` escaped), other bytes as `\HH`.
    static func quotedBytes(_ bytes: [UInt8]) -> String {
        var result = "\""
        for byte in bytes {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                result += "\\" + String(Character(Unicode.Scalar(byte)))
            } else if byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16)
                result += "\\" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result + "\""
    }
}
