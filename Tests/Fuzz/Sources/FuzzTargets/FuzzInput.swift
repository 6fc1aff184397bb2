/// Reads a generator's choices from a fuzzer's bytes. Past the end every read is zero, so
/// every input (the empty one included) is a complete program, and shorter inputs make
/// smaller programs, which is what libFuzzer's reduction relies on.
public struct FuzzInput {
    let bytes: [UInt8]
    var position = 0

    /// Choices drawn from `bytes`, in order.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether every byte has been read.
    var isExhausted: Bool { position >= bytes.count }

    /// The next byte (zero past the end).
    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// A number in `0..<count` (`count` at most 256).
    mutating func below(_ count: Int) -> Int {
        precondition(count > 0 && count <= 256, "a choice among 1 to 256 options")
        return Int(byte()) % count
    }

    /// An element of `options`.
    mutating func pick<T>(_ options: [T]) -> T {
        options[below(options.count)]
    }

    /// The next `width` bytes as a little-endian integer.
    mutating func bits(_ width: Int) -> UInt64 {
        (0..<width).reduce(UInt64(0)) { value, index in value | UInt64(byte()) << (8 * UInt64(index)) }
    }

    /// An integer biased towards the edge cases that find bugs: zero, one, minus one, the
    /// extremes of each width, powers of two, and otherwise raw bits.
    mutating func interestingBits(_ width: Int) -> UInt64 {
        let mask: UInt64 = width == 8 ? .max : (1 << (8 * UInt64(width))) - 1
        let top = UInt64(1) << (8 * UInt64(width) - 1)
        switch below(8) {
        case 0: return 0
        case 1: return 1
        case 2: return mask
        case 3: return top
        case 4: return top - 1
        case 5: return (UInt64(1) << UInt64(below(8 * width))) & mask
        default: return bits(width)
        }
    }
}

/// A seeded stream of bytes (SplitMix64), for random inputs without libFuzzer.
public struct SplitMixBytes {
    var state: UInt64

    /// A stream starting at `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}
