/// Prints values in Candid's textual syntax, at a type when one is known.
struct CandidTextPrinter {
    /// The named types.
    let environment: CandidTypeEnvironment
    /// Whether every number is annotated with its type (`5 : nat`), as dfx prints replies.
    var annotatesNumbers = false

    /// A top-level value without a type: printed at the type its shape gives it, annotated if
    /// reading the text back without a type would give another type.
    func untypedArgument(_ value: CandidValue) -> String {
        let type = Self.shapeType(of: value)
        let text = self.value(value, at: type)
        return Self.readsBack(text, as: type) ? text : "(\(text) : \(CandidText.print(type)))"
    }

    /// Whether `text`, read without a type, gets `type`.
    private static func readsBack(_ text: String, as type: CandidType) -> Bool {
        guard var parser = try? CandidTextParser(text), let syntax = try? parser.annotatedValue(), parser.isAtEnd,
              let inferred = try? CandidTextInference(environment: CandidTypeEnvironment()).type(of: syntax) else { return false }
        return inferred == type
    }

    /// `value` printed at `type` (`nil` or a type the value does not fit: by its own shape).
    func value(_ value: CandidValue, at type: CandidType?) -> String {
        let type = type.flatMap { environment.resolve($0) }
        switch value {
        case .null, .reserved: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .nat, .int, .nat8, .nat16, .nat32, .nat64, .int8, .int16, .int32, .int64, .float32, .float64:
            let digits = Self.number(value) ?? ""
            return annotatesNumbers ? "\(digits) : \(CandidText.print(Self.shapeType(of: value)))" : digits
        case .text(let text): return CandidText.quoted(text)
        case .principal(let principal): return "principal \"\(principal.text)\""
        case .service(let principal): return "service \"\(principal.text)\""
        case .function(let service, let method): return "func \"\(service.text)\".\(CandidText.name(method))"
        case .opt(let inner):
            guard let inner else { return "null" }
            var element: CandidType?
            if case .opt(let elementType) = type { element = elementType }
            let text = self.value(inner, at: element)
            // `opt` takes a value, not an annotated one: `opt (5 : nat)`.
            return annotatesNumbers && Self.number(inner) != nil ? "opt (\(text))" : "opt " + text
        case .vec(let elements): return vector(elements, at: type)
        case .record(let fields): return record(fields, at: type)
        case .variant(let field): return variant(field, at: type)
        }
    }

    /// A number's digits (`nil` for other values).
    static func number(_ value: CandidValue) -> String? {
        switch value {
        case .nat(let number): number.description
        case .int(let number): number.description
        case .nat8(let number): String(number)
        case .nat16(let number): String(number)
        case .nat32(let number): String(number)
        case .nat64(let number): String(number)
        case .int8(let number): String(number)
        case .int16(let number): String(number)
        case .int32(let number): String(number)
        case .int64(let number): String(number)
        case .float32(let number): number.description
        case .float64(let number): number.description
        default: nil
        }
    }

    private func vector(_ elements: [CandidValue], at type: CandidType?) -> String {
        var element: CandidType?
        if case .vec(let elementType) = type { element = elementType }
        if let element, environment.resolve(element) == .nat8, let bytes = CandidValue.vec(elements).blobBytes {
            return "blob " + CandidText.quotedBytes(bytes)
        }
        guard !elements.isEmpty else { return "vec {}" }
        return "vec { " + elements.map { self.value($0, at: element) }.joined(separator: "; ") + " }"
    }

    private func record(_ fields: [CandidFieldValue], at type: CandidType?) -> String {
        guard !fields.isEmpty else { return "record {}" }
        var fieldTypes: [UInt32: CandidFieldType] = [:]
        if case .record(let types) = type { for field in types { fieldTypes[field.label.id] = field } }
        let isTuple = fields.enumerated().allSatisfy { $0.element.label.id == UInt32($0.offset) }
            && fields.allSatisfy { fieldTypes[$0.label.id]?.label.isNamed != true && !$0.label.isNamed }
        let parts = fields.map { field in
            let fieldType = fieldTypes[field.label.id]
            let text = value(field.value, at: fieldType?.type)
            return isTuple ? text : CandidText.print(fieldType?.label ?? field.label) + " = " + text
        }
        return "record { " + parts.joined(separator: "; ") + " }"
    }

    private func variant(_ field: CandidFieldValue, at type: CandidType?) -> String {
        var fieldType: CandidFieldType?
        if case .variant(let types) = type { fieldType = types.first { $0.label == field.label } }
        let label = CandidText.print(fieldType?.label ?? field.label)
        if field.value == .null { return "variant { \(label) }" }
        return "variant { \(label) = \(value(field.value, at: fieldType?.type)) }"
    }

    /// The type a value's own shape gives it (an empty `vec` or `opt` has element type
    /// `empty`; a vector's elements are joined as untyped text joins them).
    static func shapeType(of value: CandidValue) -> CandidType {
        switch value {
        case .null: .null
        case .bool: .bool
        case .nat: .nat
        case .int: .int
        case .nat8: .nat8
        case .nat16: .nat16
        case .nat32: .nat32
        case .nat64: .nat64
        case .int8: .int8
        case .int16: .int16
        case .int32: .int32
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .text: .text
        case .reserved: .reserved
        case .principal: .principal
        case .opt(let inner): .opt(inner.map(shapeType) ?? .empty)
        case .vec(let elements): .vec(elements.map(shapeType).reduce(CandidType.empty) { CandidTextInference.join($0, $1) ?? $0 })
        case .record(let fields): .record(fields.map { CandidFieldType(label: $0.label, type: shapeType(of: $0.value)) })
        case .variant(let field): .variant([CandidFieldType(label: field.label, type: shapeType(of: field.value))])
        case .function: .function(CandidFunctionType(arguments: [], results: []))
        case .service: .service(CandidServiceType(methods: []))
        }
    }
}

extension CandidLabel {
    /// Whether the label is a name (not a number).
    var isNamed: Bool {
        if case .named = self { return true }
        return false
    }
}
