/// Why a probability could not be built.
public enum ProbabilityError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The denominator was zero.
    case zeroDenominator
    /// The numerator exceeded the denominator.
    case greaterThanOne(numerator: UInt64, denominator: UInt64)

    public var description: String {
        switch self {
        case .zeroDenominator:
            return "a probability needs a positive denominator"
        case .greaterThanOne(let numerator, let denominator):
            return "probability \(numerator)/\(denominator) is greater than 1; expected numerator <= denominator"
        }
    }
}

/// A probability as an exact integer ratio, so that deciding an event never involves
/// floating-point rounding: `stream.bernoulli(p)` is `uniform(below: denominator) < numerator`.
///
/// ```swift
/// let loss = try Probability(numerator: 1, denominator: 100)   // 1 %
/// let drop = stream.bernoulli(loss)
/// ```
public struct Probability: Hashable, Sendable, CustomStringConvertible {
    /// The numerator; at most ``denominator``.
    public let numerator: UInt64
    /// The denominator; positive.
    public let denominator: UInt64

    /// The probability `numerator / denominator`.
    /// - Throws: ``ProbabilityError`` if the denominator is zero or the ratio exceeds 1.
    public init(numerator: UInt64, denominator: UInt64) throws(ProbabilityError) {
        guard denominator > 0 else { throw .zeroDenominator }
        guard numerator <= denominator else {
            throw .greaterThanOne(numerator: numerator, denominator: denominator)
        }
        self.numerator = numerator
        self.denominator = denominator
    }

    private init(unchecked numerator: UInt64, _ denominator: UInt64) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// Probability zero: never.
    public static let never = Probability(unchecked: 0, 1)

    /// Probability one: always.
    public static let always = Probability(unchecked: 1, 1)

    /// `parts` in a million (`perMillion(2_500)` is 0.25 %).
    /// - Throws: ``ProbabilityError/greaterThanOne(numerator:denominator:)`` above a million.
    public static func perMillion(_ parts: UInt64) throws(ProbabilityError) -> Probability {
        try Probability(numerator: parts, denominator: 1_000_000)
    }

    /// `percent` in a hundred.
    /// - Throws: ``ProbabilityError/greaterThanOne(numerator:denominator:)`` above 100.
    public static func percent(_ percent: UInt64) throws(ProbabilityError) -> Probability {
        try Probability(numerator: percent, denominator: 100)
    }

    /// The ratio as written: `"1/100"`.
    public var description: String { "\(numerator)/\(denominator)" }
}
