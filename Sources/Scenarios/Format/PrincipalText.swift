import ExecutionLayer

/// Reads principals written in the textual format of interface spec 0.66.0, "Textual
/// representation of principals": `Grouped(Base32(CRC32(b) · b))`, dash-separated groups of
/// five characters, parsed case-insensitively. Strict: the groups, the alphabet, the padding
/// bits, the length (at most 29 bytes) and the checksum are all checked.
public enum PrincipalText {
    /// The principal `text` writes, or why it is not one.
    public static func parse(_ text: String) -> Result<Principal, PrincipalTextError> {
        guard !text.isEmpty else { return .failure(.empty) }
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        for (index, group) in groups.enumerated() where group.count != 5 && !(index == groups.count - 1 && (1...5).contains(group.count)) {
            return .failure(.grouping(group: index + 1))
        }
        var values: [UInt8] = []
        for (offset, character) in groups.joined().lowercased().utf8.enumerated() {
            guard let value = base32Value(character) else { return .failure(.character(position: offset)) }
            values.append(value)
        }
        guard let data = bytes(fromBase32: values) else { return .failure(.padding) }
        guard data.count >= 4 else { return .failure(.tooShort) }
        guard data.count <= 4 + 29 else { return .failure(.tooLong(bytes: data.count - 4)) }
        let principal = Principal(bytes: Array(data.dropFirst(4)))
        // The canonical text of these bytes carries their checksum: it matches the text read
        // exactly when the checksum does (the grouping and the letters' case were checked).
        guard principal.description == text.lowercased() else { return .failure(.checksum(canonical: principal.description)) }
        return .success(principal)
    }

    /// The 5-bit value of a lower-case base32 character (RFC 4648: `a`-`z`, `2`-`7`).
    static func base32Value(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): character - UInt8(ascii: "2") + 26
        default: nil
        }
    }

    /// The bytes of 5-bit values, or `nil` when the leftover bits are not a canonical padding
    /// (fewer than 8 and all zero).
    static func bytes(fromBase32 values: [UInt8]) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for value in values {
            buffer = (buffer << 5 | UInt32(value)) & 0xFFFF
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits - 8)))
                bits -= 8
            }
        }
        guard bits < 5, buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return bytes
    }
}

/// Why text is not a principal.
public enum PrincipalTextError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing was written.
    case empty
    /// Group `group` (counting from 1) does not have five characters (only the last may
    /// have fewer).
    case grouping(group: Int)
    /// The character at `position` (counting from 0, dashes left out) is not base32.
    case character(position: Int)
    /// The characters do not end on a whole byte (a canonical encoding never leaves one over).
    case padding
    /// Fewer than the four bytes of the checksum.
    case tooShort
    /// A principal of more than 29 bytes.
    case tooLong(bytes: Int)
    /// The checksum does not match the bytes (`canonical`: how those bytes are written).
    case checksum(canonical: String)

    public var description: String {
        let format = "expected a principal in the textual format (such as \"aaaaa-aa\" or \"rrkah-fqaaa-aaaaa-aaaaq-cai\")"
        switch self {
        case .empty: return "\(format), found an empty string"
        case .grouping(let group): return "\(format): group \(group) does not have 5 characters (groups of five joined by \"-\"; only the last may be shorter)"
        case .character(let position): return "\(format): character \(position + 1) (dashes left out) is not base32 (a-z, 2-7)"
        case .padding: return "\(format): the characters do not encode whole bytes"
        case .tooShort: return "\(format): too short to hold the 4-byte checksum"
        case .tooLong(let bytes): return "\(format): \(bytes) bytes, more than the 29 a principal has at most"
        case .checksum(let canonical): return "\(format): the checksum does not match (these bytes are written \"\(canonical)\")"
        }
    }
}
