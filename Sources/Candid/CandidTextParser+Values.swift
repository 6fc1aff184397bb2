/// The value grammar (formal Candid specification, "Values" and its shorthands): `<arg>`,
/// `<annval>`, `<val>`.
extension CandidTextParser {
    /// `( <annval>,* )`: an argument sequence.
    mutating func arguments() throws(CandidError) -> [CandidValueSyntax] {
        try expect("(")
        var values: [CandidValueSyntax] = []
        while !accept(")") {
            values.append(try annotatedValue())
            if !current.isSymbol(")") { try expect(",") }
        }
        return values
    }

    /// `<val>` or `<val> : <datatype>`.
    mutating func annotatedValue() throws(CandidError) -> CandidValueSyntax {
        let value = try self.value()
        guard accept(":") else { return value }
        return CandidValueSyntax(.annotated(value, try dataType()), at: value.position)
    }

    /// A `<val>`.
    mutating func value() throws(CandidError) -> CandidValueSyntax {
        let position = current.position
        switch current.kind {
        case .number(let number):
            advance()
            return CandidValueSyntax(.number(number), at: position)
        case .text(let bytes):
            advance()
            return CandidValueSyntax(.text(bytes), at: position)
        case .symbol("("):
            return try nested { (parser: inout CandidTextParser) throws(CandidError) -> CandidValueSyntax in
                parser.advance()
                let value = try parser.annotatedValue()
                try parser.expect(")")
                return value
            }
        case .symbol("-"), .symbol("+"):
            let isNegative = advance().isSymbol("-")
            return try specialFloat(isNegative: isNegative, position: position)
        case .identifier(let word):
            return try keywordValue(word, position: position)
        default:
            throw error(expected: "a value")
        }
    }

    private mutating func specialFloat(isNegative: Bool, position: CandidTextPosition) throws(CandidError) -> CandidValueSyntax {
        guard case .identifier(let word) = current.kind, word == "nan" || word == "inf" else {
            throw error(expected: "a number, `inf` or `nan` after the sign")
        }
        advance()
        return CandidValueSyntax(.specialFloat(isNegative: isNegative, isNaN: word == "nan"), at: position)
    }

    private mutating func keywordValue(_ word: String, position: CandidTextPosition) throws(CandidError) -> CandidValueSyntax {
        switch word {
        case "true", "false":
            advance()
            return CandidValueSyntax(.bool(word == "true"), at: position)
        case "null":
            advance()
            return CandidValueSyntax(.null, at: position)
        case "nan", "inf":
            return try specialFloat(isNegative: false, position: position)
        case "blob":
            advance()
            return CandidValueSyntax(.blob(try expectText("a text literal after `blob`")), at: position)
        case "principal":
            advance()
            return CandidValueSyntax(.principal(try principalLiteral()), at: position)
        case "service":
            advance()
            return CandidValueSyntax(.service(try principalLiteral()), at: position)
        case "func":
            advance()
            let service = try principalLiteral()
            try expect(".")
            return CandidValueSyntax(.function(service: service, method: try methodName()), at: position)
        case "opt", "vec", "record", "variant":
            return try nested { (parser: inout CandidTextParser) throws(CandidError) -> CandidValueSyntax in
                parser.advance()
                return CandidValueSyntax(try parser.constructedValue(word), at: position)
            }
        default:
            throw error(expected: "a value")
        }
    }

    private mutating func constructedValue(_ word: String) throws(CandidError) -> CandidValueSyntax.Form {
        switch word {
        case "opt": return .opt(try value())
        case "vec": return .vec(try vectorElements())
        case "record": return .record(try recordFields())
        default: return .variant(try variantField())
        }
    }

    /// A principal in its textual form (interface spec, "Textual representation of principals").
    private mutating func principalLiteral() throws(CandidError) -> CandidPrincipal {
        let position = current.position
        let text = try expectUTF8Text("a principal in text form, in quotes")
        do {
            return try CandidPrincipal(text: text)
        } catch {
            throw CandidError(error.message, at: position.location)
        }
    }

    /// A method name after `func "...".`: an identifier or a quoted name.
    private mutating func methodName() throws(CandidError) -> String {
        if case .identifier(let name) = current.kind {
            advance()
            return name
        }
        return try expectUTF8Text("a method name")
    }

    private mutating func vectorElements() throws(CandidError) -> [CandidValueSyntax] {
        try expect("{")
        var elements: [CandidValueSyntax] = []
        while !accept("}") {
            elements.append(try annotatedValue())
            if !current.isSymbol("}") { try expect(";") }
        }
        return elements
    }

    /// `{ <fieldval>;* }`: `label = v`, or `v` alone (the next tuple ID).
    private mutating func recordFields() throws(CandidError) -> [CandidValueSyntax.Field] {
        try expect("{")
        var fields: [(field: CandidValueSyntax.Field, label: CandidLabel, position: CandidTextPosition)] = []
        var previous: UInt32?
        while !accept("}") {
            let position = current.position
            let label: CandidLabel
            if isLabel(followedBy: "=") {
                label = try self.label()
                advance()
            } else {
                label = .id(try Self.nextTupleID(after: previous, at: position))
            }
            previous = label.id
            fields.append((CandidValueSyntax.Field(label: label, value: try annotatedValue()), label, position))
            if !current.isSymbol("}") { try expect(";") }
        }
        return try Self.sortedUnique(fields)
    }

    /// `{ label = v }` or `{ label }` (the value `null`).
    private mutating func variantField() throws(CandidError) -> CandidValueSyntax.Field {
        try expect("{")
        guard !current.isSymbol("}") else { throw error(expected: "the variant's one alternative (a variant has a value)") }
        let position = current.position
        let label = try self.label()
        let value = accept("=") ? try annotatedValue() : CandidValueSyntax(.null, at: position)
        _ = accept(";")
        try expect("}")
        return CandidValueSyntax.Field(label: label, value: value)
    }
}
