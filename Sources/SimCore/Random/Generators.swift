/// SplitMix64 (Steele, Lea and Flood 2014): a tiny 64-bit generator used to expand one
/// 64-bit seed into the state of a larger generator.
///
/// Specified: the state advances by the golden-ratio increment `0x9E3779B97F4A7C15` and each
/// output is the state passed through the MurmurHash3-style finalizer with multipliers
/// `0xBF58476D1CE4E5B9` and `0x94D049BB133111EB` and shifts 30, 27, 31.
public struct SplitMix64: Sendable {
    /// The current state; the next output is derived from `state + 0x9E3779B97F4A7C15`.
    public var state: UInt64

    /// Creates a generator whose first output is derived from `seed + 0x9E3779B97F4A7C15`.
    @inlinable
    public init(seed: UInt64) {
        state = seed
    }

    /// Returns the next 64-bit output.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman and Vigna 2018): the 64-bit generator behind every ``RandomStream``.
///
/// Specified bit for bit by its authors, so its outputs are the same on every platform and
/// Swift version (the stdlib's generators and helpers make no such promise). Period 2^256 - 1.
///
/// This type deliberately does not conform to `RandomNumberGenerator`: that would invite the
/// stdlib's `random(in:using:)` and `shuffled(using:)`, whose algorithms may change between
/// Swift versions. Use ``RandomStream`` for bounded integers, shuffles and distributions.
public struct Xoshiro256StarStar: Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Creates a generator from four state words.
    ///
    /// The all-zero state is the generator's one fixed point; it is replaced by the state
    /// that ``init(seed:)`` gives for seed 0.
    @inlinable
    public init(state0: UInt64, state1: UInt64, state2: UInt64, state3: UInt64) {
        if state0 | state1 | state2 | state3 == 0 {
            var expander = SplitMix64(seed: 0)
            (s0, s1, s2, s3) = (expander.next(), expander.next(), expander.next(), expander.next())
        } else {
            (s0, s1, s2, s3) = (state0, state1, state2, state3)
        }
    }

    /// Creates a generator whose state is the first four outputs of ``SplitMix64`` seeded with
    /// `seed`, the seeding its authors recommend.
    @inlinable
    public init(seed: UInt64) {
        var expander = SplitMix64(seed: seed)
        (s0, s1, s2, s3) = (expander.next(), expander.next(), expander.next(), expander.next())
    }

    /// The four state words, in order.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// Returns the next 64-bit output and advances the state.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let shifted = s1 &<< 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// Rotation by a constant in 1...63; masking shifts, so no over-shift checks.
    @inlinable @inline(__always)
    func rotateLeft(_ value: UInt64, by count: UInt64) -> UInt64 {
        (value &<< count) | (value &>> (64 &- count))
    }
}
