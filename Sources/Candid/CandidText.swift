/// Candid's textual syntax (formal Candid specification, "Values"): reading argument
/// sequences such as `(42, record { name = "x" }, opt blob "\ca\fe")` at their types, and
/// printing values back in the same syntax.
public enum CandidText {
    /// The values of an argument sequence `( <annval>,* )` read at `types`.
    ///
    /// With `types`, each value is read at its type: number literals become that type's
    /// numbers (range-checked), field names are hashed, `blob "..."` fills a `vec nat8`, and
    /// the spec's subtyping lets a record omit `null`/`opt`/`reserved` fields (they read as
    /// `null`) and carry extra fields (checked, then dropped), and a value without `opt` be
    /// read at an `opt` type. Missing trailing arguments of type `null`, `opt` or `reserved`
    /// read as `null`; extra arguments are checked and dropped (argument-sequence subtyping).
    ///
    /// Without `types` (`nil`), each value's type comes from its own form: see
    /// ``parseTypedArguments(_:in:)``.
    ///
    /// - Throws: ``CandidError`` with the line and column and what was expected.
    public static func parseArguments(_ text: String, as types: [CandidType]?, in environment: CandidTypeEnvironment = CandidTypeEnvironment()) throws(CandidError) -> [CandidValue] {
        guard let types else { return try parseTypedArguments(text, in: environment).values }
        var parser = try CandidTextParser(text)
        let syntax = try parser.arguments()
        try parser.expectEnd()
        return try elaborate(syntax, at: types, in: environment, end: parser.current.position)
    }

    /// The values of an argument sequence written without types, and the types their forms
    /// give them: an integer literal is an `int`, a float literal a `float64`, `null` a
    /// `null`, an annotation `(v : t)` a `t` (dfinity/candid reads untyped text this way).
    public static func parseTypedArguments(_ text: String, in environment: CandidTypeEnvironment = CandidTypeEnvironment()) throws(CandidError) -> (values: [CandidValue], types: [CandidType]) {
        var parser = try CandidTextParser(text)
        let syntax = try parser.arguments()
        try parser.expectEnd()
        let inference = CandidTextInference(environment: environment)
        let elaborator = CandidTextElaborator(environment: environment)
        var values: [CandidValue] = []
        var types: [CandidType] = []
        for argument in syntax {
            let type = try inference.type(of: argument)
            types.append(type)
            values.append(try elaborator.value(argument, at: type))
        }
        return (values, types)
    }

    /// One value `<annval>` read at `type`.
    public static func parseValue(_ text: String, as type: CandidType, in environment: CandidTypeEnvironment = CandidTypeEnvironment()) throws(CandidError) -> CandidValue {
        var parser = try CandidTextParser(text)
        let syntax = try parser.annotatedValue()
        try parser.expectEnd()
        return try CandidTextElaborator(environment: environment).value(syntax, at: type)
    }

    /// A type written in Candid syntax (`record { name : text; age : nat8 }`); names refer
    /// to `environment`, which must bind them.
    public static func parseType(_ text: String, in environment: CandidTypeEnvironment = CandidTypeEnvironment()) throws(CandidError) -> CandidType {
        var parser = try CandidTextParser(text)
        let position = parser.current.position
        let type = try parser.dataType()
        try parser.expectEnd()
        try parser.checkReferences(in: environment)
        try CandidTypeChecks(environment: environment).check(type, at: position)
        return type
    }

    /// A parenthesised type sequence (`(nat, text)`), as a method's arguments are written.
    public static func parseTypes(_ text: String, in environment: CandidTypeEnvironment = CandidTypeEnvironment()) throws(CandidError) -> [CandidType] {
        var parser = try CandidTextParser(text)
        let position = parser.current.position
        let types = try parser.tupleType()
        try parser.expectEnd()
        try parser.checkReferences(in: environment)
        for type in types { try CandidTypeChecks(environment: environment).check(type, at: position) }
        return types
    }

    /// Arguments read at their types; missing trailing ones must admit `null`.
    static func elaborate(_ syntax: [CandidValueSyntax], at types: [CandidType], in environment: CandidTypeEnvironment, end: CandidTextPosition) throws(CandidError) -> [CandidValue] {
        let elaborator = CandidTextElaborator(environment: environment)
        var values: [CandidValue] = []
        for (index, type) in types.enumerated() {
            if index < syntax.count {
                values.append(try elaborator.value(syntax[index], at: type))
                continue
            }
            switch try elaborator.resolved(type, at: end) {
            case .null: values.append(.null)
            case .opt: values.append(.opt(nil))
            case .reserved: values.append(.reserved)
            default: throw CandidError("missing argument \(index) of type \(print(type))", at: end.location)
            }
        }
        for extra in syntax.dropFirst(types.count) { _ = try elaborator.untyped(extra) }
        return values
    }
}
