/// SHA-256 (FIPS 180-4), implemented in the project so digests are identical on every platform.
///
/// A streaming hasher: feed bytes with the `update` methods in any split, then call
/// ``finalize()``. The digest depends only on the concatenated byte stream, never on how
/// it was split across calls. `finalize()` does not consume the hasher, so a caller can
/// take a digest of a prefix and keep absorbing.
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update(string: "ab")
/// hasher.update(string: "c")
/// hasher.finalize() == SHA256.hash(string: "abc")  // true
/// ```
public struct SHA256: Sendable {
    /// Sixty-four bytes of storage that live inline in the struct (no heap allocation).
    private typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// The all-zero block, the starting value of every `Block`.
    private static let zeroBlock: Block = (0, 0, 0, 0, 0, 0, 0, 0)

    /// The eight 32-bit chaining words H0...H7.
    private var state = SHA256State()
    /// Bytes of an incomplete block, waiting for the rest of it.
    private var pending: Block = SHA256.zeroBlock
    /// How many leading bytes of `pending` are in use (0..<64).
    private var pendingCount = 0
    /// Total bytes absorbed so far (the message length, modulo 2^64).
    private var totalByteCount: UInt64 = 0

    /// Creates a hasher holding the FIPS 180-4 initial hash value and no input.
    public init() {}

    /// Absorbs the bytes of a raw buffer.
    ///
    /// Whole 64-byte blocks are compressed straight from `bytes`; only a leftover
    /// fragment is copied into the hasher's inline pending block.
    public mutating func update(bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        totalByteCount &+= UInt64(truncatingIfNeeded: bytes.count)
        var offset = 0
        if pendingCount > 0 {
            offset = fillPending(from: bytes)
            guard pendingCount == 64 else { return }
            compressPending()
        }
        let blockCount = (bytes.count &- offset) / 64
        if blockCount > 0 {
            state.compress(blocks: base + offset, count: blockCount)
            offset &+= blockCount &* 64
        }
        if offset < bytes.count {
            _ = fillPending(from: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        }
    }

    /// Absorbs a collection of bytes.
    ///
    /// Contiguous collections (`[UInt8]`, `ArraySlice`, `UnsafeBufferPointer`, native
    /// `String.UTF8View`, ...) take the buffer fast path; others are copied through a
    /// small inline chunk.
    @inlinable
    public mutating func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(bytes: UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            updateInChunks(bytes)
        }
    }

    /// Absorbs a non-contiguous collection 64 bytes at a time through an inline buffer.
    @usableFromInline
    mutating func updateInChunks<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        var chunk = SHA256.zeroBlock
        var filled = 0
        for byte in bytes {
            withUnsafeMutableBytes(of: &chunk) { $0[filled] = byte }
            filled &+= 1
            if filled == 64 {
                withUnsafeBytes(of: chunk) { update(bytes: $0) }
                filled = 0
            }
        }
        withUnsafeBytes(of: chunk) { update(bytes: UnsafeRawBufferPointer(rebasing: $0[..<filled])) }
    }

    /// Absorbs the eight bytes of `value`, least significant byte first.
    public mutating func update(uint64LittleEndian value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { update(bytes: $0) }
    }

    /// Absorbs the four bytes of `value`, least significant byte first.
    public mutating func update(uint32LittleEndian value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { update(bytes: $0) }
    }

    /// Absorbs the 32 bytes of `digest` (the same as `update(digest.bytes)`, without
    /// building an array).
    public mutating func update(digest: SHA256Digest) {
        let words = (digest.w0.bigEndian, digest.w1.bigEndian, digest.w2.bigEndian, digest.w3.bigEndian)
        withUnsafeBytes(of: words) { update(bytes: $0) }
    }

    /// Absorbs the UTF-8 encoding of `string`, with no length prefix.
    public mutating func update(string: String) {
        var text = string
        text.withUTF8 { update(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Returns the digest of everything absorbed so far.
    ///
    /// Non-mutating: padding is applied to a copy, so this hasher can keep absorbing and
    /// a later `finalize()` covers the longer message.
    public func finalize() -> SHA256Digest {
        var copy = self
        let bitLength = totalByteCount &<< 3
        let padCount = pendingCount < 56 ? 56 &- pendingCount : 120 &- pendingCount
        var padding = SHA256.zeroBlock
        withUnsafeMutableBytes(of: &padding) { $0[0] = 0x80 }
        withUnsafeBytes(of: padding) { copy.update(bytes: UnsafeRawBufferPointer(rebasing: $0[..<padCount])) }
        withUnsafeBytes(of: bitLength.bigEndian) { copy.update(bytes: $0) }
        assert(copy.pendingCount == 0, "SHA-256 padding must end on a block boundary")
        return copy.state.digest
    }

    /// Returns the SHA-256 digest of a collection of bytes.
    @inlinable
    public static func hash<Bytes: Collection>(_ bytes: Bytes) -> SHA256Digest where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Returns the SHA-256 digest of a string's UTF-8 bytes.
    public static func hash(string: String) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(string: string)
        return hasher.finalize()
    }

    /// Copies as much of `bytes` as fits into the pending block; returns the count copied.
    private mutating func fillPending(from bytes: UnsafeRawBufferPointer) -> Int {
        let start = pendingCount
        let taken = min(64 &- start, bytes.count)
        withUnsafeMutableBytes(of: &pending) { block in
            UnsafeMutableRawBufferPointer(rebasing: block[start..<(start &+ taken)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[..<taken]))
        }
        pendingCount = start &+ taken
        return taken
    }

    /// Compresses the (full) pending block and empties it.
    private mutating func compressPending() {
        let block = pending
        withUnsafeBytes(of: block) { raw in
            guard let base = raw.baseAddress else { return }
            state.compress(blocks: base, count: 1)
        }
        pendingCount = 0
    }
}

/// The SHA-256 chaining value H0...H7 and the compression function over it.
struct SHA256State: Sendable {
    /// FIPS 180-4 section 5.3.3 initial hash value.
    private var h0: UInt32 = 0x6a09_e667, h1: UInt32 = 0xbb67_ae85
    private var h2: UInt32 = 0x3c6e_f372, h3: UInt32 = 0xa54f_f53a
    private var h4: UInt32 = 0x510e_527f, h5: UInt32 = 0x9b05_688c
    private var h6: UInt32 = 0x1f83_d9ab, h7: UInt32 = 0x5be0_cd19

    /// FIPS 180-4 section 4.2.2 round constants K0...K63.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// The digest of this chaining value: H0...H7 written big-endian.
    var digest: SHA256Digest {
        SHA256Digest(
            w0: UInt64(h0) &<< 32 | UInt64(h1), w1: UInt64(h2) &<< 32 | UInt64(h3),
            w2: UInt64(h4) &<< 32 | UInt64(h5), w3: UInt64(h6) &<< 32 | UInt64(h7))
    }

    /// Compresses `count` consecutive 64-byte blocks starting at `blocks`.
    ///
    /// The message schedule lives in a stack temporary reused across blocks.
    mutating func compress(blocks: UnsafeRawPointer, count: Int) {
        SHA256State.roundConstants.withUnsafeBufferPointer { constants in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
                guard let k = constants.baseAddress, let w = schedule.baseAddress else { return }
                for index in 0..<count {
                    SHA256State.expandSchedule(w, from: blocks + index &* 64)
                    runRounds(schedule: w, constants: k)
                }
            }
        }
    }

    /// Fills W0...W63 from one block (FIPS 180-4 section 6.2.2 step 1).
    @inline(__always)
    private static func expandSchedule(_ w: UnsafeMutablePointer<UInt32>, from block: UnsafeRawPointer) {
        for t in 0..<16 {
            w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
        }
        for t in 16..<64 {
            let x = w[t &- 15], y = w[t &- 2]
            // σ0 and σ1 with nested rotations (ROTR^7 of (ROTR^11 x) xor x is ROTR^18 x xor
            // ROTR^7 x): one register copy fewer each on x86's two-operand instructions.
            let sigma0 = rotr(rotr(x, 11) ^ x, 7) ^ (x &>> 3)
            let sigma1 = rotr(rotr(y, 2) ^ y, 17) ^ (y &>> 10)
            w[t] = w[t &- 16] &+ sigma0 &+ w[t &- 7] &+ sigma1
        }
    }

    /// Runs the 64 rounds and adds the result into H (section 6.2.2 steps 2 to 4).
    ///
    /// Unrolled by eight so the working variables rotate by renaming instead of moves; `bc`
    /// carries b xor c from round to round (each round's a xor b is the next round's).
    @inline(__always)
    private mutating func runRounds(schedule w: UnsafeMutablePointer<UInt32>, constants k: UnsafePointer<UInt32>) {
        var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
        var bc = b ^ c
        for t in stride(from: 0, to: 64, by: 8) {
            SHA256State.round(a, b, &d, e, f, g, &h, k[t] &+ w[t], &bc)
            SHA256State.round(h, a, &c, d, e, f, &g, k[t &+ 1] &+ w[t &+ 1], &bc)
            SHA256State.round(g, h, &b, c, d, e, &f, k[t &+ 2] &+ w[t &+ 2], &bc)
            SHA256State.round(f, g, &a, b, c, d, &e, k[t &+ 3] &+ w[t &+ 3], &bc)
            SHA256State.round(e, f, &h, a, b, c, &d, k[t &+ 4] &+ w[t &+ 4], &bc)
            SHA256State.round(d, e, &g, h, a, b, &c, k[t &+ 5] &+ w[t &+ 5], &bc)
            SHA256State.round(c, d, &f, g, h, a, &b, k[t &+ 6] &+ w[t &+ 6], &bc)
            SHA256State.round(b, c, &e, f, g, h, &a, k[t &+ 7] &+ w[t &+ 7], &bc)
        }
        h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
        h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
    }

    /// One round with the roles of the working variables passed in rotated order:
    /// `d` gains T1 (becoming the new `e`) and `h` becomes T1 + T2 (the new `a`). `bc` is
    /// b xor c on entry (c itself is not needed) and the new b xor c, a xor b, on return.
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ constantPlusWord: UInt32, _ bc: inout UInt32
    ) {
        // Σ1 and Σ0 as nested rotations (equal to the three-rotation forms of section 4.1.2),
        // Ch as g ^ (e & (f ^ g)) and Maj as b ^ ((a ^ b) & (b ^ c)) (a = b: b; otherwise c):
        // fewer operations and register copies, the same values.
        let bigSigma1 = rotr(rotr(rotr(e, 14) ^ e, 5) ^ e, 6)
        let choose = g ^ (e & (f ^ g))
        let t1 = h &+ bigSigma1 &+ choose &+ constantPlusWord
        let bigSigma0 = rotr(rotr(rotr(a, 9) ^ a, 11) ^ a, 2)
        let ab = a ^ b
        let majority = b ^ (ab & bc)
        bc = ab
        d &+= t1
        h = t1 &+ bigSigma0 &+ majority
    }

    /// Rotates `x` right by `n` bits (0 < n < 32).
    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x &>> n) | (x &<< (32 &- n))
    }
}

/// Why a byte array could not be turned into a ``SHA256Digest``.
public enum SHA256DigestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The array held this many bytes instead of 32.
    case wrongByteCount(Int)

    /// A human-readable explanation naming the byte count found.
    public var description: String {
        switch self {
        case .wrongByteCount(let count):
            return "a SHA-256 digest is 32 bytes, but \(count) were given"
        }
    }
}

/// A 32-byte SHA-256 digest.
///
/// Stored as four 64-bit words holding the digest bytes big-endian, so equality, hashing
/// and ordering are cheap. Ordering is lexicographic on the bytes.
public struct SHA256Digest: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Digest bytes 0..<8, read big-endian.
    public let w0: UInt64
    /// Digest bytes 8..<16, read big-endian.
    public let w1: UInt64
    /// Digest bytes 16..<24, read big-endian.
    public let w2: UInt64
    /// Digest bytes 24..<32, read big-endian.
    public let w3: UInt64

    /// Creates a digest from its four big-endian words.
    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// Creates a digest from exactly 32 bytes.
    ///
    /// - Throws: ``SHA256DigestError/wrongByteCount(_:)`` if `bytes.count != 32`.
    public init(bytes: [UInt8]) throws(SHA256DigestError) {
        guard bytes.count == 32 else { throw .wrongByteCount(bytes.count) }
        func word(_ index: Int) -> UInt64 {
            bytes[(index &* 8)..<(index &* 8 &+ 8)].reduce(0) { $0 &<< 8 | UInt64($1) }
        }
        self.init(w0: word(0), w1: word(1), w2: word(2), w3: word(3))
    }

    /// The 32 digest bytes, in order.
    public var bytes: [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(32)
        for word in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                result.append(UInt8(truncatingIfNeeded: word &>> UInt64(shift)))
            }
        }
        return result
    }

    /// Digest bytes 0..<8 read big-endian (the same as ``w0``): a convenient 64-bit key.
    public var prefix64: UInt64 { w0 }

    /// Digest bytes `8*index ..< 8*index+8` read little-endian.
    ///
    /// - Precondition: `index` is in `0...3`.
    public func word64LittleEndian(_ index: Int) -> UInt64 {
        precondition((0...3).contains(index), "SHA256Digest word index \(index) is outside 0...3")
        switch index {
        case 0: return w0.byteSwapped
        case 1: return w1.byteSwapped
        case 2: return w2.byteSwapped
        default: return w3.byteSwapped
        }
    }

    /// The digest as 64 lowercase hexadecimal characters.
    public var description: String { Hex.string(bytes: bytes) }

    /// Orders digests lexicographically by their bytes.
    public static func < (lhs: SHA256Digest, rhs: SHA256Digest) -> Bool {
        (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }
}
