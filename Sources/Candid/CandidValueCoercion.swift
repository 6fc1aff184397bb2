/// Brings a value of one type to another by the formal Candid specification's coercion rules
/// ("Coercion"), as far as text input needs them (an annotation `(v : t')` where `t` is
/// expected): `nat` to `int`, anything to `reserved`, `null` and non-optional values into
/// `opt` (a failed coercion under `opt` gives `null`), vectors element-wise, records by field
/// (missing `null`/`opt`/`reserved` fields filled, extra fields dropped), variants by
/// alternative, a service reference to `principal`.
///
/// Simplified: function and service references are kept when the kinds match, without the
/// subtype check of their method types.
struct CandidValueCoercion {
    /// The named types.
    let environment: CandidTypeEnvironment

    /// `value` of type `source` as a value of `target`, or `nil` if it has none.
    func coerce(_ value: CandidValue, from source: CandidType, to target: CandidType) -> CandidValue? {
        guard let source = environment.resolve(source), let target = environment.resolve(target) else { return nil }
        if target == .reserved { return .reserved }
        if source == target { return value }
        switch (value, source, target) {
        case (.nat(let natural), .nat, .int): return .int(CandidInteger(natural))
        case (_, _, .opt(let element)): return optional(value, from: source, element: element)
        case (.vec(let elements), .vec(let from), .vec(let to)):
            var result: [CandidValue] = []
            for element in elements {
                guard let coerced = coerce(element, from: from, to: to) else { return nil }
                result.append(coerced)
            }
            return .vec(result)
        case (.record(let fields), .record(let from), .record(let to)): return record(fields, from: from, to: to)
        case (.variant(let field), .variant(let from), .variant(let to)):
            guard let fromType = from.first(where: { $0.label == field.label }),
                  let toType = to.first(where: { $0.label == field.label }),
                  let coerced = coerce(field.value, from: fromType.type, to: toType.type) else { return nil }
            return .variant(CandidFieldValue(label: toType.label, value: coerced))
        case (.service(let principal), .service, .principal): return .principal(principal)
        case (.service, .service, .service), (.function, .function, .function): return value
        default: return nil
        }
    }

    private func optional(_ value: CandidValue, from source: CandidType, element: CandidType) -> CandidValue {
        switch (value, source) {
        case (_, .null), (_, .reserved), (.opt(nil), .opt):
            return .opt(nil)
        case (.opt(.some(let inner)), .opt(let from)):
            return .opt(coerce(inner, from: from, to: element))
        default:
            switch environment.resolve(element) {
            case .null, .opt, .reserved, nil: return .opt(nil)
            default: return .opt(coerce(value, from: source, to: element))
            }
        }
    }

    private func record(_ fields: [CandidFieldValue], from: [CandidFieldType], to: [CandidFieldType]) -> CandidValue? {
        var result: [CandidFieldValue] = []
        for fieldType in to {
            if let field = fields.first(where: { $0.label == fieldType.label }),
               let sourceType = from.first(where: { $0.label == fieldType.label }) {
                guard let coerced = coerce(field.value, from: sourceType.type, to: fieldType.type) else { return nil }
                result.append(CandidFieldValue(label: fieldType.label, value: coerced))
                continue
            }
            switch environment.resolve(fieldType.type) {
            case .null: result.append(CandidFieldValue(label: fieldType.label, value: .null))
            case .opt: result.append(CandidFieldValue(label: fieldType.label, value: .opt(nil)))
            case .reserved: result.append(CandidFieldValue(label: fieldType.label, value: .reserved))
            default: return nil
            }
        }
        return .record(result)
    }
}
