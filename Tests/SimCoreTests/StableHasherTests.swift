import SimCore
import Testing

/// SipHash-2-4 reference outputs for key `00 01 ... 0f` and message `00 01 ... len-1`,
/// `len` = 0...63, as 64-bit values (the little-endian reading of the paper's output
/// bytes). Computed with an independent C implementation and cross-checked against the
/// published first (empty message) and 15-byte vectors.
private let referenceVectors: [UInt64] = [
    0x726f_db47_dd0e_0e31, 0x74f8_39c5_93dc_67fd, 0x0d6c_8009_d9a9_4f5a, 0x8567_6696_d7fb_7e2d,
    0xcf27_94e0_2771_87b7, 0x1876_5564_cd99_a68d, 0xcbc9_466e_58fe_e3ce, 0xab02_00f5_8b01_d137,
    0x93f5_f579_9a93_2462, 0x9e00_82df_0ba9_e4b0, 0x7a5d_bbc5_94dd_b9f3, 0xf4b3_2f46_226b_ada7,
    0x751e_8fbc_860e_e5fb, 0x14ea_5627_c084_3d90, 0xf723_ca90_8e7a_f2ee, 0xa129_ca61_49be_45e5,
    0x3f2a_cc7f_57c2_9bdb, 0x699a_e9f5_2cbe_4794, 0x4bc1_b3f0_968d_d39c, 0xbb6d_c91d_a779_61bd,
    0xbed6_5cf2_1aa2_ee98, 0xd0f2_cbb0_2e3b_67c7, 0x9353_6795_e3a3_3e88, 0xa80c_038c_cd5c_cec8,
    0xb8ad_50c6_f649_af94, 0xbce1_92de_8a85_b8ea, 0x17d8_35b8_5bbb_15f3, 0x2f2e_6163_076b_cfad,
    0xde4d_aaac_a71d_c9a5, 0xa6a2_5066_8795_6571, 0xad87_a353_5c49_ef28, 0x32d8_92fa_d841_c342,
    0x7127_512f_72f2_7cce, 0xa7f3_2346_f959_78e3, 0x12e0_b01a_bb05_1238, 0x15e0_34d4_0fa1_97ae,
    0x314d_ffbe_0815_a3b4, 0x0279_90f0_2962_3981, 0xcadc_d4e5_9ef4_0c4d, 0x9abf_d876_6a33_735c,
    0x0e3e_a96b_5304_a7d0, 0xad0c_42d6_fc58_5992, 0x1873_06c8_9bc2_15a9, 0xd4a6_0abc_f379_2b95,
    0xf935_451d_e4f2_1df2, 0xa953_8f04_1975_5787, 0xdb9a_cddf_f56c_a510, 0xd06c_98cd_5c09_75eb,
    0xe612_a3cb_9ecb_a951, 0xc766_e62c_fcad_af96, 0xee64_435a_9752_fe72, 0xa192_d576_b245_165a,
    0x0a87_87bf_8ecb_74b2, 0x81b3_e73d_20b4_9b6f, 0x7fa8_220b_a3b2_ecea, 0x2457_31c1_3ca4_2499,
    0xb78d_bfaf_3a8d_83bd, 0xea1a_d565_322a_1a0b, 0x60e6_1c23_a379_5013, 0x6606_d7e4_4628_2b93,
    0x6ca4_ecb1_5c5f_91e1, 0x9f62_6da1_5c96_25f3, 0xe51b_3860_8ef2_5f57, 0x958a_324c_eb06_4572,
]

/// The reference message of length `count`: bytes 00, 01, ..., count-1.
private func referenceMessage(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0) }
}

/// A tiny fixed LCG so split patterns are reproducible without SimCore's own RNG.
private struct TestLCG {
    var state: UInt64
    mutating func next(below bound: UInt64) -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (state >> 33) % bound
    }
}

/// Bytes 0..<count following `(i * 31 + 7) mod 256` (the same stream the C cross-check used).
private func patternBytes(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
}

@Suite("StableHasher (SipHash-2-4)")
struct StableHasherTests {
    @Test("default key is bytes 00...0f")
    func defaultKeyBytes() {
        #expect(StableHasher.defaultKey0 == 0x0706_0504_0302_0100)
        #expect(StableHasher.defaultKey1 == 0x0f0e_0d0c_0b0a_0908)
    }

    @Test("well-known vectors: empty message and 15-byte message")
    func wellKnownVectors() {
        #expect(StableHasher().finalize() == 0x726f_db47_dd0e_0e31)
        #expect(StableHasher.hash(bytes: referenceMessage(15)) == 0xa129_ca61_49be_45e5)
        #expect(referenceVectors.count == 64)
    }

    @Test("64 SipHash-2-4 reference vectors, one-shot", arguments: 0..<64)
    func referenceVectorOneShot(length: Int) {
        #expect(StableHasher.hash(bytes: referenceMessage(length)) == referenceVectors[length])
    }

    @Test("64 SipHash-2-4 reference vectors, one byte at a time", arguments: 0..<64)
    func referenceVectorByteAtATime(length: Int) {
        var hasher = StableHasher()
        for byte in referenceMessage(length) {
            hasher.combine(byte)
        }
        #expect(hasher.byteCount == UInt64(length))
        #expect(hasher.finalize() == referenceVectors[length])
    }

    @Test("reference vectors through whole words after an unaligned prefix")
    func referenceVectorsUnalignedWords() {
        let message = referenceMessage(63)
        for prefix in 0..<8 {
            var hasher = StableHasher()
            hasher.combine(bytes: message[..<prefix])
            var index = prefix
            while index + 8 <= message.count {
                let word = message[index..<(index + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                hasher.combine(word)
                index += 8
            }
            hasher.combine(bytes: message[index...])
            #expect(hasher.finalize() == referenceVectors[63], "prefix \(prefix)")
        }
    }

    @Test("non-default key and longer input match the C cross-check")
    func customKeyAndLongInput() {
        var keyed = StableHasher(key0: 0x0123_4567_89ab_cdef, key1: 0xfedc_ba98_7654_3210)
        keyed.combine(bytes: Array("The quick brown fox jumps over the lazy dog".utf8))
        #expect(keyed.finalize() == 0xdc49_dcef_eabe_a75e)
        #expect(StableHasher.hash(bytes: patternBytes(1000)) == 0x8236_9c4d_b07a_6d1a)
    }

    @Test("the key changes the output")
    func keyMatters() {
        let message = referenceMessage(20)
        var other = StableHasher(key0: StableHasher.defaultKey0 ^ 1)
        other.combine(bytes: message)
        #expect(other.finalize() != StableHasher.hash(bytes: message))
    }

    @Test("random splits mixing UInt64, UInt32, UInt8 and byte runs match one-shot", arguments: [1, 2, 3, 42, 1234])
    func mixedSplitsMatchOneShot(seed: UInt64) {
        var lcg = TestLCG(state: seed)
        var hasher = StableHasher()
        var stream: [UInt8] = []
        while stream.count < 2000 {
            appendRandomPiece(to: &hasher, recording: &stream, using: &lcg)
        }
        #expect(hasher.byteCount == UInt64(stream.count))
        #expect(hasher.finalize() == StableHasher.hash(bytes: stream))
    }

    /// Combines one randomly chosen piece and records the bytes it should contribute.
    private func appendRandomPiece(to hasher: inout StableHasher, recording stream: inout [UInt8], using lcg: inout TestLCG) {
        let value = lcg.next(below: UInt64.max)
        switch lcg.next(below: 4) {
        case 0:
            hasher.combine(value)
            stream += (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        case 1:
            hasher.combine(UInt32(truncatingIfNeeded: value))
            stream += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        case 2:
            hasher.combine(UInt8(truncatingIfNeeded: value))
            stream.append(UInt8(truncatingIfNeeded: value))
        default:
            let run = patternBytes(Int(lcg.next(below: 40)))
            hasher.combine(bytes: run)
            stream += run
        }
    }

    @Test("splitting a fixed stream at every point gives the same hash")
    func everyTwoWaySplit() {
        let stream = patternBytes(40)
        let expected = StableHasher.hash(bytes: stream)
        for cut in 0...stream.count {
            var hasher = StableHasher()
            hasher.combine(bytes: stream[..<cut])
            hasher.combine(bytes: stream[cut...])
            #expect(hasher.finalize() == expected, "cut at \(cut)")
        }
    }

    @Test("non-contiguous collections hash like arrays")
    func nonContiguousCollection() {
        let lazyBytes = (0..<63).lazy.map { UInt8($0) }
        #expect(StableHasher.hash(bytes: lazyBytes) == referenceVectors[63])
    }

    @Test("integer encodings: Int64 bit pattern, Bool as one byte, little-endian words")
    func integerEncodings() {
        var signed = StableHasher(), unsigned = StableHasher()
        signed.combine(Int64(-2))
        unsigned.combine(UInt64.max - 1)
        #expect(signed.finalize() == unsigned.finalize())

        var flags = StableHasher()
        flags.combine(true)
        flags.combine(false)
        #expect(flags.finalize() == StableHasher.hash(bytes: [1, 0]))

        var words = StableHasher()
        words.combine(UInt32(0x0302_0100))
        words.combine(UInt64(0x0b0a_0908_0706_0504))
        #expect(words.finalize() == referenceVectors[12])
    }

    @Test("strings are length-prefixed UTF-8")
    func stringLengthPrefix() {
        var left = StableHasher(), right = StableHasher()
        left.combine("ab")
        left.combine("c")
        right.combine("a")
        right.combine("bc")
        #expect(left.finalize() != right.finalize())

        var manual = StableHasher()
        manual.combine(UInt64(6))
        manual.combine(bytes: Array("h\u{e9}llo".utf8))
        var viaString = StableHasher()
        viaString.combine("h\u{e9}llo")
        #expect(viaString.byteCount == 14)
        #expect(viaString.finalize() == manual.finalize())
    }

    @Test("finalize does not consume the hasher")
    func finalizeIsNonMutating() {
        var hasher = StableHasher()
        hasher.combine(bytes: referenceMessage(10))
        let first = hasher.finalize()
        #expect(hasher.finalize() == first)
        #expect(first == referenceVectors[10])
        hasher.combine(bytes: [10, 11, 12])
        #expect(hasher.finalize() == referenceVectors[13])
    }
}
