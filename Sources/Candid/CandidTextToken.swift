/// A place in a Candid text: line and column, both from 1 (columns count Unicode scalars).
struct CandidTextPosition: Hashable, Sendable, CustomStringConvertible {
    /// The line, from 1.
    var line: Int
    /// The column, from 1, in Unicode scalars.
    var column: Int

    /// Creates a position.
    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The position as an error location.
    var location: CandidError.Location { .text(line: line, column: column) }

    /// `"3:14"`.
    var description: String { "\(line):\(column)" }
}

/// A number as written in Candid text (formal Candid specification, "Values": `<nat>`,
/// `<int>`, `<float>`), not yet read at a type.
struct CandidNumberLiteral: Hashable, Sendable, CustomStringConvertible {
    /// Whether a `-` sign was written.
    var isNegative: Bool
    /// Whether the literal was written in hexadecimal (`0x...`).
    var isHexadecimal: Bool
    /// Whether the literal has a fraction or an exponent (so it can only be a float).
    var isFloat: Bool
    /// The digits without sign, `0x` prefix or `_` separators; for a float, the fraction
    /// and exponent too (`"1.5e3"`, `"1.8p3"`).
    var digits: String

    /// Creates a literal.
    init(isNegative: Bool, isHexadecimal: Bool, isFloat: Bool, digits: String) {
        self.isNegative = isNegative
        self.isHexadecimal = isHexadecimal
        self.isFloat = isFloat
        self.digits = digits
    }

    /// The literal as written, normalised (`"-0x1f"`, `"1.5e3"`).
    var description: String { (isNegative ? "-" : "") + (isHexadecimal ? "0x" : "") + digits }
}

/// One token of Candid text.
struct CandidToken: Hashable, Sendable {
    /// What the token is.
    enum Kind: Hashable, Sendable {
        /// An identifier or keyword: `(A..Z|a..z|_)(A..Z|a..z|_|0..9)*`.
        case identifier(String)
        /// A text literal's bytes, escapes decoded (not necessarily UTF-8: `blob "\ff"`).
        case text([UInt8])
        /// A number literal.
        case number(CandidNumberLiteral)
        /// Punctuation: `( ) { } ; , : = . -> == != ! - +`.
        case symbol(String)
        /// The end of the text.
        case end
    }

    /// What the token is.
    var kind: Kind
    /// Where it starts.
    var position: CandidTextPosition

    /// The token as an error message shows it.
    var shown: String {
        switch kind {
        case .identifier(let name): "`\(name)`"
        case .text: "a text literal"
        case .number(let number): "the number `\(number)`"
        case .symbol(let symbol): "`\(symbol)`"
        case .end: "the end of the text"
        }
    }

    /// Whether the token is this symbol.
    func isSymbol(_ symbol: String) -> Bool { kind == .symbol(symbol) }

    /// Whether the token is this identifier or keyword.
    func isKeyword(_ keyword: String) -> Bool { kind == .identifier(keyword) }
}
