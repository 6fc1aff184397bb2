/// A streaming SipHash-2-4 with a fixed, published key: a specified, platform-independent
/// 64-bit hash for trace folding and payload digests.
///
/// Swift's `Hasher` is seeded per process and must never be used for anything that
/// reaches output; use this instead. The result equals standard SipHash-2-4 (Aumasson and
/// Bernstein) over the concatenation of every byte combined, whatever the split of
/// `combine` calls: bytes are buffered until a full 8-byte word is available.
///
/// Integers are combined little-endian; strings are length-prefixed. Not a cryptographic
/// commitment when the key is public: it is a well-mixed, stable fingerprint.
public struct StableHasher: Sendable {
    /// The low key word: key bytes `00 01 ... 07` read little-endian.
    @inlinable public static var defaultKey0: UInt64 { 0x0706_0504_0302_0100 }
    /// The high key word: key bytes `08 09 ... 0f` read little-endian.
    @inlinable public static var defaultKey1: UInt64 { 0x0f0e_0d0c_0b0a_0908 }

    /// SipHash internal state word v0.
    @usableFromInline var v0: UInt64
    /// SipHash internal state word v1.
    @usableFromInline var v1: UInt64
    /// SipHash internal state word v2.
    @usableFromInline var v2: UInt64
    /// SipHash internal state word v3.
    @usableFromInline var v3: UInt64
    /// The `byteCount % 8` bytes not yet compressed, packed little-endian into the low
    /// bytes; the remaining high bytes are zero.
    @usableFromInline var tail: UInt64
    /// Total bytes combined so far (modulo 2^64).
    @usableFromInline var count: UInt64

    /// Creates a hasher with the given 128-bit key (two little-endian words).
    @inlinable
    public init(key0: UInt64 = StableHasher.defaultKey0, key1: UInt64 = StableHasher.defaultKey1) {
        v0 = key0 ^ 0x736f_6d65_7073_6575  // "somepseu"
        v1 = key1 ^ 0x646f_7261_6e64_6f6d  // "dorandom"
        v2 = key0 ^ 0x6c79_6765_6e65_7261  // "lygenera"
        v3 = key1 ^ 0x7465_6462_7974_6573  // "tedbytes"
        tail = 0
        count = 0
    }

    /// How many bytes have been combined so far (modulo 2^64).
    @inlinable
    public var byteCount: UInt64 { count }

    /// Combines the eight bytes of `value`, least significant first.
    ///
    /// The hot path: when no bytes are pending, the word goes straight into the
    /// compression rounds. Always inlined: the kernel folds three words per event, and
    /// inlined the state stays in registers between them.
    @inlinable @inline(__always)
    public mutating func combine(_ value: UInt64) {
        let shift = (count & 7) &<< 3
        count &+= 8
        if shift == 0 {
            compress(value)
            return
        }
        compress(tail | (value &<< shift))
        tail = value &>> (64 &- shift)
    }

    /// Combines the two's-complement bit pattern of `value` as eight bytes, little-endian.
    @inlinable
    public mutating func combine(_ value: Int64) {
        combine(UInt64(bitPattern: value))
    }

    /// Combines the four bytes of `value`, least significant first.
    @inlinable
    public mutating func combine(_ value: UInt32) {
        absorb(UInt64(value), byteWidth: 4)
    }

    /// Combines one byte.
    @inlinable
    public mutating func combine(_ value: UInt8) {
        absorb(UInt64(value), byteWidth: 1)
    }

    /// Combines one byte: 1 for `true`, 0 for `false`.
    @inlinable
    public mutating func combine(_ value: Bool) {
        combine(value ? 1 as UInt8 : 0)
    }

    /// Combines the bytes of a raw buffer, in order.
    public mutating func combine(bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index < bytes.count, count & 7 != 0 {
            combine(bytes[index])
            index &+= 1
        }
        while bytes.count &- index >= 8 {
            combine(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            index &+= 8
        }
        while index < bytes.count {
            combine(bytes[index])
            index &+= 1
        }
    }

    /// Combines a collection of bytes, in order (no length prefix).
    @inlinable
    public mutating func combine<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            combine(bytes: UnsafeRawBufferPointer(buffer))
        }
        guard handled == nil else { return }
        for byte in bytes {
            combine(byte)
        }
    }

    /// Combines a string as its UTF-8 byte count (a `UInt64`, little-endian) followed by
    /// its UTF-8 bytes.
    ///
    /// The length prefix keeps `"ab", "c"` distinct from `"a", "bc"`.
    public mutating func combine(_ string: String) {
        var text = string
        combine(UInt64(truncatingIfNeeded: text.utf8.count))
        text.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Returns the SipHash-2-4 64-bit output for every byte combined so far.
    ///
    /// Non-mutating: finalization runs on a copy, so the hasher can keep combining.
    @inlinable
    public func finalize() -> UInt64 {
        var copy = self
        copy.compress(((count & 0xff) &<< 56) | tail)
        copy.v2 ^= 0xff
        copy.sipRound()
        copy.sipRound()
        copy.sipRound()
        copy.sipRound()
        return copy.v0 ^ copy.v1 ^ copy.v2 ^ copy.v3
    }

    /// Returns the SipHash-2-4 (default key) of a collection of bytes.
    @inlinable
    public static func hash<Bytes: Collection>(bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hasher = StableHasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    /// Appends the low `byteWidth` bytes of `value` (1...7; higher bytes must be zero),
    /// compressing when a word fills up.
    @inlinable @inline(__always)
    mutating func absorb(_ value: UInt64, byteWidth: UInt64) {
        let used = count & 7
        count &+= byteWidth
        tail |= value &<< (used &<< 3)
        guard used &+ byteWidth >= 8 else { return }
        compress(tail)
        tail = value &>> ((8 &- used) &<< 3)
    }

    /// Absorbs one message word: two SipRounds between the v3 and v0 injections.
    @inlinable @inline(__always)
    mutating func compress(_ word: UInt64) {
        v3 ^= word
        sipRound()
        sipRound()
        v0 ^= word
    }

    /// One SipRound: the add-rotate-xor network from the SipHash paper.
    @inlinable @inline(__always)
    mutating func sipRound() {
        v0 &+= v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
        v2 &+= v3; v3 = rotl(v3, 16); v3 ^= v2
        v0 &+= v3; v3 = rotl(v3, 21); v3 ^= v0
        v2 &+= v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
    }

    /// Rotates `x` left by `n` bits (0 < n < 64).
    @inlinable @inline(__always)
    func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 {
        (x &<< n) | (x &>> (64 &- n))
    }
}
