/// LEB128 encoding, as the WebAssembly binary format writes integers: for tests and fuzz
/// harnesses that build modules byte by byte (the library only decodes them).
public enum LEB128 {
    /// The shortest unsigned LEB128 encoding of `value`: 7 bits a byte, low bits first, the high
    /// bit of every byte but the last set.
    public static func unsigned(_ value: UInt64) -> [UInt8] {
        var rest = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(rest & 0x7F)
            rest >>= 7
            if rest != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while rest != 0
        return bytes
    }

    /// The shortest signed LEB128 encoding of `value`: two's complement, 7 bits a byte, low bits
    /// first, ending at the first byte whose bit 6 (the sign) matches all the bits left.
    public static func signed(_ value: Int64) -> [UInt8] {
        var rest = value
        var bytes: [UInt8] = []
        while true {
            let byte = UInt8(rest & 0x7F)
            rest >>= 7
            let done = (rest == 0 && byte & 0x40 == 0) || (rest == -1 && byte & 0x40 != 0)
            bytes.append(done ? byte : byte | 0x80)
            if done { return bytes }
        }
    }
}
