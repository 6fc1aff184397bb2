import SimCore
import Testing

/// Bytes 0..<count following `(i * 7 + 3) mod 256`: the messages the pinned digests
/// below were computed over with Python's `hashlib.sha256`.
private func sequenceBytes(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
}

/// A tiny fixed LCG so chunk sizes are reproducible without SimCore's own RNG.
private struct ChunkLCG {
    var state: UInt64
    mutating func next(below bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}

/// Digests (hashlib) of `sequenceBytes(n)` for lengths around the padding and block edges.
private let pinnedSequenceDigests: [(Int, String)] = [
    (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (1, "084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aadff29c5"),
    (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
    (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
    (57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73"),
    (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
    (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
    (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
    (111, "67d9492e628fd376e0b2efec8ca2b99b123e202cf620deb270728df979b2f73e"),
    (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
    (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
    (127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07"),
    (128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"),
    (129, "307f8fc2c1622b92762e818d39a185d4d667ad49a4b07ceae1f4afa008a93ec4"),
    (191, "52be17f8f5d0b166f3b1917d2b6bb862083001967fd0aa39d2da9947eeba437d"),
    (200, "2c7e18c942ef065b526a2d4e5546283749cd3ddfb51d8fc71f42717363685f46"),
]

@Suite("SHA-256 (FIPS 180-4)")
struct SHA256Tests {
    @Test("NIST vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hash(string: message).description == expected)
        #expect(SHA256.hash(Array(message.utf8)).description == expected)
    }

    @Test("one million 'a'")
    func millionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)).description == expected)
        var hasher = SHA256()
        let thousand = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 {
            hasher.update(thousand)
        }
        #expect(hasher.finalize().description == expected)
    }

    @Test("pinned digests at block and padding edges", arguments: pinnedSequenceDigests)
    func pinnedLengths(length: Int, expected: String) {
        #expect(SHA256.hash(sequenceBytes(length)).description == expected)
    }

    @Test("every length 0...200 (chained digest pinned from hashlib)")
    func allLengthsChained() {
        var chain = SHA256()
        for length in 0...200 {
            chain.update(SHA256.hash(sequenceBytes(length)).bytes)
        }
        let expected = "3275febb4612d86d586eb9f11cd21e648a9fc7d95e0f6b8d362786e28c9c5b79"
        #expect(chain.finalize().description == expected)
    }

    @Test("random-sized chunks give the one-shot digest", arguments: [1, 7, 99, 2024])
    func chunkedEqualsOneShot(seed: UInt64) {
        let message = sequenceBytes(5000)
        var lcg = ChunkLCG(state: seed)
        var hasher = SHA256()
        var offset = 0
        while offset < message.count {
            let size = min(lcg.next(below: 150), message.count - offset)
            hasher.update(message[offset..<(offset + size)])
            offset += size
        }
        #expect(hasher.finalize() == SHA256.hash(message))
    }

    @Test("non-contiguous collections take the chunked path correctly")
    func nonContiguousCollection() {
        let lazyBytes = (0..<200).lazy.map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let expected = "2c7e18c942ef065b526a2d4e5546283749cd3ddfb51d8fc71f42717363685f46"
        #expect(SHA256.hash(lazyBytes).description == expected)
    }

    @Test("integer and string updates feed the documented bytes")
    func typedUpdates() {
        var typed = SHA256()
        typed.update(uint64LittleEndian: 0x0807_0605_0403_0201)
        typed.update(uint32LittleEndian: 0x0c0b_0a09)
        typed.update(string: "h\u{e9}")
        let raw: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x68, 0xc3, 0xa9]
        #expect(typed.finalize() == SHA256.hash(raw))
    }

    @Test("finalize does not consume the hasher")
    func finalizeIsNonMutating() {
        var hasher = SHA256()
        hasher.update(string: "ab")
        let prefix = hasher.finalize()
        #expect(hasher.finalize() == prefix)
        hasher.update(string: "c")
        #expect(hasher.finalize() == SHA256.hash(string: "abc"))
        #expect(prefix == SHA256.hash(string: "ab"))
    }

    @Test("digest bytes, words and hex agree")
    func digestAccessors() throws {
        let digest = SHA256.hash(string: "abc")
        #expect(digest.bytes.count == 32)
        #expect(Array(digest.bytes.prefix(4)) == [0xba, 0x78, 0x16, 0xbf])
        #expect(digest.prefix64 == 0xba78_16bf_8f01_cfea)
        #expect(digest.w0 == digest.prefix64)
        #expect(digest.w3 == 0xb410_ff61_f200_15ad)
        #expect(digest.word64LittleEndian(0) == 0xeacf_018f_bf16_78ba)
        #expect(digest.word64LittleEndian(3) == 0xad15_00f2_61ff_10b4)
        #expect(try SHA256Digest(bytes: digest.bytes) == digest)
    }

    @Test("init(bytes:) rejects wrong lengths and names the count")
    func digestWrongLength() {
        #expect(throws: SHA256DigestError.wrongByteCount(31)) {
            try SHA256Digest(bytes: [UInt8](repeating: 0, count: 31))
        }
        #expect(SHA256DigestError.wrongByteCount(33).description.contains("33"))
    }

    @Test("ordering is lexicographic on bytes")
    func digestOrdering() throws {
        var low = [UInt8](repeating: 0xff, count: 32)
        low[0] = 0x01
        var high = [UInt8](repeating: 0x00, count: 32)
        high[0] = 0x02
        let lowDigest = try SHA256Digest(bytes: low)
        let highDigest = try SHA256Digest(bytes: high)
        #expect(lowDigest < highDigest)
        let digests = (0..<50).map { SHA256.hash(sequenceBytes($0)) }
        let sortedByBytes = digests.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        #expect(digests.sorted() == sortedByBytes)
    }
}
