/// The subtype relation `t1 <: t2` between a type in one scope and a type in another (a
/// message's type table and the expected types' environment), as the formal Candid
/// specification's "Upgrading and subtyping" rules define it and as dfinity/candid's
/// rust/candid/src/types/subtype.rs and the conformance suite's subtypes.test.did apply it:
/// every type is a subtype of any `opt` type and of `reserved`; `empty` is a subtype of
/// every type; `nat <: int`; `service <: principal`; records may drop fields and gain
/// fields of `opt`, `null` or `reserved` type; variants may lose alternatives; services may
/// gain methods; functions are contravariant in arguments, covariant in results, with equal
/// annotations. Recursive types are related coinductively (a pair assumed while it is
/// checked).
struct CandidSubtyping {
    /// Which scope a type lives in.
    enum Side: Hashable {
        case wire, expected
    }

    private struct Pair: Hashable {
        var left: CandidType
        var leftSide: Side
        var right: CandidType
        var rightSide: Side
    }

    /// The message's types.
    let wire: CandidTypeScope
    /// The expected types.
    let expected: CandidTypeScope
    /// The deepest recursion followed; deeper is "not a subtype".
    let depthMax: Int
    private var assumed: Set<Pair> = []
    /// Checks made so far (each step of the relation is one; the decoder charges them).
    private(set) var steps = 0
    /// The most steps one ``isSubtype(_:_:_:_:)`` may take; beyond, the check gives up with
    /// ``budgetExhausted`` set, so a hostile type table cannot make it run for long.
    var stepsMax = Int.max
    /// Whether the last check gave up for lack of steps.
    private(set) var budgetExhausted = false

    /// A relation between two scopes.
    init(wire: CandidTypeScope, expected: CandidTypeScope, depthMax: Int) {
        self.wire = wire
        self.expected = expected
        self.depthMax = depthMax
    }

    /// Whether `left` (in `leftSide`) is a subtype of `right` (in `rightSide`).
    mutating func isSubtype(_ left: CandidType, _ leftSide: Side, _ right: CandidType, _ rightSide: Side) -> Bool {
        budgetExhausted = false
        steps = 0
        return check(left, leftSide, right, rightSide, depth: 0)
    }

    private func scope(_ side: Side) -> CandidTypeScope { side == .wire ? wire : expected }

    private mutating func check(_ left: CandidType, _ leftSide: Side, _ right: CandidType, _ rightSide: Side,
                                depth: Int) -> Bool {
        guard depth < depthMax else { return false }
        steps += 1
        guard steps <= stepsMax else {
            budgetExhausted = true
            return false
        }
        let isReference: (CandidType) -> Bool = { if case .reference = $0 { true } else { false } }
        if isReference(left) || isReference(right) {
            let pair = Pair(left: left, leftSide: leftSide, right: right, rightSide: rightSide)
            guard assumed.insert(pair).inserted else { return true }
            let holds = checkResolved(left, leftSide, right, rightSide, depth: depth)
            if !holds { assumed.remove(pair) }
            return holds
        }
        return checkResolved(left, leftSide, right, rightSide, depth: depth)
    }

    private mutating func checkResolved(_ left: CandidType, _ leftSide: Side, _ right: CandidType, _ rightSide: Side,
                                        depth: Int) -> Bool {
        guard let leftResolved = try? scope(leftSide).resolve(left),
              let rightResolved = try? scope(rightSide).resolve(right) else { return false }
        guard case .known(let rightType) = rightResolved else {
            if case .future = leftResolved { return true }
            return false
        }
        switch rightType {
        case .reserved, .opt: return true
        default: break
        }
        guard case .known(let leftType) = leftResolved else { return false }
        return related(leftType, leftSide, rightType, rightSide, depth: depth + 1)
    }

    private mutating func related(_ left: CandidType, _ leftSide: Side, _ right: CandidType, _ rightSide: Side,
                                  depth: Int) -> Bool {
        switch (left, right) {
        case (.empty, _), (.nat, .int), (.service, .principal): return true
        case (.vec(let leftElement), .vec(let rightElement)):
            return check(leftElement, leftSide, rightElement, rightSide, depth: depth)
        case (.record(let leftFields), .record(let rightFields)):
            return records(leftFields, leftSide, rightFields, rightSide, depth: depth)
        case (.variant(let leftFields), .variant(let rightFields)):
            return leftFields.allSatisfy { field in
                guard let match = rightFields.first(where: { $0.label.id == field.label.id }) else { return false }
                return check(field.type, leftSide, match.type, rightSide, depth: depth)
            }
        case (.service(let leftService), .service(let rightService)):
            return rightService.methods.allSatisfy { method in
                guard let match = leftService.method(named: method.name) else { return false }
                return check(match.type, leftSide, method.type, rightSide, depth: depth)
            }
        case (.function(let leftFunction), .function(let rightFunction)):
            guard Set(leftFunction.modes) == Set(rightFunction.modes) else { return false }
            return check(.tuple(rightFunction.arguments), rightSide, .tuple(leftFunction.arguments), leftSide, depth: depth)
                && check(.tuple(leftFunction.results), leftSide, .tuple(rightFunction.results), rightSide, depth: depth)
        default:
            return left == right && CandidOpcode.code(ofPrimitive: left) != nil
        }
    }

    /// Every field of `right` is in `left` at a subtype, or is of a type that may be absent.
    private mutating func records(_ left: [CandidFieldType], _ leftSide: Side, _ right: [CandidFieldType],
                                  _ rightSide: Side, depth: Int) -> Bool {
        for field in right {
            if let match = left.first(where: { $0.label.id == field.label.id }) {
                guard check(match.type, leftSide, field.type, rightSide, depth: depth) else { return false }
            } else {
                guard let resolved = try? scope(rightSide).resolve(field.type),
                      case .known(let type) = resolved, type.mayBeAbsent else { return false }
            }
        }
        return true
    }
}

extension CandidType {
    /// Whether a record field of this (resolved) type may be missing and read as its
    /// default: `opt` (as null), `null` or `reserved`.
    var mayBeAbsent: Bool {
        switch self {
        case .opt, .null, .reserved: true
        default: false
        }
    }
}
