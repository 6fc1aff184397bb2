/// Reads value syntax at a type: number literals become the type's numbers (range-checked),
/// labels are matched by ID, `blob "..."` fills a `vec nat8`, and the subtyping coercions of
/// the formal Candid specification apply where text input needs them (a record may omit a
/// field of type `null`, `opt` or `reserved`, and may carry fields the type does not have; a
/// value that is not `null` or `opt` at an `opt t` type is read as `opt` of it).
struct CandidTextElaborator {
    /// The named types.
    let environment: CandidTypeEnvironment

    /// The type behind references, or an error for an unbound or non-productive name.
    func resolved(_ type: CandidType, at position: CandidTextPosition) throws(CandidError) -> CandidType {
        guard let resolved = environment.resolve(type) else {
            throw CandidError("type \(CandidText.print(type)) is not defined (or only refers to itself)", at: position.location)
        }
        return resolved
    }

    /// `syntax` read at `type`.
    func value(_ syntax: CandidValueSyntax, at type: CandidType) throws(CandidError) -> CandidValue {
        let type = try resolved(type, at: syntax.position)
        if case .annotated(let inner, let annotation) = syntax.form {
            return try annotated(inner, annotation, at: type)
        }
        if type == .reserved {
            _ = try untyped(syntax)
            return .reserved
        }
        if case .opt = type { return try structured(syntax, at: type) }
        switch syntax.form {
        case .number(let literal):
            guard Self.isNumeric(type) else { throw mismatch(syntax, type) }
            return try CandidTextNumbers.value(literal, as: type).mapError { located($0, syntax) }.get()
        case .specialFloat(let isNegative, let isNaN):
            guard let value = CandidTextNumbers.special(isNegative: isNegative, isNaN: isNaN, as: type) else { throw mismatch(syntax, type) }
            return value
        default:
            return try structured(syntax, at: type)
        }
    }

    /// The forms other than numbers, at a resolved type.
    private func structured(_ syntax: CandidValueSyntax, at type: CandidType) throws(CandidError) -> CandidValue {
        switch (syntax.form, type) {
        case (.null, .null): return .null
        case (.null, .opt): return .opt(nil)
        case (.opt(let inner), .opt(let element)): return .opt(try value(inner, at: element))
        case (_, .opt(let element)): return try optional(syntax, element: element)
        case (.bool(let flag), .bool): return .bool(flag)
        case (.text(let bytes), .text):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw CandidError("text is not valid UTF-8 (a byte escape may only appear in `blob`)", at: syntax.position.location)
            }
            return .text(text)
        case (.blob(let bytes), .vec(let element)):
            guard try resolved(element, at: syntax.position) == .nat8 else { throw mismatch(syntax, type) }
            return .blob(bytes)
        case (.vec(let elements), .vec(let element)):
            var values: [CandidValue] = []
            for item in elements { values.append(try value(item, at: element)) }
            return .vec(values)
        case (.record(let fields), .record(let fieldTypes)): return try record(fields, at: fieldTypes, position: syntax.position)
        case (.variant(let field), .variant(let fieldTypes)):
            guard let fieldType = fieldTypes.first(where: { $0.label == field.label }) else {
                throw CandidError("variant alternative `\(field.label)` is not one of the type's \(CandidText.print(type))", at: syntax.position.location)
            }
            return .variant(CandidFieldValue(label: fieldType.label, value: try value(field.value, at: fieldType.type)))
        case (.principal(let principal), .principal): return .principal(principal)
        case (.service(let principal), .service): return .service(principal)
        case (.function(let service, let method), .function): return .function(service: service, method: method)
        default: throw mismatch(syntax, type)
        }
    }

    /// A value written without `opt` at `opt element`: `opt` of it, unless `element` itself
    /// admits `null` (then the reading would be ambiguous, so the spec's rule does not apply).
    private func optional(_ syntax: CandidValueSyntax, element: CandidType) throws(CandidError) -> CandidValue {
        let inner = try resolved(element, at: syntax.position)
        switch inner {
        case .null, .opt, .reserved:
            throw CandidError("expected `null` or `opt ...` for \(CandidText.print(.opt(element))); found \(Self.shown(syntax))", at: syntax.position.location)
        default:
            return .opt(try value(syntax, at: inner))
        }
    }

    /// Record fields by the type's labels: missing fields of type `null`, `opt` or `reserved`
    /// get `null`; extra fields are checked but dropped.
    private func record(_ fields: [CandidValueSyntax.Field], at fieldTypes: [CandidFieldType], position: CandidTextPosition) throws(CandidError) -> CandidValue {
        var written: [UInt32: CandidValueSyntax] = [:]
        for field in fields { written[field.label.id] = field.value }
        var values: [CandidFieldValue] = []
        for fieldType in fieldTypes {
            if let field = written.removeValue(forKey: fieldType.label.id) {
                values.append(CandidFieldValue(label: fieldType.label, value: try value(field, at: fieldType.type)))
                continue
            }
            switch try resolved(fieldType.type, at: position) {
            case .null: values.append(CandidFieldValue(label: fieldType.label, value: .null))
            case .opt: values.append(CandidFieldValue(label: fieldType.label, value: .opt(nil)))
            case .reserved: values.append(CandidFieldValue(label: fieldType.label, value: .reserved))
            default: throw CandidError("record is missing field `\(fieldType.label)` of type \(CandidText.print(fieldType.type))", at: position.location)
            }
        }
        for field in fields where written[field.label.id] != nil {
            _ = try untyped(field.value)
        }
        return .record(values)
    }

    /// `(inner : annotation)` where `type` is expected: read at the annotation, then brought
    /// to `type` by the spec's coercion.
    private func annotated(_ inner: CandidValueSyntax, _ annotation: CandidType, at type: CandidType) throws(CandidError) -> CandidValue {
        let annotationType = try resolved(annotation, at: inner.position)
        if annotationType == type { return try value(inner, at: type) }
        let read = try value(inner, at: annotationType)
        let coercion = CandidValueCoercion(environment: environment)
        guard let coerced = coercion.coerce(read, from: annotationType, to: type) else {
            throw CandidError("a value of type \(CandidText.print(annotation)) cannot be read as \(CandidText.print(type))", at: inner.position.location)
        }
        return coerced
    }

    /// `syntax` read at the type its own form gives it (checks it is well formed).
    func untyped(_ syntax: CandidValueSyntax) throws(CandidError) -> CandidValue {
        let type = try CandidTextInference(environment: environment).type(of: syntax)
        return try value(syntax, at: type)
    }

    static func isNumeric(_ type: CandidType) -> Bool {
        switch type {
        case .nat, .int, .nat8, .nat16, .nat32, .nat64, .int8, .int16, .int32, .int64, .float32, .float64: true
        default: false
        }
    }

    private func located(_ error: CandidError, _ syntax: CandidValueSyntax) -> CandidError {
        CandidError(error.message, at: syntax.position.location)
    }

    private func mismatch(_ syntax: CandidValueSyntax, _ type: CandidType) -> CandidError {
        let expected = type == .empty ? "no value (type empty has none)" : "a value of type \(CandidText.print(type))"
        return CandidError("expected \(expected); found \(Self.shown(syntax))", at: syntax.position.location)
    }

    /// What a piece of syntax is, for error messages.
    static func shown(_ syntax: CandidValueSyntax) -> String {
        switch syntax.form {
        case .number(let literal): "the number `\(literal)`"
        case .specialFloat: "a float"
        case .text: "a text"
        case .bool(let flag): "`\(flag)`"
        case .null: "`null`"
        case .opt: "`opt ...`"
        case .vec: "`vec {...}`"
        case .blob: "`blob \"...\"`"
        case .record: "`record {...}`"
        case .variant: "`variant {...}`"
        case .principal: "`principal \"...\"`"
        case .service: "`service \"...\"`"
        case .function: "`func \"...\".method`"
        case .annotated: "an annotated value"
        }
    }
}
