import SimCore

/// Latency quantiles per time bucket, in bounded memory: for each bucket a fixed array of
/// counts over logarithmic bins, eight per power of two (a bin's width is an eighth of its
/// lower edge or less, so a bin's middle is within 6.25% of any value in it).
/// Bins cover 2^16 ns (65.5 µs) to 2^39 ns (550 s); shorter latencies share the lowest bin
/// and longer ones the highest. With 300 buckets a client holds 300 × 186 counts (223 KB).
/// Integer arithmetic only: no libm, the same on every platform.
public struct BucketedLatencySketch: Sendable, Equatable {
    /// The smallest power of two with bins of its own.
    static let lowestExponent = 16
    /// The largest power of two with bins of its own.
    static let highestExponent = 38
    /// Bins per power of two.
    static let binsPerOctave = 8
    /// Bins per time bucket: one below the range, eight per octave, one above.
    static let binsPerBucket = (highestExponent - lowestExponent + 1) * binsPerOctave + 2

    /// The counts, bucket after bucket, ``binsPerBucket`` each.
    private var counts: [UInt32]
    /// The number of time buckets.
    public let buckets: Int

    /// An empty sketch of `buckets` time buckets.
    public init(buckets: Int) {
        precondition(buckets >= 0, "a negative number of buckets")
        self.buckets = buckets
        counts = Array(repeating: 0, count: buckets * Self.binsPerBucket)
    }

    /// Counts one latency in time bucket `bucket` (ignored outside the buckets).
    public mutating func record(_ latency: SimDuration, bucket: Int) {
        guard bucket >= 0, bucket < buckets else { return }
        let index = bucket * Self.binsPerBucket + Self.bin(of: UInt64(max(latency.nanoseconds, 0)))
        if counts[index] < .max { counts[index] += 1 }
    }

    /// Adds every latency `other` counted, bucket by bucket.
    /// - Precondition: both have the same number of buckets.
    public mutating func merge(_ other: BucketedLatencySketch) {
        precondition(other.buckets == buckets, "sketches of different time buckets")
        for index in counts.indices {
            let (sum, overflow) = counts[index].addingReportingOverflow(other.counts[index])
            counts[index] = overflow ? .max : sum
        }
    }

    /// The calls counted in time bucket `bucket`.
    public func count(bucket: Int) -> UInt64 {
        guard bucket >= 0, bucket < buckets else { return 0 }
        let start = bucket * Self.binsPerBucket
        return counts[start..<start + Self.binsPerBucket].reduce(UInt64(0)) { $0 + UInt64($1) }
    }

    /// The latency at quantile `numerator / denominator` of time bucket `bucket` (nearest
    /// rank), as the middle of its bin; `nil` when the bucket counted nothing.
    /// - Precondition: `0 < denominator` and `numerator <= denominator`.
    public func quantile(_ numerator: UInt64, _ denominator: UInt64, bucket: Int) -> SimDuration? {
        precondition(denominator > 0 && numerator <= denominator, "quantile must be in 0...1")
        let total = count(bucket: bucket)
        guard total > 0 else { return nil }
        let product = total.multipliedFullWidth(by: numerator)
        let division = denominator.dividingFullWidth(product)
        let rank = max(1, division.quotient + (division.remainder > 0 ? 1 : 0))
        let start = bucket * Self.binsPerBucket
        var seen: UInt64 = 0
        for bin in 0..<Self.binsPerBucket {
            seen += UInt64(counts[start + bin])
            if seen >= rank { return .nanoseconds(Int64(clamping: Self.middle(of: bin))) }
        }
        return .nanoseconds(Int64(clamping: Self.middle(of: Self.binsPerBucket - 1)))
    }

    /// The bin of a latency of `nanos` nanoseconds.
    static func bin(of nanos: UInt64) -> Int {
        guard nanos >= 1 << UInt64(lowestExponent) else { return 0 }
        let exponent = 63 - nanos.leadingZeroBitCount
        guard exponent <= highestExponent else { return binsPerBucket - 1 }
        let eighth = Int((nanos >> UInt64(exponent - 3)) & 7)
        return 1 + (exponent - lowestExponent) * binsPerOctave + eighth
    }

    /// The value a bin stands for: the middle of its range (the lowest bin: half its upper
    /// edge; the highest: its lower edge).
    static func middle(of bin: Int) -> UInt64 {
        if bin <= 0 { return 1 << UInt64(lowestExponent - 1) }
        if bin >= binsPerBucket - 1 { return 1 << UInt64(highestExponent + 1) }
        let exponent = lowestExponent + (bin - 1) / binsPerOctave
        let eighth = UInt64((bin - 1) % binsPerOctave)
        let step = UInt64(1) << UInt64(exponent - 3)
        return (8 + eighth) * step + step / 2
    }
}
