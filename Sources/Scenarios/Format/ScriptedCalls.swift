import ExecutionLayer

/// The bytes of a call's argument (or of a canister's `canister_init`): bytes as written, or
/// Candid text that ``CandidBridge`` encodes against the method's types before the run.
public enum CallArgument: Hashable, Sendable, ExpressibleByArrayLiteral {
    /// These bytes.
    case bytes([UInt8])
    /// A Candid text value (`"(42 : nat)"`), kept as written so the scenario writes back the
    /// same text.
    case candid(String)

    /// The bytes of the literal.
    public init(arrayLiteral elements: UInt8...) {
        self = .bytes(elements)
    }

    /// The bytes, when written as bytes (`nil` for Candid text, which needs encoding).
    public var bytes: [UInt8]? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }
}

/// One call of a scripted client (a client with `calls`): made once the previous step was
/// answered (replied, rejected or expired).
public struct CallStep: Hashable, Sendable {
    /// The method called.
    public var method: String
    /// The target canister's name (`nil`: the client's `canister`).
    public var canister: String?
    /// An update call (the default) or a query.
    public var call: CallKind = .update
    /// The argument.
    public var argument: CallArgument = .bytes([])
    /// Who calls (`nil`: the client's caller).
    public var caller: Principal?
    /// What the answer must be (`nil`: anything).
    public var expect: StepExpectation?

    /// A call of `method` on `canister` (`nil`: the client's).
    public init(method: String, canister: String? = nil, call: CallKind = .update, argument: CallArgument = .bytes([])) {
        self.method = method
        self.canister = canister
        self.call = call
        self.argument = argument
    }
}

/// What a scripted step's answer must be; a step whose answer differs fails the run.
public enum StepExpectation: Hashable, Sendable {
    /// A reply equal, as a value of the method's return types, to this Candid text.
    case candid(String)
    /// A reply of exactly these bytes (for canisters that do not speak Candid).
    case replyBytes([UInt8])
    /// A reject with this reject code (1-6, interface spec "Reject codes") and, when set, a
    /// message containing this text.
    case reject(code: Int32, messageContains: String?)
}

/// The reject codes' names (interface spec 0.66.0, "Reject codes"), for expectations and
/// reports: 1 `SYS_FATAL` to 6 `SYS_UNKNOWN`.
public enum RejectCodeNames {
    /// The names, code 1 first.
    public static let names = ["SYS_FATAL", "SYS_TRANSIENT", "DESTINATION_INVALID", "CANISTER_REJECT", "CANISTER_ERROR", "SYS_UNKNOWN"]

    /// The name of reject code `code`, or its number when it has none.
    public static func name(_ code: Int32) -> String {
        (1...Int32(names.count)).contains(code) ? names[Int(code) - 1] : String(code)
    }

    /// The code named `name`, if it is one of ``names``.
    public static func code(named name: String) -> Int32? {
        names.firstIndex(of: name).map { Int32($0 + 1) }
    }
}
