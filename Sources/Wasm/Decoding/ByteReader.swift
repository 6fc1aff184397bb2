/// A cursor over a module's bytes that reads the binary format's primitives, each failure a
/// ``WasmDecodingError`` at the offset where it happened.
struct ByteReader {
    let bytes: [UInt8]
    /// The next byte to read.
    private(set) var offset: Int
    /// One past the last byte this reader may read (the end of the current section or body).
    private(set) var limit: Int

    init(bytes: [UInt8], offset: Int = 0, limit: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.limit = limit ?? bytes.count
    }

    var isAtEnd: Bool { offset >= limit }
    var remaining: Int { limit - offset }

    func error(_ reason: WasmDecodingError.Reason, at position: Int? = nil) -> WasmDecodingError {
        WasmDecodingError(reason, at: position ?? offset)
    }

    mutating func byte() throws(WasmDecodingError) -> UInt8 {
        guard offset < limit else { throw error(.unexpectedEnd) }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// `count` raw bytes as a range of `bytes`.
    mutating func range(_ count: Int) throws(WasmDecodingError) -> Range<Int> {
        guard count >= 0, count <= remaining else { throw error(.unexpectedEnd) }
        defer { offset += count }
        return offset..<(offset + count)
    }

    mutating func skip(to position: Int) {
        offset = position
    }

    /// Narrows the readable range to `count` bytes from here (a section or body); returns
    /// the previous limit to restore.
    mutating func narrow(to count: Int) throws(WasmDecodingError) -> Int {
        guard count >= 0, count <= remaining else { throw error(.lengthOutOfBounds) }
        let previous = limit
        limit = offset + count
        return previous
    }

    mutating func restore(limit previous: Int) {
        limit = previous
    }

    mutating func fixedUInt32() throws(WasmDecodingError) -> UInt32 {
        var value: UInt32 = 0
        for shift in stride(from: 0, to: 32, by: 8) {
            value |= UInt32(try byte()) << UInt32(shift)
        }
        return value
    }

    mutating func fixedUInt64() throws(WasmDecodingError) -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 8) {
            value |= UInt64(try byte()) << UInt64(shift)
        }
        return value
    }

    /// An unsigned LEB128 integer of `bits` bits (32 or 64).
    mutating func unsignedLEB(bits: Int) throws(WasmDecodingError) -> UInt64 {
        let maxBytes = (bits + 6) / 7
        var value: UInt64 = 0
        for index in 0..<maxBytes {
            let position = offset
            let current = try byte()
            let payload = UInt64(current & 0x7F)
            if index == maxBytes - 1 {
                guard current & 0x80 == 0 else { throw error(.integerRepresentationTooLong, at: position) }
                let unusedBits = 7 * maxBytes - bits  // bits of the last byte beyond the type
                guard payload >> UInt64(7 - unusedBits) == 0 else { throw error(.integerTooLarge, at: position) }
            }
            value |= payload << UInt64(7 * index)
            if current & 0x80 == 0 { return value }
        }
        throw error(.integerRepresentationTooLong)
    }

    /// A signed LEB128 integer of `bits` bits (32, 33 or 64), sign-extended to 64 bits.
    mutating func signedLEB(bits: Int) throws(WasmDecodingError) -> Int64 {
        let maxBytes = (bits + 6) / 7
        var value: UInt64 = 0
        for index in 0..<maxBytes {
            let position = offset
            let current = try byte()
            let payload = UInt64(current & 0x7F)
            if index == maxBytes - 1 {
                guard current & 0x80 == 0 else { throw error(.integerRepresentationTooLong, at: position) }
                // The last byte's bits from the sign bit upward must all equal the sign bit.
                // Payload bit p sits at bit p + 1 of `current << 1`; shifting that (as an Int8)
                // right by `usedBits` leaves payload bits `usedBits - 1` (the sign) and up.
                let usedBits = bits - 7 * index
                let high = Int8(bitPattern: current << 1) >> Int8(usedBits)
                guard high == 0 || high == -1 else { throw error(.integerTooLarge, at: position) }
            }
            value |= payload << UInt64(7 * index)
            if current & 0x80 == 0 {
                let shift = UInt64(min(64, 7 * (index + 1)))
                if shift < 64 && current & 0x40 != 0 { value |= ~0 << shift }
                return Int64(bitPattern: value)
            }
        }
        throw error(.integerRepresentationTooLong)
    }

    mutating func u32() throws(WasmDecodingError) -> UInt32 {
        UInt32(try unsignedLEB(bits: 32))
    }

    /// A u32 length or count, checked against `limit` and against the bytes left (every
    /// element takes at least `minimumBytesEach` bytes), so no input can make the decoder
    /// reserve more memory than the input's size justifies.
    mutating func count(_ what: String, limit maximum: Int, minimumBytesEach: Int = 1) throws(WasmDecodingError) -> Int {
        let position = offset
        let value = Int(try u32())
        guard value <= maximum else { throw error(.limitExceeded(what: what, limit: maximum), at: position) }
        guard value * minimumBytesEach <= remaining else { throw error(.lengthOutOfBounds, at: position) }
        return value
    }

    /// A name: a length-prefixed UTF-8 string.
    mutating func name() throws(WasmDecodingError) -> String {
        let position = offset
        let length = Int(try u32())
        guard length <= remaining else { throw error(.unexpectedEnd, at: position) }
        let span = try range(length)
        guard let text = String(validating: bytes[span], as: UTF8.self) else {
            throw error(.malformedUTF8, at: span.lowerBound)
        }
        return text
    }

    /// A value type byte; v128 (0x7B) is reported as unsupported SIMD.
    mutating func valueType() throws(WasmDecodingError) -> ValueType {
        let position = offset
        let byte = try byte()
        if let type = ValueType(rawValue: byte) { return type }
        throw error(byte == 0x7B ? .unsupportedSIMD : .malformedValueType(byte), at: position)
    }

    /// A reference type byte: funcref (0x70) or externref (0x6F).
    mutating func referenceType() throws(WasmDecodingError) -> ValueType {
        let position = offset
        let byte = try byte()
        guard byte == 0x70 || byte == 0x6F, let type = ValueType(rawValue: byte) else {
            throw error(.malformedReferenceType(byte), at: position)
        }
        return type
    }
}
