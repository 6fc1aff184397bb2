/// The type grammar (formal Candid specification, "Core Grammar" and "Syntactic
/// Shorthands"): `<datatype>`, `<tuptype>`, `<functype>`, `<actortype>`.
extension CandidTextParser {
    /// The primitive types by name.
    static let primitiveTypes: [String: CandidType] = [
        "null": .null, "bool": .bool, "nat": .nat, "int": .int, "nat8": .nat8, "nat16": .nat16, "nat32": .nat32,
        "nat64": .nat64, "int8": .int8, "int16": .int16, "int32": .int32, "int64": .int64, "float32": .float32,
        "float64": .float64, "text": .text, "reserved": .reserved, "empty": .empty, "principal": .principal,
        "blob": .blob,
    ]

    /// A `<datatype>`; names become ``CandidType/reference(_:)``.
    mutating func dataType() throws(CandidError) -> CandidType {
        guard case .identifier(let word) = current.kind else { throw error(expected: "a type") }
        if let primitive = Self.primitiveTypes[word] {
            advance()
            return primitive
        }
        return try nested { (parser: inout CandidTextParser) throws(CandidError) -> CandidType in
            try parser.constructedType(word)
        }
    }

    private mutating func constructedType(_ word: String) throws(CandidError) -> CandidType {
        switch word {
        case "opt":
            advance()
            return .opt(try dataType())
        case "vec":
            advance()
            return .vec(try dataType())
        case "record":
            advance()
            return .record(try recordFields())
        case "variant":
            advance()
            return .variant(try variantFields())
        case "func":
            advance()
            return .function(try functionType())
        case "service":
            advance()
            return .service(try actorType())
        default:
            guard !Self.keywords.contains(word) else { throw error(expected: "a type") }
            noteReference(word, at: current.position)
            advance()
            return .reference(word)
        }
    }

    /// `{ <fieldtype>;* }` of a record: `label : type`, or a type alone (the next tuple ID).
    private mutating func recordFields() throws(CandidError) -> [CandidFieldType] {
        try expect("{")
        var fields: [(field: CandidFieldType, label: CandidLabel, position: CandidTextPosition)] = []
        var previous: UInt32?
        while !accept("}") {
            let position = current.position
            let label: CandidLabel
            if isLabel(followedBy: ":") {
                label = try self.label()
                advance()
            } else {
                label = .id(try Self.nextTupleID(after: previous, at: position))
            }
            previous = label.id
            fields.append((CandidFieldType(label: label, type: try dataType()), label, position))
            if !current.isSymbol("}") { try expect(";") }
        }
        return try Self.sortedUnique(fields)
    }

    /// `{ <fieldtype>;* }` of a variant: `label : type`, or a label alone (of type `null`).
    private mutating func variantFields() throws(CandidError) -> [CandidFieldType] {
        try expect("{")
        var fields: [(field: CandidFieldType, label: CandidLabel, position: CandidTextPosition)] = []
        while !accept("}") {
            let position = current.position
            let label = try self.label()
            let type: CandidType = accept(":") ? try dataType() : .null
            fields.append((CandidFieldType(label: label, type: type), label, position))
            if !current.isSymbol("}") { try expect(";") }
        }
        return try Self.sortedUnique(fields)
    }

    /// `( <argtype>,* )`: types, each optionally named (`name : type`; names are
    /// documentation only, but must not repeat).
    mutating func tupleType() throws(CandidError) -> [CandidType] {
        try expect("(")
        var types: [CandidType] = []
        var names: Set<String> = []
        while !accept(")") {
            if case .identifier(let name) = current.kind, following.isSymbol(":") {
                guard names.insert(name).inserted else { throw CandidError("duplicate parameter name `\(name)`", at: current.position.location) }
                advance()
                advance()
            } else if case .text = current.kind, following.isSymbol(":") {
                let position = current.position
                let name = try expectUTF8Text("a parameter name")
                guard names.insert(name).inserted else { throw CandidError("duplicate parameter name `\(name)`", at: position.location) }
                advance()
            }
            types.append(try dataType())
            if !current.isSymbol(")") { try expect(",") }
        }
        return types
    }

    /// `<tuptype> -> <tuptype> <funcann>*`; a `oneway` function has no results.
    mutating func functionType() throws(CandidError) -> CandidFunctionType {
        let position = current.position
        let arguments = try tupleType()
        try expect("->")
        let results = try tupleType()
        var modes: [CandidFunctionType.Mode] = []
        while case .identifier(let word) = current.kind, let mode = Self.functionModes[word] {
            advance()
            if !modes.contains(mode) { modes.append(mode) }
        }
        if modes.contains(.oneway), !results.isEmpty {
            throw CandidError("a oneway function has no results", at: position.location)
        }
        if modes.count > 1 {
            throw CandidError("a function has at most one of `query`, `composite_query`, `oneway`", at: position.location)
        }
        return CandidFunctionType(arguments: arguments, results: results, modes: modes)
    }

    static let functionModes: [String: CandidFunctionType.Mode] = [
        "query": .query, "oneway": .oneway, "composite_query": .compositeQuery,
    ]

    /// `{ <methtype>;* }`: `name : <functype>` or `name : <id>`; names unique.
    mutating func actorType() throws(CandidError) -> CandidServiceType {
        try expect("{")
        var methods: [CandidServiceType.Method] = []
        var names: Set<String> = []
        while !accept("}") {
            let position = current.position
            let name: String
            switch current.kind {
            case .identifier(let word):
                advance()
                name = word
            case .text:
                name = try expectUTF8Text("a method name")
            default:
                throw error(expected: "a method name")
            }
            guard names.insert(name).inserted else { throw CandidError("duplicate method `\(name)`", at: position.location) }
            try expect(":")
            methods.append(CandidServiceType.Method(name: name, type: try methodType()))
            if !current.isSymbol("}") { try expect(";") }
        }
        return CandidServiceType(methods: methods)
    }

    /// A method's type: a function type, or the name of one.
    private mutating func methodType() throws(CandidError) -> CandidType {
        if case .identifier(let name) = current.kind, !Self.keywords.contains(name) {
            noteReference(name, at: current.position)
            advance()
            return .reference(name)
        }
        return try nested { (parser: inout CandidTextParser) throws(CandidError) -> CandidType in
            .function(try parser.functionType())
        }
    }
}
