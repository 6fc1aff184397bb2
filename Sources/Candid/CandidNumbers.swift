/// A natural number of any size: Candid's `nat` (Candid specification, "Type nat").
///
/// Stored as 32-bit words, least significant first, without leading zero words (zero has
/// none), so equal numbers are equal values.
public struct CandidNatural: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The words, least significant first; the last is never zero.
    public private(set) var words: [UInt32]

    /// Zero.
    public static let zero = CandidNatural(words: [])

    /// The number with these words (least significant first; leading zeros are dropped).
    public init(words: [UInt32]) {
        var words = words
        while words.last == 0 { words.removeLast() }
        self.words = words
    }

    /// The number `value`.
    public init(_ value: UInt64) {
        self.init(words: [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)])
    }

    /// The number written in decimal digits only (no sign, no separators); `nil` otherwise.
    public init?(decimal: some StringProtocol) {
        guard !decimal.isEmpty else { return nil }
        var number = CandidNatural.zero
        for scalar in decimal.unicodeScalars {
            guard scalar.value >= 48, scalar.value <= 57 else { return nil }
            number.multiplyAdd(10, UInt32(scalar.value - 48))
        }
        self = number
    }

    /// Whether the number is zero.
    public var isZero: Bool { words.isEmpty }

    /// The number as a `UInt64`, if it fits.
    public var uint64Value: UInt64? {
        switch words.count {
        case 0: 0
        case 1: UInt64(words[0])
        case 2: UInt64(words[1]) << 32 | UInt64(words[0])
        default: nil
        }
    }

    /// Replaces the number with `number * multiplier + addend`.
    public mutating func multiplyAdd(_ multiplier: UInt32, _ addend: UInt32) {
        var carry = UInt64(addend)
        for index in words.indices {
            let product = UInt64(words[index]) * UInt64(multiplier) + carry
            words[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry != 0 { words.append(UInt32(carry)) }
        while words.last == 0 { words.removeLast() }
    }

    /// Divides the number by `divisor` (not zero) and returns the remainder.
    public mutating func divide(by divisor: UInt32) -> UInt32 {
        precondition(divisor != 0, "division by zero")
        var remainder: UInt64 = 0
        for index in words.indices.reversed() {
            let dividend = remainder << 32 | UInt64(words[index])
            words[index] = UInt32(dividend / UInt64(divisor))
            remainder = dividend % UInt64(divisor)
        }
        while words.last == 0 { words.removeLast() }
        return UInt32(remainder)
    }

    /// Orders by magnitude.
    public static func < (lhs: CandidNatural, rhs: CandidNatural) -> Bool {
        if lhs.words.count != rhs.words.count { return lhs.words.count < rhs.words.count }
        for index in lhs.words.indices.reversed() where lhs.words[index] != rhs.words[index] {
            return lhs.words[index] < rhs.words[index]
        }
        return false
    }

    /// The decimal digits.
    public var description: String {
        if let small = uint64Value { return String(small) }
        var number = self
        var chunks: [UInt32] = []
        while !number.isZero { chunks.append(number.divide(by: 1_000_000_000)) }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }
}

/// An integer of any size: Candid's `int` (Candid specification, "Type int"). Zero is never
/// negative, so equal numbers are equal values.
public struct CandidInteger: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Whether the number is below zero.
    public let isNegative: Bool
    /// The absolute value.
    public let magnitude: CandidNatural

    /// The integer with this sign and magnitude (a negative zero is zero).
    public init(isNegative: Bool, magnitude: CandidNatural) {
        self.isNegative = isNegative && !magnitude.isZero
        self.magnitude = magnitude
    }

    /// The integer `value`.
    public init(_ value: Int64) {
        self.init(isNegative: value < 0, magnitude: CandidNatural(value.magnitude))
    }

    /// The natural number `natural`, as an integer.
    public init(_ natural: CandidNatural) {
        self.init(isNegative: false, magnitude: natural)
    }

    /// The number as an `Int64`, if it fits.
    public var int64Value: Int64? {
        guard let magnitude = magnitude.uint64Value else { return nil }
        if isNegative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// Orders by value.
    public static func < (lhs: CandidInteger, rhs: CandidInteger) -> Bool {
        switch (lhs.isNegative, rhs.isNegative) {
        case (true, false): true
        case (false, true): false
        case (false, false): lhs.magnitude < rhs.magnitude
        case (true, true): rhs.magnitude < lhs.magnitude
        }
    }

    /// The decimal digits, with a `-` below zero.
    public var description: String { (isNegative ? "-" : "") + magnitude.description }
}
