/// A service description (a `.did` file, or a canister's `candid:service` custom section):
/// type definitions and an optional service (formal Candid specification, "Core Grammar":
/// `<prog> ::= <def>;* <actor>;?`).
///
/// ```
/// type account = record { owner : principal; balance : nat };
/// service : (initial : nat) -> {
///   balance : (principal) -> (nat) query;
///   transfer : (to : principal, amount : nat) -> (variant { ok; err : text });
/// }
/// ```
public struct CandidServiceDescription: Hashable, Sendable {
    /// One method of the service, its function type resolved.
    public struct Method: Hashable, Sendable {
        /// The method's name.
        public var name: String
        /// Its function type (a reference to a named function type is followed).
        public var function: CandidFunctionType

        /// Creates a method.
        public init(name: String, function: CandidFunctionType) {
            self.name = name
            self.function = function
        }
    }

    /// The `type` definitions.
    public var environment: CandidTypeEnvironment
    /// The service's init arguments (`service : (nat) -> {...}`); empty if none are written.
    public var initArguments: [CandidType]
    /// The service's type, or `nil` if the description declares no service.
    public var service: CandidServiceType?
    /// The service's methods, sorted by name (as ``CandidServiceType`` sorts them).
    public var methods: [Method]

    /// Creates a description.
    public init(environment: CandidTypeEnvironment, initArguments: [CandidType], service: CandidServiceType?, methods: [Method]) {
        self.environment = environment
        self.initArguments = initArguments
        self.service = service
        self.methods = methods
    }

    /// The method with this name, if any.
    public func method(named name: String) -> Method? {
        methods.first { $0.name == name }
    }

    /// The description written in `text`, checked: names unique and bound, definitions not
    /// vacuous, record and variant labels unique by ID, methods of function type. `import`
    /// is rejected: ICSim reads one self-contained description.
    ///
    /// - Throws: ``CandidError`` with the line and column and what was expected.
    public static func parse(_ text: String) throws(CandidError) -> CandidServiceDescription {
        var parser = try CandidTextParser(text)
        let definitions = try parser.definitions()
        let actor = try parser.actor(in: definitions.environment)
        _ = parser.accept(";")
        try parser.expectEnd()
        try parser.checkReferences(in: definitions.environment)
        let checks = CandidTypeChecks(environment: definitions.environment)
        try checks.checkDefinitions(positions: definitions.positions)
        guard let actor else {
            return CandidServiceDescription(environment: definitions.environment, initArguments: [], service: nil, methods: [])
        }
        for argument in actor.initArguments { try checks.check(argument, at: actor.position) }
        try checks.check(.service(actor.service), at: actor.position)
        let methods = actor.service.methods.compactMap { method in
            checks.functionType(of: method).map { Method(name: method.name, function: $0) }
        }
        return CandidServiceDescription(environment: definitions.environment, initArguments: actor.initArguments, service: actor.service, methods: methods)
    }
}

/// Definitions and the service declaration, shared by service descriptions and the
/// conformance suite's test files.
extension CandidTextParser {
    /// `type` definitions, in order, until something else starts.
    struct Definitions {
        /// The bindings.
        var environment = CandidTypeEnvironment()
        /// Where each name is defined.
        var positions: [String: CandidTextPosition] = [:]
    }

    /// `<def>;*`: `type <id> = <datatype>`; `import` is rejected.
    mutating func definitions() throws(CandidError) -> Definitions {
        var definitions = Definitions()
        while true {
            if current.isKeyword("import") {
                throw CandidError("`import` is not supported: ICSim reads one self-contained service description (inline the imported definitions)", at: current.position.location)
            }
            guard acceptKeyword("type") else { return definitions }
            let position = current.position
            guard case .identifier(let name) = current.kind, !Self.keywords.contains(name) else {
                throw error(expected: "a type name (an identifier that is not a keyword)")
            }
            advance()
            guard definitions.environment[name] == nil else { throw CandidError("type `\(name)` is defined twice", at: position.location) }
            try expect("=")
            definitions.environment.bind(name, to: try dataType())
            definitions.positions[name] = position
            try expect(";")
        }
    }

    /// The service declaration: its init arguments, its type, and where it starts.
    struct Actor {
        var initArguments: [CandidType]
        var service: CandidServiceType
        var position: CandidTextPosition
    }

    /// `service <id>? : (<tuptype> ->)? (<actortype> | <id>)`, or `nil` if no service follows.
    mutating func actor(in environment: CandidTypeEnvironment) throws(CandidError) -> Actor? {
        let position = current.position
        guard acceptKeyword("service") else { return nil }
        if case .identifier(let name) = current.kind, !Self.keywords.contains(name) { advance() }
        try expect(":")
        var initArguments: [CandidType] = []
        if current.isSymbol("(") {
            initArguments = try tupleType()
            try expect("->")
        }
        if case .identifier(let name) = current.kind, !Self.keywords.contains(name) {
            advance()
            guard case .service(let service) = environment.resolve(.reference(name)) else {
                throw CandidError("the service's type `\(name)` is not defined as a service type", at: position.location)
            }
            return Actor(initArguments: initArguments, service: service, position: position)
        }
        return Actor(initArguments: initArguments, service: try actorType(), position: position)
    }
}
