/// Well-formedness of types written in text (formal Candid specification, "Type
/// Definitions"): every name is bound, every name reaches a type that is not just a name
/// (`type a = a` and `type a = b; type b = a` are vacuous), a method given by name names a
/// function type, and a service given by name names a service type.
struct CandidTypeChecks {
    /// The named types.
    let environment: CandidTypeEnvironment

    /// Every definition in the environment checked, in name order.
    func checkDefinitions(positions: [String: CandidTextPosition]) throws(CandidError) {
        for name in environment.sortedNames {
            let position = positions[name] ?? CandidTextPosition(line: 1, column: 1)
            guard environment.resolve(.reference(name)) != nil else {
                throw CandidError("type `\(name)` is vacuous: it only refers to names that refer back (a cycle must go through a type constructor)", at: position.location)
            }
            if let type = environment[name] { try check(type, at: position) }
        }
    }

    /// `type` checked: its names are bound and productive.
    func check(_ type: CandidType, at position: CandidTextPosition) throws(CandidError) {
        switch type {
        case .reference(let name):
            guard environment[name] != nil else { throw CandidError("unbound type name `\(name)`", at: position.location) }
            guard environment.resolve(type) != nil else { throw CandidError("type `\(name)` is vacuous", at: position.location) }
        case .opt(let inner), .vec(let inner):
            try check(inner, at: position)
        case .record(let fields), .variant(let fields):
            for field in fields { try check(field.type, at: position) }
        case .function(let function):
            for argument in function.arguments + function.results { try check(argument, at: position) }
        case .service(let service):
            try check(service, at: position)
        default:
            break
        }
    }

    /// A service type's methods checked: each a function type or a name bound to one.
    func check(_ service: CandidServiceType, at position: CandidTextPosition) throws(CandidError) {
        for method in service.methods {
            try check(method.type, at: position)
            guard case .function = environment.resolve(method.type) else {
                throw CandidError("method `\(method.name)` has type \(CandidText.print(method.type)), which is not a function type", at: position.location)
            }
        }
    }

    /// A method's function type, references followed.
    func functionType(of method: CandidServiceType.Method) -> CandidFunctionType? {
        guard case .function(let function) = environment.resolve(method.type) else { return nil }
        return function
    }
}
