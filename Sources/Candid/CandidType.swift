/// A Candid type (Candid specification, "Types"): the shape a value must have to be sent to
/// or received from a canister.
///
/// Named and recursive types are written as ``reference(_:)`` to a name bound in a
/// ``CandidTypeEnvironment``; a type read from a binary message's type table refers to its
/// table entries the same way.
public indirect enum CandidType: Hashable, Sendable {
    /// `null`: the one value `null`.
    case null
    /// `bool`.
    case bool
    /// `nat`: a natural number of any size.
    case nat
    /// `int`: an integer of any size.
    case int
    /// `nat8`.
    case nat8
    /// `nat16`.
    case nat16
    /// `nat32`.
    case nat32
    /// `nat64`.
    case nat64
    /// `int8`.
    case int8
    /// `int16`.
    case int16
    /// `int32`.
    case int32
    /// `int64`.
    case int64
    /// `float32`.
    case float32
    /// `float64`.
    case float64
    /// `text`: Unicode text.
    case text
    /// `reserved`: any value, ignored.
    case reserved
    /// `empty`: no value at all.
    case empty
    /// `principal`: a reference to a canister or a user.
    case principal
    /// `opt t`: a value of `t`, or `null`.
    case opt(CandidType)
    /// `vec t`: a sequence of values of `t` (`blob` is `vec nat8`).
    case vec(CandidType)
    /// `record { ... }`: fields ordered by ascending label ID, IDs unique.
    case record([CandidFieldType])
    /// `variant { ... }`: alternatives ordered by ascending label ID, IDs unique.
    case variant([CandidFieldType])
    /// `func (...) -> (...)`: a reference to a method of a service.
    case function(CandidFunctionType)
    /// `service { ... }`: a reference to a service with these methods.
    case service(CandidServiceType)
    /// A type bound to this name in the environment.
    case reference(String)

    /// `blob`, the spec's shorthand for `vec nat8`.
    public static let blob = CandidType.vec(.nat8)

    /// A record whose fields are the given types labelled 0, 1, 2, ... (a tuple).
    public static func tuple(_ elements: [CandidType]) -> CandidType {
        .record(elements.enumerated().map { CandidFieldType(label: .id(UInt32($0.offset)), type: $0.element) })
    }
}

/// A field of a record type or an alternative of a variant type.
public struct CandidFieldType: Hashable, Sendable {
    /// The label (its ID orders the fields).
    public var label: CandidLabel
    /// The field's type.
    public var type: CandidType

    /// Creates a field type.
    public init(label: CandidLabel, type: CandidType) {
        self.label = label
        self.type = type
    }
}

/// A function type: arguments, results and annotations (Candid specification, "Functions").
public struct CandidFunctionType: Hashable, Sendable {
    /// A function's annotation.
    public enum Mode: UInt8, Hashable, Sendable, Comparable {
        /// `query`: answered by one replica, without changing state.
        case query = 1
        /// `oneway`: no answer is awaited.
        case oneway = 2
        /// `composite_query`: a query that may call other queries.
        case compositeQuery = 3

        /// Orders modes by their binary code.
        public static func < (lhs: Mode, rhs: Mode) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The argument types, in order.
    public var arguments: [CandidType]
    /// The result types, in order.
    public var results: [CandidType]
    /// The annotations, sorted by code.
    public var modes: [Mode]

    /// Creates a function type.
    public init(arguments: [CandidType], results: [CandidType], modes: [Mode] = []) {
        self.arguments = arguments
        self.results = results
        self.modes = modes.sorted()
    }

    /// Whether the function is annotated `query` or `composite_query`.
    public var isQuery: Bool { modes.contains(.query) || modes.contains(.compositeQuery) }
}

/// A service type: methods by name (Candid specification, "Services").
public struct CandidServiceType: Hashable, Sendable {
    /// One method: its name and its type (a function type, or a reference to one).
    public struct Method: Hashable, Sendable {
        /// The method's name.
        public var name: String
        /// A ``CandidType/function(_:)`` or a ``CandidType/reference(_:)`` to one.
        public var type: CandidType

        /// Creates a method.
        public init(name: String, type: CandidType) {
            self.name = name
            self.type = type
        }
    }

    /// The methods, sorted by name (by their UTF-8 bytes, as the binary format orders them).
    public var methods: [Method]

    /// Creates a service type; methods are sorted by name.
    public init(methods: [Method]) {
        self.methods = methods.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
    }

    /// The method with this name, if any.
    public func method(named name: String) -> Method? {
        methods.first { $0.name == name }
    }
}

/// Named types, as a service description's `type` definitions bind them (and as a binary
/// message's type table does). Names are looked up, never iterated in hash order.
public struct CandidTypeEnvironment: Hashable, Sendable {
    /// The bindings.
    public private(set) var bindings: [String: CandidType]

    /// An environment with these bindings.
    public init(_ bindings: [String: CandidType] = [:]) {
        self.bindings = bindings
    }

    /// The type bound to `name`, if any.
    public subscript(name: String) -> CandidType? {
        bindings[name]
    }

    /// Binds `name` to `type`, replacing an earlier binding.
    public mutating func bind(_ name: String, to type: CandidType) {
        bindings[name] = type
    }

    /// The names bound, sorted (for printing and hashing).
    public var sortedNames: [String] { bindings.keys.sorted() }

    /// `type` with references followed until it is not a reference (`nil` for an unbound
    /// name or a cycle of references that never reaches a type).
    public func resolve(_ type: CandidType) -> CandidType? {
        var current = type
        var seen: Set<String> = []
        while case .reference(let name) = current {
            guard seen.insert(name).inserted, let bound = bindings[name] else { return nil }
            current = bound
        }
        return current
    }
}
