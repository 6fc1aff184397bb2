/// LEB128 and SLEB128 for unbounded numbers (the formal Candid specification, "Memory":
/// `M(n : nat) = leb128(n)`, `M(i : int) = sleb128(i)`).
extension CandidNatural {
    /// The number whose 7-bit groups (least significant first) are `groups`.
    init(groups: [UInt8]) {
        var words = [UInt32](repeating: 0, count: (groups.count * 7 + 31) / 32)
        for (index, group) in groups.enumerated() {
            let bit = index * 7
            let wide = UInt64(group & 0x7f) << UInt64(bit % 32)
            words[bit / 32] |= UInt32(truncatingIfNeeded: wide)
            if wide >> 32 != 0 { words[bit / 32 + 1] |= UInt32(truncatingIfNeeded: wide >> 32) }
        }
        self.init(words: words)
    }

    /// The unsigned LEB128 encoding (Candid's `nat`, and the IC state tree's `/time`).
    public var leb128: [UInt8] {
        var groups = sevenBitGroups(bitCount: max(bitWidth, 1))
        for index in groups.indices.dropLast() { groups[index] |= 0x80 }
        return groups
    }

    /// The number of significant bits (0 for zero).
    var bitWidth: Int {
        guard let top = words.last else { return 0 }
        return (words.count - 1) * 32 + (32 - top.leadingZeroBitCount)
    }

    /// The low `bitCount` bits in 7-bit groups, least significant first (enough groups to
    /// hold `bitCount` bits).
    func sevenBitGroups(bitCount: Int) -> [UInt8] {
        let groupCount = (bitCount + 6) / 7
        var groups: [UInt8] = []
        groups.reserveCapacity(groupCount)
        for index in 0..<groupCount {
            let bit = index * 7
            let low = bit / 32 < words.count ? UInt64(words[bit / 32]) : 0
            let high = bit / 32 + 1 < words.count ? UInt64(words[bit / 32 + 1]) : 0
            groups.append(UInt8(truncatingIfNeeded: ((high << 32 | low) >> UInt64(bit % 32)) & 0x7f))
        }
        return groups
    }

    /// The number minus one (the number is not zero).
    func decremented() -> CandidNatural {
        precondition(!isZero, "zero has no predecessor")
        var words = self.words
        for index in words.indices {
            if words[index] != 0 {
                words[index] -= 1
                break
            }
            words[index] = UInt32.max
        }
        return CandidNatural(words: words)
    }
}

extension CandidInteger {
    /// The integer whose SLEB128 7-bit groups (least significant first) are `groups`.
    init(signedGroups groups: [UInt8]) {
        guard let last = groups.last, last & 0x40 != 0 else {
            self.init(CandidNatural(groups: groups))
            return
        }
        // Negative: the magnitude is the bitwise complement within 7k bits, plus one.
        var magnitude = CandidNatural(groups: groups.map { ~$0 & 0x7f })
        magnitude.multiplyAdd(1, 1)
        self.init(isNegative: true, magnitude: magnitude)
    }

    /// The signed LEB128 encoding.
    var sleb128: [UInt8] {
        // A negative -m is the complement of m - 1; either way the groups of `base` are
        // emitted (complemented when negative) until a sign bit agrees with the rest.
        let base = isNegative ? magnitude.decremented() : magnitude
        var groups = base.sevenBitGroups(bitCount: base.bitWidth + 1)
        if isNegative { groups = groups.map { ~$0 & 0x7f } }
        for index in groups.indices.dropLast() { groups[index] |= 0x80 }
        return groups
    }
}
