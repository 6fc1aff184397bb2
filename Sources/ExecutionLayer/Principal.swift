import Candid
import SimCore

/// A principal: who a canister, a user or the management canister is, as the bytes the System
/// API hands out (interface spec, "Principals"). Compared and ordered by its bytes.
public struct Principal: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The principal's bytes (at most 29).
    public let bytes: [UInt8]

    /// The principal with these bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The anonymous principal (the single byte 0x04).
    public static let anonymous = Principal(bytes: [0x04])

    /// The management canister (`aaaaa-aa`, no bytes).
    public static let managementCanister = Principal(bytes: [])

    /// A user of the simulation: a self-authenticating id (class 0x02), 28 bytes of SHA-256 of
    /// a label and `index`, then 0x02, the form real users' keys give.
    public static func user(_ index: UInt64) -> Principal {
        index < UInt64(firstUsers.count) ? firstUsers[Int(index)] : derivedUser(index)
    }

    /// Users 0 to 1,023, derived once (a SHA-256 each, about 5,000 instructions: workloads
    /// and benchmarks name their senders by small indices, one principal per message).
    private static let firstUsers: [Principal] = (0..<1_024).map { derivedUser(UInt64($0)) }

    /// ``user(_:)``, computed.
    static func derivedUser(_ index: UInt64) -> Principal {
        var hasher = SHA256()
        hasher.update(string: "ICSim.user.v1")
        hasher.update(uint64LittleEndian: index)
        return Principal(bytes: Array(hasher.finalize().bytes.prefix(28)) + [0x02])
    }

    public static func < (lhs: Principal, rhs: Principal) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// Hashes the bytes as one run (the synthesized hash fed them to the hasher one by one,
    /// most of the cost of a query-cache lookup). Equality stays the synthesized one.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.count)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// The textual form of the spec (`aaaaa-aa` for the management canister):
    /// ``CandidPrincipal/text(ofBytes:)``.
    public var description: String { CandidPrincipal.text(ofBytes: bytes) }
}

/// A canister's identity on its subnet: an index, and the principal the IC gives such a
/// canister (the index as 8 big-endian bytes, then 0x01 0x01: an opaque id).
public struct CanisterID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The canister's index (unique in a simulation).
    public let index: UInt64

    /// Canister `index`.
    public init(_ index: UInt64) {
        self.index = index
    }

    /// The management canister (`aaaaa-aa`), addressed like a canister (Docs/Execution.md,
    /// "The management canister").
    public static let management = CanisterID(UInt64.max)

    /// Its principal (the management canister's has no bytes).
    public var principal: Principal {
        guard index != .max else { return .managementCanister }
        return Principal(bytes: (0..<8).map { UInt8(truncatingIfNeeded: index >> (56 - 8 * UInt64($0))) } + [0x01, 0x01])
    }

    /// The canister whose principal is `principal`, if it is one of this form (or the
    /// management canister's).
    public init?(principal: Principal) {
        let bytes = principal.bytes
        if bytes.isEmpty {
            index = .max
            return
        }
        guard bytes.count == 10, bytes[8] == 0x01, bytes[9] == 0x01 else { return nil }
        index = bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    public static func < (lhs: CanisterID, rhs: CanisterID) -> Bool { lhs.index < rhs.index }

    /// The principal's textual form.
    public var description: String { principal.description }
}
