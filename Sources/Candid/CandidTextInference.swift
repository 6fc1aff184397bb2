/// The type a value written without a type gets from its own form, as dfinity/candid reads
/// untyped text: an integer literal is an `int`, a literal with a fraction or exponent (or
/// `nan`/`inf`) a `float64`, `"..."` a `text`, `null` the type `null`, `blob "..."` a
/// `vec nat8`, `service "..."` a `service {}`, `func "...".m` a `func () -> ()`; an annotation
/// `(v : t)` gives `t`. A vector's element type joins its elements' types (`null` and
/// `opt t` join to `opt t`, an empty vector is `vec empty`, variants join their alternatives).
struct CandidTextInference {
    /// The named types (for annotations).
    let environment: CandidTypeEnvironment

    /// The type of `syntax`.
    func type(of syntax: CandidValueSyntax) throws(CandidError) -> CandidType {
        switch syntax.form {
        case .number(let literal): return literal.isFloat ? .float64 : .int
        case .specialFloat: return .float64
        case .text: return .text
        case .bool: return .bool
        case .null: return .null
        case .opt(let inner): return .opt(try type(of: inner))
        case .blob: return .blob
        case .principal: return .principal
        case .service: return .service(CandidServiceType(methods: []))
        case .function: return .function(CandidFunctionType(arguments: [], results: []))
        case .annotated(_, let annotation): return annotation
        case .vec(let elements):
            var element = CandidType.empty
            for item in elements {
                let itemType = try type(of: item)
                guard let joined = Self.join(element, itemType) else {
                    throw CandidError("vector elements have different types: \(CandidText.print(element)) and \(CandidText.print(itemType)); annotate the vector", at: item.position.location)
                }
                element = joined
            }
            return .vec(element)
        case .record(let fields):
            var types: [CandidFieldType] = []
            for field in fields { types.append(CandidFieldType(label: field.label, type: try type(of: field.value))) }
            return .record(types)
        case .variant(let field):
            return .variant([CandidFieldType(label: field.label, type: try type(of: field.value))])
        }
    }

    /// The least type two element types both fit, where the join is simple; `nil` otherwise.
    static func join(_ first: CandidType, _ second: CandidType) -> CandidType? {
        if first == second { return first }
        switch (first, second) {
        case (.empty, _): return second
        case (_, .empty): return first
        case (.null, .opt), (.opt, .null): return first == .null ? second : first
        case (.opt(let a), .opt(let b)): return join(a, b).map { .opt($0) }
        case (.vec(let a), .vec(let b)): return join(a, b).map { .vec($0) }
        case (.record(let a), .record(let b)):
            guard a.map(\.label) == b.map(\.label) else { return nil }
            var fields: [CandidFieldType] = []
            for (left, right) in zip(a, b) {
                guard let joined = join(left.type, right.type) else { return nil }
                fields.append(CandidFieldType(label: left.label, type: joined))
            }
            return .record(fields)
        case (.variant(let a), .variant(let b)):
            var fields = a
            for alternative in b {
                if let index = fields.firstIndex(where: { $0.label == alternative.label }) {
                    guard let joined = join(fields[index].type, alternative.type) else { return nil }
                    fields[index].type = joined
                } else {
                    fields.append(alternative)
                }
            }
            return .variant(fields.sorted { $0.label.id < $1.label.id })
        default: return nil
        }
    }
}
