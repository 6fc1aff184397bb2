extension ByteReader {
    /// Reads past the immediates of `opcode` (already read) without checking types; returns
    /// how the instruction changes the block nesting depth (+1 for block, loop and if; -1 for
    /// end; else 0). Rejects what the binary format forbids: unknown opcodes, bad LEB128,
    /// non-zero reserved bytes, SIMD.
    mutating func skipImmediates(of opcode: UInt8) throws(WasmDecodingError) -> Int {
        let position = offset - 1
        switch opcode {
        case 0x02, 0x03, 0x04:
            try skipBlockType()
            return 1
        case 0x0B: return -1
        case 0x00, 0x01, 0x05, 0x0F, 0x1A, 0x1B, 0x45...0xC4, 0xD1: return 0
        case 0x0C, 0x0D, 0x10, 0x20...0x26, 0xD2: _ = try u32()
        case 0x0E:
            let count = try self.count("br_table labels", limit: 1_000_000)
            for _ in 0...count { _ = try u32() }
        case 0x11:
            _ = try u32()
            _ = try u32()
        case 0x1C:
            let count = try self.count("select types", limit: 1_000)
            for _ in 0..<count { _ = try valueType() }
        case 0x28...0x3E:
            _ = try u32()
            _ = try unsignedLEB(bits: 64)  // u64 for a 64-bit memory; the instruction is rejected anyway
        case 0x3F, 0x40: try zeroByte()
        case 0x41: _ = try signedLEB(bits: 32)
        case 0x42: _ = try signedLEB(bits: 64)
        case 0x43: _ = try range(4)
        case 0x44: _ = try range(8)
        case 0xD0: _ = try referenceType()
        case 0xFC: try skipPrefixedImmediates(at: position)
        case 0xFD: throw error(.unsupportedSIMD, at: position)
        default: throw error(.illegalOpcode(opcode), at: position)
        }
        return 0
    }

    /// Reads instructions until the `end` that closes nesting level `depth` (1 for a function
    /// body or constant expression whose first instruction is next).
    mutating func skipInstructions(depth start: Int) throws(WasmDecodingError) {
        var depth = start
        while depth > 0 {
            let opcode = try byte()
            depth += try skipImmediates(of: opcode)
        }
    }

    mutating func skipBlockType() throws(WasmDecodingError) {
        let position = offset
        let first = try byte()
        if first == 0x40 || ValueType(rawValue: first) != nil { return }
        if first == 0x7B { throw error(.unsupportedSIMD, at: position) }
        skip(to: position)
        _ = try signedLEB(bits: 33)
    }

    mutating func zeroByte() throws(WasmDecodingError) {
        let position = offset
        guard try byte() == 0 else { throw error(.zeroByteExpected, at: position) }
    }

    mutating func skipPrefixedImmediates(at position: Int) throws(WasmDecodingError) {
        switch try u32() {
        case 0...7: break
        case 8:
            _ = try u32()
            try zeroByte()
        case 9, 13, 15, 16, 17: _ = try u32()
        case 10:
            try zeroByte()
            try zeroByte()
        case 11: try zeroByte()
        case 12, 14:
            _ = try u32()
            _ = try u32()
        default: throw error(.illegalOpcode(0xFC), at: position)
        }
    }
}
