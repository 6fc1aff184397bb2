/// Splits Candid text into tokens (formal Candid specification, "Values" and "Comments"):
/// identifiers, text literals with escapes, number literals with `_` separators, punctuation;
/// `//` line comments and nested `/* */` block comments are skipped.
struct CandidTextLexer {
    private let bytes: [UInt8]
    private var offset = 0
    private var line = 1
    private var column = 1

    /// A lexer over `text`.
    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// All tokens of the text, ending with `.end`.
    static func tokens(of text: String) throws(CandidError) -> [CandidToken] {
        var lexer = CandidTextLexer(text)
        var tokens: [CandidToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var position: CandidTextPosition { CandidTextPosition(line: line, column: column) }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

    /// Moves past one byte, keeping line and column (continuation bytes of UTF-8 do not
    /// count as columns).
    private mutating func advance() {
        guard offset < bytes.count else { return }
        let byte = bytes[offset]
        offset += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    /// The next token.
    mutating func next() throws(CandidError) -> CandidToken {
        try skipSpaceAndComments()
        let start = position
        guard let byte = peek() else { return CandidToken(kind: .end, position: start) }
        if Self.isIdentifierStart(byte) { return CandidToken(kind: .identifier(identifier()), position: start) }
        if Self.isDigit(byte) { return CandidToken(kind: .number(try number(isNegative: false, start: start)), position: start) }
        if byte == UInt8(ascii: "\"") { return CandidToken(kind: .text(try textLiteral(start: start)), position: start) }
        return CandidToken(kind: try symbol(start: start), position: start)
    }

    private mutating func symbol(start: CandidTextPosition) throws(CandidError) -> CandidToken.Kind {
        guard let byte = peek() else { return .end }
        let next = peek(1)
        let pair: String? = switch (byte, next) {
        case (UInt8(ascii: "-"), UInt8(ascii: ">")): "->"
        case (UInt8(ascii: "="), UInt8(ascii: "=")): "=="
        case (UInt8(ascii: "!"), UInt8(ascii: "=")): "!="
        default: nil
        }
        if let pair {
            advance()
            advance()
            return .symbol(pair)
        }
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+"), let next, Self.isDigit(next) {
            advance()
            return .number(try number(isNegative: byte == UInt8(ascii: "-"), start: start))
        }
        guard "(){};,:=.!-+".utf8.contains(byte) else {
            throw CandidError("unexpected character \(Self.shown(byte)); expected a value, a type or punctuation", at: start.location)
        }
        advance()
        return .symbol(String(decoding: [byte], as: UTF8.self))
    }

    private mutating func skipSpaceAndComments() throws(CandidError) {
        while let byte = peek() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                advance()
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") {
                while let next = peek(), next != UInt8(ascii: "\n") { advance() }
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                try skipBlockComment()
            } else {
                return
            }
        }
    }

    /// Skips a block comment; block comments nest.
    private mutating func skipBlockComment() throws(CandidError) {
        let start = position
        var depth = 0
        repeat {
            guard let byte = peek() else { throw CandidError("unterminated block comment; expected `*/`", at: start.location) }
            if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                depth += 1
                advance()
            } else if byte == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                depth -= 1
                advance()
            }
            advance()
        } while depth > 0
    }

    private mutating func identifier() -> String {
        var scalars: [UInt8] = []
        while let byte = peek(), Self.isIdentifierStart(byte) || Self.isDigit(byte) {
            scalars.append(byte)
            advance()
        }
        return String(decoding: scalars, as: UTF8.self)
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A byte as an error message shows it: the character, or its code.
    static func shown(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? "`\(Character(Unicode.Scalar(byte)))`" : "byte 0x" + String(byte, radix: 16)
    }

    // MARK: Numbers

    /// Digits (hexadecimal if `hex`) with single `_` separators between them; empty if there
    /// is no digit here.
    private mutating func digits(hex: Bool) -> String {
        var text: [UInt8] = []
        while let byte = peek() {
            let isDigit = hex ? Self.hexValue(byte) != nil : Self.isDigit(byte)
            if isDigit {
                text.append(byte)
                advance()
            } else if byte == UInt8(ascii: "_"), !text.isEmpty, let next = peek(1),
                      hex ? Self.hexValue(next) != nil : Self.isDigit(next) {
                advance()
            } else {
                break
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A number literal after its sign: `<num>`, `0x<hexnum>`, or a float with a fraction
    /// and/or an exponent (`e` for decimal, `p` for hexadecimal).
    private mutating func number(isNegative: Bool, start: CandidTextPosition) throws(CandidError) -> CandidNumberLiteral {
        let isHex = peek() == UInt8(ascii: "0") && peek(1) == UInt8(ascii: "x")
        if isHex {
            advance()
            advance()
        }
        var text = digits(hex: isHex)
        guard !text.isEmpty else { throw CandidError("expected hexadecimal digits after `0x`", at: start.location) }
        var isFloat = false
        if peek() == UInt8(ascii: ".") {
            advance()
            isFloat = true
            text += "." + digits(hex: isHex)
        }
        let exponentLetters: [UInt8] = isHex ? [UInt8(ascii: "p"), UInt8(ascii: "P")] : [UInt8(ascii: "e"), UInt8(ascii: "E")]
        if let byte = peek(), exponentLetters.contains(byte) {
            advance()
            isFloat = true
            text += isHex ? "p" : "e"
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                text += String(Character(Unicode.Scalar(sign)))
                advance()
            }
            let exponent = digits(hex: false)
            guard !exponent.isEmpty else { throw CandidError("expected the exponent's decimal digits", at: position.location) }
            text += exponent
        }
        if let byte = peek(), Self.isIdentifierStart(byte) || Self.isDigit(byte) {
            throw CandidError("malformed number literal: unexpected \(Self.shown(byte)) after `\(text)`", at: position.location)
        }
        return CandidNumberLiteral(isNegative: isNegative, isHexadecimal: isHex, isFloat: isFloat, digits: text)
    }

    // MARK: Text

    /// A text literal's bytes, escapes decoded.
    private mutating func textLiteral(start: CandidTextPosition) throws(CandidError) -> [UInt8] {
        advance()
        var result: [UInt8] = []
        while true {
            guard let byte = peek() else { throw CandidError("unterminated text literal; expected a closing `\"`", at: start.location) }
            if byte == UInt8(ascii: "\"") {
                advance()
                return result
            }
            if byte == UInt8(ascii: "\\") {
                try escape(into: &result)
            } else {
                result.append(byte)
                advance()
            }
        }
    }

    /// One escape: `\n \r \t \\ \" \'`, `\HH` (one byte), `\u{HEX}` (one Unicode scalar).
    private mutating func escape(into result: inout [UInt8]) throws(CandidError) {
        let start = position
        advance()
        guard let byte = peek() else { throw CandidError("unterminated escape", at: start.location) }
        let simple: UInt8? = switch byte {
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): byte
        default: nil
        }
        if let simple {
            advance()
            result.append(simple)
        } else if let high = Self.hexValue(byte), let next = peek(1), let low = Self.hexValue(next) {
            advance()
            advance()
            result.append(high << 4 | low)
        } else if byte == UInt8(ascii: "u") {
            advance()
            result += try unicodeEscape(start: start)
        } else {
            throw CandidError("unknown escape \\\(Self.shown(byte)); expected \\n, \\r, \\t, \\\\, \\\", \\', two hexadecimal digits or \\u{...}", at: start.location)
        }
    }

    /// `{HEX}` after `\u`: a Unicode scalar value (not a surrogate, at most 0x10FFFF), as UTF-8.
    private mutating func unicodeEscape(start: CandidTextPosition) throws(CandidError) -> [UInt8] {
        guard peek() == UInt8(ascii: "{") else { throw CandidError("expected `{` after \\u", at: start.location) }
        advance()
        let hex = digits(hex: true)
        guard peek() == UInt8(ascii: "}") else {
            throw CandidError("unclosed \\u{...} escape; expected hexadecimal digits and `}`", at: start.location)
        }
        advance()
        guard !hex.isEmpty, hex.utf8.count <= 6, let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
            throw CandidError("\\u{\(hex)} is not a Unicode scalar value (at most 10FFFF, not a surrogate)", at: start.location)
        }
        return Array(String(Character(scalar)).utf8)
    }
}
