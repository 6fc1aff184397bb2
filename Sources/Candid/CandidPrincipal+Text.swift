/// The textual form of principals (interface spec 0.66.0, "Textual representation of
/// principals"): `Grouped(Base32(CRC32(b) · b))`, the CRC-32 big-endian, Base32 per RFC 4648
/// without padding, lowercase, a `-` after every 5 characters.
extension CandidPrincipal {
    /// The Base32 alphabet of RFC 4648, lowercase.
    private static let base32Alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// The principal in its textual form (`"aaaaa-aa"` for the management canister).
    public var text: String { Self.text(ofBytes: bytes) }

    /// The textual form of any bytes, of any length (a ``CandidPrincipal`` has at most 29; an
    /// invalid principal read from a canister's argument may be longer and is still shown).
    public static func text(ofBytes bytes: [UInt8]) -> String {
        let checksum = crc32(bytes)
        let checked = [UInt8(checksum >> 24), UInt8(checksum >> 16 & 0xFF), UInt8(checksum >> 8 & 0xFF), UInt8(checksum & 0xFF)] + bytes
        let encoded = base32(checked)
        var grouped: [UInt8] = []
        for (index, character) in encoded.enumerated() {
            if index > 0, index % 5 == 0 { grouped.append(UInt8(ascii: "-")) }
            grouped.append(character)
        }
        return String(decoding: grouped, as: UTF8.self)
    }

    /// The principal written as `text`, checked strictly: groups of five characters separated
    /// by single dashes (the last group may be shorter), Base32 letters and digits (read
    /// case-insensitively, as the interface spec says), at most 29 bytes, and a matching checksum.
    ///
    /// - Throws: ``CandidError`` saying what is wrong (no location: callers add it).
    public init(text: String) throws(CandidError) {
        let characters = Array(text.utf8)
        try Self.checkGrouping(characters, text: text)
        let letters = characters.filter { $0 != UInt8(ascii: "-") }
        let decoded = try Self.unbase32(letters, text: text)
        guard decoded.count >= 4 else { throw CandidError("principal \"\(text)\" is too short to hold its 4-byte checksum") }
        let body = Array(decoded.dropFirst(4))
        guard body.count <= Self.bytesMax else {
            throw CandidError("principal \"\(text)\" has \(body.count) bytes; a principal has at most \(Self.bytesMax)")
        }
        let written = decoded.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard written == Self.crc32(body) else {
            throw CandidError("principal \"\(text)\" has a wrong checksum (did you mistype it?)")
        }
        self.init(bytes: body)
        guard self.text == text.lowercased() else {
            throw CandidError("principal \"\(text)\" is not in canonical form; expected \"\(self.text)\"")
        }
    }

    /// Groups of exactly five characters between dashes; only the last may be shorter.
    private static func checkGrouping(_ characters: [UInt8], text: String) throws(CandidError) {
        guard !characters.isEmpty, characters.count <= 63 else {
            throw CandidError("principal \"\(text)\" must have 1 to 63 characters")
        }
        let groups = characters.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        for (index, group) in groups.enumerated() {
            let isLast = index == groups.count - 1
            guard group.count == 5 || (isLast && !group.isEmpty && group.count < 5) else {
                throw CandidError("principal \"\(text)\" is not grouped in fives: group \(index + 1) has \(group.count) characters")
            }
        }
    }

    /// RFC 4648 Base32 without padding.
    private static func base32(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(base32Alphabet[Int(buffer >> UInt32(bits) & 31)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { output.append(base32Alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
        return output
    }

    /// Base32 back to bytes; leftover bits must be zero (a canonical encoding).
    private static func unbase32(_ letters: [UInt8], text: String) throws(CandidError) -> [UInt8] {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for letter in letters {
            let value: UInt32
            switch letter {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(letter - UInt8(ascii: "a"))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(letter - UInt8(ascii: "A"))
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = UInt32(letter - UInt8(ascii: "2")) + 26
            default: throw CandidError("principal \"\(text)\" has \(CandidTextLexer.shown(letter)); expected letters, digits 2-7 and dashes")
            }
            buffer = buffer << 5 | value
            bits += 5
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(buffer >> UInt32(bits) & 0xFF))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        return output
    }

    /// CRC-32 as ISO 3309 / ITU-T V.42 / PNG define it (reflected polynomial 0xEDB88320).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? crc >> 1 ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
