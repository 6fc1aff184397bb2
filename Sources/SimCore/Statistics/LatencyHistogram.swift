/// A bounded-memory histogram of non-negative durations with better than 1 % relative
/// precision, for latency quantiles over runs of any length.
///
/// Values below 256 ns are counted exactly; above, each power of two is split into 128 equal
/// buckets (log-linear, as in HdrHistogram), so a quantile is off by at most 1/128 of its
/// value (0.8 %). Minimum, maximum, count and sum are exact; histograms merge exactly (a
/// sweep's shards combine into the histogram one run would give). Integer-only and
/// deterministic; 58 KB each.
public struct LatencyHistogram: Sendable, Equatable {
    private static let subBucketBits = 7
    private static let subBuckets = 1 << subBucketBits
    /// Values below 2^exactBits are counted exactly.
    private static let exactBits = subBucketBits + 1
    private static let exactLimit: UInt64 = 1 << UInt64(exactBits)
    /// Buckets: 256 exact values plus 128 per power of two from 2^8 to 2^63.
    private static let bucketCount = Int(exactLimit) + (64 - exactBits) * subBuckets

    private var counts = [UInt64](repeating: 0, count: LatencyHistogram.bucketCount)
    /// Number of recorded values.
    public private(set) var count: UInt64 = 0
    /// Sum of recorded values in nanoseconds (saturating).
    public private(set) var sumNanoseconds: UInt64 = 0
    /// Smallest recorded value, or `nil` when empty.
    public private(set) var minimum: SimDuration?
    /// Largest recorded value, or `nil` when empty.
    public private(set) var maximum: SimDuration?

    /// An empty histogram.
    public init() {}

    /// Records one duration; negative durations are recorded as zero.
    public mutating func record(_ duration: SimDuration) {
        let value = UInt64(max(duration.nanoseconds, 0))
        counts[Self.bucket(of: value)] += 1
        count += 1
        let (sum, overflow) = sumNanoseconds.addingReportingOverflow(value)
        sumNanoseconds = overflow ? .max : sum
        let clamped = SimDuration(nanoseconds: Int64(value))
        minimum = Swift.min(minimum ?? clamped, clamped)
        maximum = Swift.max(maximum ?? clamped, clamped)
    }

    /// Adds every value `other` recorded (the result is the histogram of both runs' values).
    public mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        count += other.count
        let (sum, overflow) = sumNanoseconds.addingReportingOverflow(other.sumNanoseconds)
        sumNanoseconds = overflow ? .max : sum
        if let low = other.minimum { minimum = Swift.min(minimum ?? low, low) }
        if let high = other.maximum { maximum = Swift.max(maximum ?? high, high) }
    }

    /// The mean, rounded down to a nanosecond, or `nil` when empty.
    public var mean: SimDuration? {
        count == 0 ? nil : .nanoseconds(Int64(sumNanoseconds / count))
    }

    /// The value at quantile `numerator / denominator` (nearest-rank method), reported as the
    /// upper edge of its bucket and never above the exact maximum; `nil` when empty.
    /// - Precondition: `0 < denominator` and `numerator <= denominator`.
    public func quantile(_ numerator: UInt64, _ denominator: UInt64) -> SimDuration? {
        precondition(denominator > 0 && numerator <= denominator, "quantile must be in 0...1")
        guard count > 0, let maximum else { return nil }
        // Nearest rank: the smallest value with at least ceil(q * count) values at or below it.
        let (high, low) = count.multipliedFullWidth(by: numerator)
        let quotient = denominator.dividingFullWidth((high, low))
        let rank = Swift.max(1, quotient.quotient + (quotient.remainder > 0 ? 1 : 0))
        var seen: UInt64 = 0
        for (bucket, bucketCount) in counts.enumerated() where bucketCount > 0 {
            seen += bucketCount
            if seen >= rank {
                return Swift.min(.nanoseconds(Int64(clamping: Self.upperEdge(of: bucket))), maximum)
            }
        }
        return maximum
    }

    static func bucket(of value: UInt64) -> Int {
        guard value >= exactLimit else { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount
        let subBucket = Int((value >> UInt64(exponent - subBucketBits)) & UInt64(subBuckets - 1))
        return Int(exactLimit) + (exponent - exactBits) * subBuckets + subBucket
    }

    /// The largest value that falls in `bucket`.
    static func upperEdge(of bucket: Int) -> UInt64 {
        guard bucket >= Int(exactLimit) else { return UInt64(bucket) }
        let offset = bucket - Int(exactLimit)
        let exponent = offset / subBuckets + exactBits
        let subBucket = UInt64(offset % subBuckets)
        let width = UInt64(1) << UInt64(exponent - subBucketBits)
        let lower = (UInt64(1) << UInt64(exponent)) + subBucket * width
        return lower &+ (width - 1)
    }
}
