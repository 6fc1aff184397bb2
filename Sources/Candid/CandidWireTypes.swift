/// A type as the decoder sees it after following references: a Candid type that is not a
/// reference, or a *future type* (an opcode below -24 in a type table, which this decoder
/// does not know; the formal Candid specification, "Deserialisation of future types").
enum CandidResolvedType {
    /// A known type (never a ``CandidType/reference(_:)``).
    case known(CandidType)
    /// A future type: its values are skipped by their length prefix.
    case future
}

/// The types a binary message's type table defines, or the expected types' environment,
/// with references looked up in one place.
struct CandidTypeScope: Sendable {
    /// The named types (a message's table entries are named ``tableName(_:)``).
    var environment: CandidTypeEnvironment
    /// Names bound to future types (not bound in ``environment``).
    var futureNames: Set<String>

    /// A scope over an environment with no future types.
    init(_ environment: CandidTypeEnvironment, futureNames: Set<String> = []) {
        self.environment = environment
        self.futureNames = futureNames
    }

    /// The name of type table entry `index`.
    static func tableName(_ index: Int) -> String { "table\(index)" }

    /// `type` with references followed (at most as many steps as there are names, so
    /// alias cycles end); unbound names and cycles are errors.
    func resolve(_ type: CandidType) throws(CandidError) -> CandidResolvedType {
        var current = type
        var steps = 0
        while case .reference(let name) = current {
            if futureNames.contains(name) { return .future }
            guard let bound = environment[name] else { throw CandidError("the type name \(name) is not defined") }
            steps += 1
            guard steps <= environment.bindings.count else {
                throw CandidError("the type name \(name) is defined only through other names (a cycle)")
            }
            current = bound
        }
        return .known(current)
    }

    /// `type` resolved, which must be a known type (for the expected side, which has no
    /// future types).
    func resolveKnown(_ type: CandidType) throws(CandidError) -> CandidType {
        switch try resolve(type) {
        case .known(let known): return known
        case .future: throw CandidError("a future type cannot be expected")
        }
    }
}
