/// One component's source of random numbers: a ``Xoshiro256StarStar`` generator plus the
/// project's own, specified algorithms for bounded integers, shuffles, samples and delays.
///
/// Obtain streams from a ``RandomSeed``; never share one stream between components whose
/// number of draws may change independently. Every algorithm here is fixed and documented in
/// Docs/Determinism.md, so the same seed gives the same values on every platform and Swift
/// version. Never use the stdlib's `random(in:using:)`, `shuffled(using:)` or
/// `randomElement(using:)`: their algorithms are not specified.
public struct RandomStream: Sendable {
    /// The underlying generator.
    @usableFromInline var generator: Xoshiro256StarStar

    /// Creates a stream over `generator`.
    @inlinable
    public init(generator: Xoshiro256StarStar) {
        self.generator = generator
    }

    /// The next raw 64-bit output.
    @inlinable
    public mutating func next() -> UInt64 {
        generator.next()
    }

    /// A uniformly distributed integer in `0..<bound`, without bias.
    ///
    /// Lemire's multiply-and-reject method: the high word of `next() * bound` is the result
    /// unless the low word falls in the biased zone `low < (2^64 - bound) % bound`, in which
    /// case a new output is drawn.
    /// - Precondition: `bound > 0`.
    @inlinable
    public mutating func uniform(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniformly distributed integer in `range`, without bias.
    /// - Precondition: `range` is not empty.
    @inlinable
    public mutating func int(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "int(in:) needs a non-empty range")
        let width = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound))
        return range.lowerBound &+ Int(truncatingIfNeeded: uniform(below: width))
    }

    /// A uniformly distributed integer in `range`, without bias.
    @inlinable
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound)) &+ 1
        let offset = width == 0 ? next() : uniform(below: width)
        return range.lowerBound &+ Int(truncatingIfNeeded: offset)
    }

    /// `true` with probability `probability`: `uniform(below: denominator) < numerator`.
    @inlinable
    public mutating func bernoulli(_ probability: Probability) -> Bool {
        if probability.numerator == 0 { return false }
        if probability.numerator == probability.denominator { return true }
        return uniform(below: probability.denominator) < probability.numerator
    }

    /// A double in `[0, 1)` with 53 random bits: `Double(next() >> 11) * 2^-53`.
    @inlinable
    public mutating func unitInterval() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A double in `(0, 1]` with 53 random bits: `Double((next() >> 11) + 1) * 2^-53`.
    ///
    /// Never zero, so its logarithm is finite.
    @inlinable
    public mutating func unitIntervalExcludingZero() -> Double {
        Double((next() >> 11) + 1) * 0x1p-53
    }

    /// Shuffles `elements` in place with the Fisher-Yates algorithm: for `i` from the last
    /// index down to 1, swap element `i` with element `uniform(below: i + 1)`.
    /// Inlinable, so callers get it specialized for their element type (a generic call
    /// swapped through value witnesses, many times slower).
    @inlinable
    public mutating func shuffle<Element>(_ elements: inout [Element]) {
        var index = elements.count - 1
        while index > 0 {
            let other = Int(uniform(below: UInt64(index + 1)))
            elements.swapAt(index, other)
            index -= 1
        }
    }

    /// `count` distinct integers from `0..<population`, uniformly at random, in random order.
    ///
    /// A partial Fisher-Yates shuffle of the virtual array `0..<population`: for `i` in
    /// `0..<count`, swap position `i` with position `i + uniform(below: population - i)`.
    /// Only displaced positions are stored, so it costs O(`count`) time and memory even for a
    /// huge population (the dictionary is only looked up, never iterated).
    /// - Precondition: `0 <= count <= population`.
    /// - Complexity: O(`count`).
    public mutating func sample(_ count: Int, from population: Int) -> [Int] {
        precondition(count >= 0 && count <= population, "sample needs 0 <= count <= population")
        var displaced: [Int: Int] = [:]
        var result: [Int] = []
        result.reserveCapacity(count)
        for position in 0..<count {
            let other = position + Int(uniform(below: UInt64(population - position)))
            let chosen = displaced[other] ?? other
            displaced[other] = displaced[position] ?? position
            result.append(chosen)
        }
        return result
    }

    /// `count` distinct elements of `elements` chosen uniformly at random, in random order.
    /// - Precondition: `0 <= count <= elements.count`.
    public mutating func sample<Element>(_ count: Int, of elements: [Element]) -> [Element] {
        sample(count, from: elements.count).map { elements[$0] }
    }

    /// One element of `elements` chosen uniformly at random, or `nil` if it is empty.
    public mutating func element<Element>(of elements: [Element]) -> Element? {
        elements.isEmpty ? nil : elements[Int(uniform(below: UInt64(elements.count)))]
    }

    /// A duration drawn from `distribution`.
    @inlinable
    public mutating func duration(_ distribution: DelayDistribution) -> SimDuration {
        distribution.sample(using: &self)
    }

    /// An exponentially distributed duration with the given mean (rounded to 1 ns):
    /// `-mean * log(U)` with `U` from ``unitIntervalExcludingZero()`` and the project's own
    /// ``StableMath/log(_:)``.
    @inlinable
    public mutating func exponential(mean: SimDuration) -> SimDuration {
        let nanoseconds = -Double(mean.nanoseconds) * StableMath.log(unitIntervalExcludingZero())
        return DelayDistribution.duration(fromNanoseconds: nanoseconds)
    }

    /// A standard normal variate (mean 0, standard deviation 1) by Marsaglia's polar method;
    /// the second variate of each accepted pair is discarded, so each call is independent.
    @inlinable
    public mutating func standardNormal() -> Double {
        while true {
            let u = 2 * unitInterval() - 1
            let v = 2 * unitInterval() - 1
            let s = u * u + v * v
            if s < 1 && s > 0 {
                return u * (-2 * StableMath.log(s) / s).squareRoot()
            }
        }
    }
}
