/// Reads a binary Candid message front to back, with every failure a ``CandidError`` at the
/// byte offset where it happened. Never reads past the end and never allocates for a claimed
/// length before checking that the bytes are there.
struct CandidByteReader {
    /// The whole message.
    let bytes: [UInt8]
    /// The next byte to read.
    var offset: Int

    /// A reader at the start of `bytes`.
    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    /// How many bytes are left.
    var remaining: Int { bytes.count - offset }

    /// Whether every byte has been read.
    var isAtEnd: Bool { offset >= bytes.count }

    /// An error at the current offset.
    func error(_ message: String) -> CandidError {
        CandidError(message, at: .byteOffset(offset))
    }

    /// One byte.
    mutating func readByte(_ what: @autoclosure () -> String) throws(CandidError) -> UInt8 {
        guard offset < bytes.count else { throw error("expected \(what()), found the end of the message") }
        let byte = bytes[offset]
        offset += 1
        return byte
    }

    /// `count` bytes, checked against what is left before anything is copied.
    mutating func readBytes(_ count: Int, _ what: @autoclosure () -> String) throws(CandidError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw error("expected \(count) bytes of \(what()), only \(remaining) left")
        }
        let slice = bytes[offset..<(offset + count)]
        offset += count
        return slice
    }

    /// Skips `count` bytes, checked against what is left.
    mutating func skipBytes(_ count: Int, _ what: @autoclosure () -> String) throws(CandidError) {
        guard count >= 0, count <= remaining else {
            throw error("expected \(count) bytes of \(what()), only \(remaining) left")
        }
        offset += count
    }

    /// A little-endian unsigned integer of `width` bytes (at most 8).
    mutating func readLittleEndian(width: Int, _ what: @autoclosure () -> String) throws(CandidError) -> UInt64 {
        precondition(width >= 1 && width <= 8, "fixed-width values have 1 to 8 bytes")
        let slice = try readBytes(width, what())
        var value: UInt64 = 0
        for (shift, byte) in slice.enumerated() { value |= UInt64(byte) << (8 * shift) }
        return value
    }

    /// An unsigned LEB128 number that must fit 64 bits (lengths, counts, indices).
    mutating func readLEB64(_ what: @autoclosure () -> String) throws(CandidError) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte("\(what()) (LEB128)")
            let group = UInt64(byte & 0x7f)
            if shift >= 64 || (shift == 63 && group > 1) {
                if group != 0 { throw CandidError("\(what()) does not fit 64 bits", at: .byteOffset(start)) }
            } else {
                value |= group << shift
            }
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// A length or count in LEB128, which cannot exceed what `Int` holds.
    mutating func readLength(_ what: @autoclosure () -> String) throws(CandidError) -> Int {
        let start = offset
        let value = try readLEB64(what())
        guard value <= UInt64(Int.max) else { throw CandidError("\(what()) is too large", at: .byteOffset(start)) }
        return Int(value)
    }

    /// A signed LEB128 number that must fit 64 bits (type codes and indices).
    mutating func readSLEB64(_ what: @autoclosure () -> String) throws(CandidError) -> Int64 {
        let start = offset
        var value: Int64 = 0
        var shift: Int64 = 0
        while true {
            let byte = try readByte("\(what()) (SLEB128)")
            if shift < 64 { value |= Int64(byte & 0x7f) << shift }
            shift += 7
            if byte & 0x80 == 0 {
                if shift < 64, byte & 0x40 != 0 { value |= -1 << shift }
                guard shift <= 70 else { throw CandidError("\(what()) does not fit 64 bits", at: .byteOffset(start)) }
                return value
            }
        }
    }

    /// A LEB128 number of at most 9 bytes (63 bits), read without allocating; `nil` (and
    /// nothing read) if it is longer.
    mutating func readSmallLEB(_ what: @autoclosure () -> String) throws(CandidError) -> UInt64? {
        let start = offset
        var value: UInt64 = 0
        for index in 0..<9 {
            let byte = try readByte("\(what()) (LEB128)")
            value |= UInt64(byte & 0x7f) << (7 * index)
            if byte & 0x80 == 0 { return value }
        }
        offset = start
        return nil
    }

    /// An SLEB128 number of at most 9 bytes (63 bits), read without allocating; `nil` (and
    /// nothing read) if it is longer.
    mutating func readSmallSLEB(_ what: @autoclosure () -> String) throws(CandidError) -> Int64? {
        let start = offset
        var value: Int64 = 0
        for index in 0..<9 {
            let byte = try readByte("\(what()) (SLEB128)")
            value |= Int64(byte & 0x7f) << (7 * index)
            if byte & 0x80 == 0 {
                if byte & 0x40 != 0 { value |= -1 << (7 * (index + 1)) }
                return value
            }
        }
        offset = start
        return nil
    }

    /// The 7-bit groups of a LEB128 number of any length, least significant first.
    mutating func readGroups(_ what: @autoclosure () -> String) throws(CandidError) -> [UInt8] {
        var groups: [UInt8] = []
        while true {
            let byte = try readByte("\(what()) (LEB128)")
            groups.append(byte & 0x7f)
            if byte & 0x80 == 0 { return groups }
        }
    }
}
