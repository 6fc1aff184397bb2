/// Prints types in Candid syntax, using the shorthands (`blob`, tuple records, `variant { a }`
/// for a `null` alternative).
enum CandidTypePrinter {
    private static let primitiveNames: [CandidType: String] = {
        var names: [CandidType: String] = [:]
        for (name, type) in CandidTextParser.primitiveTypes { names[type] = name }
        return names
    }()

    /// `type` in Candid syntax.
    static func type(_ type: CandidType) -> String {
        if let name = primitiveNames[type] { return name }
        switch type {
        case .opt(let inner): return "opt " + self.type(inner)
        case .vec(let element): return "vec " + self.type(element)
        case .record(let fields): return record(fields)
        case .variant(let fields):
            let parts = fields.map { field in
                field.type == .null ? CandidText.print(field.label) : CandidText.print(field.label) + " : " + self.type(field.type)
            }
            return braced("variant", parts)
        case .function(let function): return "func " + self.function(function)
        case .service(let service): return "service " + actor(service)
        case .reference(let name): return name
        default: return "empty"
        }
    }

    private static func record(_ fields: [CandidFieldType]) -> String {
        let isTuple = fields.enumerated().allSatisfy { !$0.element.label.isNamed && $0.element.label.id == UInt32($0.offset) }
        let parts = fields.map { field in
            isTuple ? type(field.type) : CandidText.print(field.label) + " : " + type(field.type)
        }
        return braced("record", parts)
    }

    private static func braced(_ keyword: String, _ parts: [String]) -> String {
        parts.isEmpty ? keyword + " {}" : keyword + " { " + parts.joined(separator: "; ") + " }"
    }

    /// `(args) -> (results) modes`.
    static func function(_ function: CandidFunctionType) -> String {
        let modes = function.modes.map { mode in
            switch mode {
            case .query: " query"
            case .oneway: " oneway"
            case .compositeQuery: " composite_query"
            }
        }
        return tuple(function.arguments) + " -> " + tuple(function.results) + modes.joined()
    }

    /// `(t1, t2)`.
    static func tuple(_ types: [CandidType]) -> String {
        "(" + types.map(type).joined(separator: ", ") + ")"
    }

    /// `{ name : (args) -> (results); ... }`.
    static func actor(_ service: CandidServiceType) -> String {
        let parts = service.methods.map { method in
            let signature: String = switch method.type {
            case .function(let function): self.function(function)
            default: type(method.type)
            }
            return CandidText.name(method.name) + " : " + signature
        }
        return parts.isEmpty ? "{}" : "{ " + parts.joined(separator: "; ") + " }"
    }
}
