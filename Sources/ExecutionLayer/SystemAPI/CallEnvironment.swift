import SimCore

/// What a call may read of its canister and subnet beyond the message itself (the subnet's
/// ID, the root key, the environment variables, the data certificate of a query, what the
/// freezing threshold withholds, the call context's instructions so far): set by the executor
/// when it opens a session.
public struct CallEnvironment: Sendable {
    /// The canister's subnet, as a principal (``SubnetIdentity/principal(index:)``).
    public var subnet: Principal = SubnetIdentity.firstSubnet
    /// The IC's root public key (``SubnetIdentity/rootKey``).
    public var rootKey: [UInt8] = SubnetIdentity.rootKey
    /// The canister's environment variables, sorted by name.
    public var variables = EnvironmentVariables()
    /// What the certificate a non-replicated query on the queried canister may read certifies:
    /// the canister, its certified data, and the time of the state (`nil`: no certificate).
    public var certifiedState: (canister: CanisterID, data: [UInt8], timeNanos: UInt64)?

    /// The certificate (``DataCertificate``), built when read.
    public var dataCertificate: [UInt8]? {
        certifiedState.map { DataCertificate.encode(canister: $0.canister, certifiedData: $0.data, timeNanos: $0.timeNanos) }
    }
    /// What the canister's freezing limit is computed from (its memory in bytes, compute
    /// allocation and freezing threshold), kept so that the limit is computed only if the call
    /// reads it (``cyclesWithheld(at:)``); `nil`: nothing is withheld.
    public var freezingBasis: FreezingBasis?

    /// Cycles the balance must keep at `fees`: the freezing limit minus the reserved cycles, at
    /// least zero (ICSim has no reserved cycles, so the freezing limit).
    public func cyclesWithheld(at fees: CyclesFees) -> Cycles {
        guard let basis = freezingBasis else { return .zero }
        return fees.idle(bytes: basis.bytes, computeAllocationPercent: basis.computeAllocationPercent, seconds: basis.seconds)
    }
    /// Instructions earlier executions of the call context used (`performance_counter(1)`).
    public var callContextInstructions: UInt64 = 0
    /// The instruction limit a response callback gets (`cost_call` prepays its execution): 40 B
    /// unless the executor sets its configuration's update limit.
    public var callbackInstructionsMax: UInt64 = 40_000_000_000

    /// The defaults: subnet 0, no variables, no certificate, nothing withheld.
    public init() {}
}

/// What a canister's freezing limit is computed from: what its memory and compute allocation
/// cost for its freezing threshold's seconds (``CyclesFees/idle(bytes:computeAllocationPercent:seconds:)``).
public struct FreezingBasis: Hashable, Sendable {
    /// Bytes of heap and stable memory in use.
    public var bytes: UInt64
    /// Its compute allocation, in percent.
    public var computeAllocationPercent: Int
    /// Its freezing threshold, in seconds.
    public var seconds: UInt64

    /// `bytes` of memory and `computeAllocationPercent` for `seconds`.
    public init(bytes: UInt64, computeAllocationPercent: Int, seconds: UInt64) {
        self.bytes = bytes
        self.computeAllocationPercent = computeAllocationPercent
        self.seconds = seconds
    }
}

/// The identities of the simulated IC: subnet principals and the root key. Deterministic and
/// fixed (Docs/Model.md, "Subnet IDs and the root key"): neither is a real key or ID.
public enum SubnetIdentity {
    /// Subnet `index`'s principal: a self-authenticating principal (29 bytes: 28 bytes of
    /// hash, then 0x02), as the IC's subnet IDs are; its 28 bytes are the first of
    /// SHA-256("ICSim subnet" ‖ index as 8 bytes, little-endian).
    public static func principal(index: UInt64) -> Principal {
        var hasher = SHA256()
        hasher.update(Array("ICSim subnet".utf8))
        hasher.update(uint64LittleEndian: index)
        return Principal(bytes: Array(hasher.finalize().bytes.prefix(28)) + [0x02])
    }

    /// Subnet 0's principal (computed once: the default of every configuration).
    public static let firstSubnet = principal(index: 0)

    /// The DER prefix of a BLS12-381 G2 public key (interface spec, "Certification": the
    /// root key is a DER-wrapped 96-byte BLS key; this is the IC's 37-byte header).
    static let derPrefix: [UInt8] = [
        0x30, 0x81, 0x82, 0x30, 0x1D, 0x06, 0x0D, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0xDC, 0x7C, 0x05, 0x03, 0x01, 0x02, 0x01,
        0x06, 0x0C, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0xDC, 0x7C, 0x05, 0x03, 0x02, 0x01, 0x03, 0x61, 0x00,
    ]

    /// The simulated root key: the DER header of a BLS key and 96 bytes of SHA-256 hashes of
    /// "ICSim root key" (with a counter): shaped like the IC's (133 bytes), not a key.
    public static let rootKey: [UInt8] = derPrefix + (0..<3).flatMap { counter -> [UInt8] in
        var hasher = SHA256()
        hasher.update(Array("ICSim root key".utf8))
        hasher.update(uint64LittleEndian: UInt64(counter))
        return hasher.finalize().bytes
    }
}

/// A canister's environment variables (a canister setting): names and values, at most
/// ``countMax`` of them, each name and value of at most 128 bytes, kept sorted by name (the
/// order the System API enumerates them in: interface spec, `get_sorted_env_keys`, sorts the
/// names lexicographically, here by their UTF-8 bytes).
public struct EnvironmentVariables: Hashable, Sendable {
    /// The variables, sorted by name, names unique.
    public private(set) var entries: [(name: String, value: String)] = []

    /// At most 20 variables, names and values of at most 128 bytes (dfinity/ic
    /// rs/config/src/execution_environment.rs: `MAX_ENVIRONMENT_VARIABLES`,
    /// `MAX_ENVIRONMENT_VARIABLE_NAME_LENGTH`, `MAX_ENVIRONMENT_VARIABLE_VALUE_LENGTH`).
    public static let countMax = 20
    /// Bytes of a variable's name, at most.
    public static let nameBytesMax = 128
    /// Bytes of a variable's value, at most.
    public static let valueBytesMax = 128

    /// No variables.
    public init() {}

    /// `variables`, sorted by name; what is wrong with them if they break a limit or repeat a
    /// name (the IC's wording).
    public init(_ variables: [(name: String, value: String)]) throws(EnvironmentVariablesError) {
        guard variables.count <= Self.countMax else { throw .tooMany(count: variables.count, max: Self.countMax) }
        for (name, value) in variables {
            guard name.utf8.count <= Self.nameBytesMax else { throw .nameTooLong(name: name, max: Self.nameBytesMax) }
            guard value.utf8.count <= Self.valueBytesMax else { throw .valueTooLong(name: name, max: Self.valueBytesMax) }
        }
        let sorted = variables.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        for index in sorted.indices.dropFirst() where Array(sorted[index].name.utf8) == Array(sorted[index - 1].name.utf8) {
            throw .duplicateName(sorted[index].name)
        }
        entries = sorted
    }

    /// The value of the variable named `name` (compared as bytes), if any.
    public func value(of name: [UInt8]) -> String? {
        entries.first { Array($0.name.utf8) == name }?.value
    }

    /// Equal when the same names have the same values.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Hashes the names and values in order.
    public func hash(into hasher: inout Hasher) {
        for (name, value) in entries {
            hasher.combine(name)
            hasher.combine(value)
        }
    }
}

/// Why a set of environment variables is refused (dfinity/ic's `CanisterManagerError`
/// wording).
public enum EnvironmentVariablesError: Error, Hashable, Sendable, CustomStringConvertible {
    /// More variables than the limit.
    case tooMany(count: Int, max: Int)
    /// A name longer than the limit (bytes).
    case nameTooLong(name: String, max: Int)
    /// A value longer than the limit (bytes).
    case valueTooLong(name: String, max: Int)
    /// A name given twice.
    case duplicateName(String)

    /// The message.
    public var description: String {
        switch self {
        case .tooMany(let count, let max): "Too many environment variables: \(count) (max: \(max))"
        case .nameTooLong(let name, let max): "Environment variable name \"\(name)\" exceeds the maximum allowed length of \(max)."
        case .valueTooLong(let name, let max): "Environment variable \"\(name)\" value exceeds the maximum allowed length of \(max)."
        case .duplicateName(let name): "Duplicate environment variables are not allowed: \"\(name)\""
        }
    }
}
