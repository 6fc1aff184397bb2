/// A record field's or variant alternative's label: a name, or a number (Candid
/// specification, "Records": "textual labels are treated as their field hash").
public enum CandidLabel: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A textual label; its ID is its field hash.
    case named(String)
    /// A numeric label.
    case id(UInt32)

    /// The label's 32-bit ID: the number, or the name's field hash.
    public var id: UInt32 {
        switch self {
        case .named(let name): CandidLabel.fieldHash(name)
        case .id(let id): id
        }
    }

    /// The field hash of a name: the sum of its UTF-8 bytes times powers of 223, modulo 2^32
    /// (the formal Candid specification's `hash(id)`), computed as Horner's rule.
    public static func fieldHash(_ name: String) -> UInt32 {
        var hash: UInt32 = 0
        for byte in name.utf8 { hash = hash &* 223 &+ UInt32(byte) }
        return hash
    }

    /// Labels order by ID.
    public static func < (lhs: CandidLabel, rhs: CandidLabel) -> Bool { lhs.id < rhs.id }

    /// Two labels with one ID are the same field to Candid (`.named("a") == .id(97)`).
    public static func == (lhs: CandidLabel, rhs: CandidLabel) -> Bool { lhs.id == rhs.id }

    /// Hashes the ID, consistently with equality.
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// The name, or the number.
    public var description: String {
        switch self {
        case .named(let name): name
        case .id(let id): String(id)
        }
    }
}
