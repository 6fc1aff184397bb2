/// A recursive-descent parser over Candid tokens: the cursor, the nesting bound and the
/// helpers the type, value and service-description grammars share.
struct CandidTextParser {
    /// The deepest nesting of types and values the parser accepts (parentheses, `opt`,
    /// `vec`, `record`, `variant`, `func`, `service` each count one), so that hostile text
    /// cannot exhaust the stack.
    static let nestingDepthMax = 200

    /// The words that cannot name a type (formal Candid specification, "Names": identifiers
    /// cannot be keywords; primitive type names are reserved the same way).
    static let keywords: Set<String> = [
        "type", "import", "service", "func", "query", "oneway", "composite_query", "opt", "vec", "record",
        "variant", "blob", "principal", "true", "false", "null", "nat", "nat8", "nat16", "nat32", "nat64",
        "int", "int8", "int16", "int32", "int64", "float32", "float64", "bool", "text", "reserved", "empty",
    ]

    private let tokens: [CandidToken]
    private var index = 0
    private var depth = 0
    /// Every type name used (not defined), where it is used: for "unbound name" errors at
    /// the use.
    private(set) var references: [(name: String, position: CandidTextPosition)] = []

    /// A parser over the tokens of `text`.
    init(_ text: String) throws(CandidError) {
        tokens = try CandidTextLexer.tokens(of: text)
    }

    /// The current token.
    var current: CandidToken { tokens[min(index, tokens.count - 1)] }

    /// The token after the current one.
    var following: CandidToken { tokens[min(index + 1, tokens.count - 1)] }

    /// Moves to the next token and returns the one passed.
    @discardableResult
    mutating func advance() -> CandidToken {
        let token = current
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// An error at the current token: what was expected, and what was found.
    func error(expected: String) -> CandidError {
        CandidError("expected \(expected); found \(current.shown)", at: current.position.location)
    }

    /// Consumes `symbol` if it is next.
    mutating func accept(_ symbol: String) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        advance()
        return true
    }

    /// Consumes the keyword if it is next.
    mutating func acceptKeyword(_ keyword: String) -> Bool {
        guard current.isKeyword(keyword) else { return false }
        advance()
        return true
    }

    /// Consumes `symbol`, or throws.
    mutating func expect(_ symbol: String) throws(CandidError) {
        guard accept(symbol) else { throw error(expected: "`\(symbol)`") }
    }

    /// Consumes a text literal and returns its bytes, or throws.
    mutating func expectText(_ what: String) throws(CandidError) -> [UInt8] {
        guard case .text(let bytes) = current.kind else { throw error(expected: what) }
        advance()
        return bytes
    }

    /// Consumes a text literal that must be UTF-8 (a quoted name, a principal).
    mutating func expectUTF8Text(_ what: String) throws(CandidError) -> String {
        let position = current.position
        let bytes = try expectText(what)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CandidError("\(what) is not valid UTF-8", at: position.location)
        }
        return text
    }

    /// Whether the end of the text is next.
    var isAtEnd: Bool { current.kind == .end }

    /// Records a use of a type name.
    mutating func noteReference(_ name: String, at position: CandidTextPosition) {
        references.append((name, position))
    }

    /// Throws at the first use of a name `environment` does not bind.
    func checkReferences(in environment: CandidTypeEnvironment) throws(CandidError) {
        for reference in references where environment[reference.name] == nil {
            throw CandidError("unbound type name `\(reference.name)`", at: reference.position.location)
        }
    }

    /// Throws unless the whole text has been read.
    func expectEnd() throws(CandidError) {
        guard isAtEnd else { throw error(expected: "the end of the text") }
    }

    /// Runs `body` one nesting level deeper, throwing beyond ``nestingDepthMax``.
    mutating func nested<Result>(_ body: (inout CandidTextParser) throws(CandidError) -> Result) throws(CandidError) -> Result {
        guard depth < Self.nestingDepthMax else {
            throw CandidError("nesting deeper than \(Self.nestingDepthMax) levels", at: current.position.location)
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    /// A label: a name (identifier or quoted text) or a number below 2^32.
    mutating func label() throws(CandidError) -> CandidLabel {
        let token = current
        switch token.kind {
        case .identifier(let name):
            advance()
            return .named(name)
        case .text:
            return .named(try expectUTF8Text("a quoted label"))
        case .number(let number):
            advance()
            guard !number.isNegative, !number.isFloat, let value = CandidTextNumbers.natural(number)?.uint64Value,
                  value <= UInt64(UInt32.max) else {
                throw CandidError("a numeric label must be a natural number below 2^32; found \(number)", at: token.position.location)
            }
            return .id(UInt32(value))
        default:
            throw error(expected: "a label (a name, a quoted name or a number)")
        }
    }

    /// Whether the current token can start a label and `separator` follows it.
    func isLabel(followedBy separator: String) -> Bool {
        switch current.kind {
        case .identifier, .text, .number: following.isSymbol(separator)
        default: false
        }
    }

    /// Fields with labels checked unique by ID, sorted by ID; `position` names each field
    /// for the duplicate error.
    static func sortedUnique<Field>(_ fields: [(field: Field, label: CandidLabel, position: CandidTextPosition)]) throws(CandidError) -> [Field] {
        var seen: [UInt32: CandidLabel] = [:]
        for entry in fields {
            if let earlier = seen[entry.label.id] {
                throw CandidError("duplicate field `\(entry.label)`: its ID \(entry.label.id) is also the ID of `\(earlier)`", at: entry.position.location)
            }
            seen[entry.label.id] = entry.label
        }
        return fields.sorted { $0.label.id < $1.label.id }.map(\.field)
    }

    /// The ID after `previous` for a field written without a label (0 for the first).
    static func nextTupleID(after previous: UInt32?, at position: CandidTextPosition) throws(CandidError) -> UInt32 {
        guard let previous else { return 0 }
        guard previous < UInt32.max else { throw CandidError("a field after ID 2^32-1 needs an explicit label", at: position.location) }
        return previous + 1
    }
}
