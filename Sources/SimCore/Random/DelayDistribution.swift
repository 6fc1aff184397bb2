/// Why a delay distribution's parameters are invalid.
public enum DistributionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A duration parameter was negative.
    case negativeDuration(parameter: String, value: SimDuration)
    /// `uniform` had `minimum > maximum`.
    case emptyRange(minimum: SimDuration, maximum: SimDuration)
    /// A real-valued shape parameter was outside its valid range.
    case invalidShape(parameter: String, value: Double, expected: String)

    public var description: String {
        switch self {
        case .negativeDuration(let parameter, let value):
            return "\(parameter) must not be negative, found \(value)"
        case .emptyRange(let minimum, let maximum):
            return "uniform needs minimum <= maximum, found \(minimum) > \(maximum)"
        case .invalidShape(let parameter, let value, let expected):
            return "\(parameter) must be \(expected), found \(value)"
        }
    }
}

/// A validated distribution of non-negative durations, for network delays, processing times
/// and workload inter-arrival times.
///
/// Every sampler uses only the stream's specified outputs, integer arithmetic and the
/// project's ``StableMath`` (never libm), so samples are bit-identical on every platform.
/// Samples are rounded to the nearest nanosecond and clamped to
/// `0 ... sampleNanosecondsMax` (see ``sampleNanosecondsMax``).
///
/// ```swift
/// let jitter = try DelayDistribution.logNormal(median: .milliseconds(20), sigma: 0.5)
/// let delay = stream.duration(jitter)
/// ```
public struct DelayDistribution: Hashable, Sendable, CustomStringConvertible {
    /// The family and parameters of a distribution.
    public enum Kind: Hashable, Sendable {
        /// Always the same duration.
        case constant(SimDuration)
        /// Uniform over the integer nanoseconds in `minimum...maximum`.
        case uniform(minimum: SimDuration, maximum: SimDuration)
        /// Exponential with the given mean (memoryless inter-arrival times: Poisson arrivals).
        case exponential(mean: SimDuration)
        /// Normal with the given mean and standard deviation, negative samples clamped to zero.
        case normal(mean: SimDuration, standardDeviation: SimDuration)
        /// Log-normal: `median * e^(sigma * Z)` for a standard normal `Z`.
        case logNormal(median: SimDuration, sigma: Double)
        /// Pareto (type I): `scale * U^(-1/shape)` for `U` uniform in `(0, 1]`; heavy-tailed.
        case pareto(scale: SimDuration, shape: Double)
    }

    /// The largest sample returned: 2^60 ns, about 36.5 years, so that adding a sample to any
    /// realistic instant cannot overflow.
    @inlinable public static var sampleNanosecondsMax: Int64 { 1 << 60 }

    /// The largest accepted log-normal sigma; larger values only produce clamped samples.
    public static let logNormalSigmaMax: Double = 20

    /// The family and parameters.
    public let kind: Kind

    private init(_ kind: Kind) {
        self.kind = kind
    }

    /// Always `value`.
    public static func constant(_ value: SimDuration) throws(DistributionError) -> DelayDistribution {
        try requireNonNegative(value, "constant")
        return DelayDistribution(.constant(value))
    }

    /// Uniform over `minimum...maximum`, in whole nanoseconds.
    public static func uniform(minimum: SimDuration, maximum: SimDuration) throws(DistributionError) -> DelayDistribution {
        try requireNonNegative(minimum, "minimum")
        guard minimum <= maximum else { throw .emptyRange(minimum: minimum, maximum: maximum) }
        return DelayDistribution(.uniform(minimum: minimum, maximum: maximum))
    }

    /// Exponential with mean `mean`.
    public static func exponential(mean: SimDuration) throws(DistributionError) -> DelayDistribution {
        try requireNonNegative(mean, "mean")
        return DelayDistribution(.exponential(mean: mean))
    }

    /// Normal with mean `mean` and standard deviation `standardDeviation`, clamped at zero.
    public static func normal(mean: SimDuration, standardDeviation: SimDuration) throws(DistributionError) -> DelayDistribution {
        try requireNonNegative(mean, "mean")
        try requireNonNegative(standardDeviation, "standardDeviation")
        return DelayDistribution(.normal(mean: mean, standardDeviation: standardDeviation))
    }

    /// Log-normal with median `median` and log-space standard deviation `sigma` (0...20).
    public static func logNormal(median: SimDuration, sigma: Double) throws(DistributionError) -> DelayDistribution {
        try requireNonNegative(median, "median")
        guard sigma >= 0, sigma <= logNormalSigmaMax else {
            throw .invalidShape(parameter: "sigma", value: sigma, expected: "a number in 0...\(logNormalSigmaMax)")
        }
        return DelayDistribution(.logNormal(median: median, sigma: sigma))
    }

    /// Pareto with minimum value `scale` and tail index `shape` (> 0; the mean is finite
    /// only for `shape > 1`, the variance only for `shape > 2`).
    public static func pareto(scale: SimDuration, shape: Double) throws(DistributionError) -> DelayDistribution {
        try requireNonNegative(scale, "scale")
        guard shape > 0, shape.isFinite else {
            throw .invalidShape(parameter: "shape", value: shape, expected: "a finite number greater than 0")
        }
        return DelayDistribution(.pareto(scale: scale, shape: shape))
    }

    private static func requireNonNegative(_ value: SimDuration, _ name: String) throws(DistributionError) {
        guard value >= .zero else { throw .negativeDuration(parameter: name, value: value) }
    }

    /// Draws one duration from `stream`.
    @inlinable
    public func sample(using stream: inout RandomStream) -> SimDuration {
        switch kind {
        case .constant(let value):
            return value
        case .uniform(let minimum, let maximum):
            let width = UInt64(maximum.nanoseconds - minimum.nanoseconds) + 1
            return minimum + .nanoseconds(Int64(stream.uniform(below: width)))
        case .exponential(let mean):
            return stream.exponential(mean: mean)
        case .normal(let mean, let standardDeviation):
            let z = stream.standardNormal()
            return Self.duration(fromNanoseconds: Double(mean.nanoseconds) + Double(standardDeviation.nanoseconds) * z)
        case .logNormal(let median, let sigma):
            let z = stream.standardNormal()
            return Self.duration(fromNanoseconds: Double(median.nanoseconds) * StableMath.exp(sigma * z))
        case .pareto(let scale, let shape):
            let u = stream.unitIntervalExcludingZero()
            let factor = StableMath.exp(-StableMath.log(u) / shape)
            return Self.duration(fromNanoseconds: Double(scale.nanoseconds) * factor)
        }
    }

    /// `nanoseconds` rounded to the nearest integer (ties to even) and clamped to
    /// `0...sampleNanosecondsMax`; NaN becomes zero.
    ///
    /// Rounding adds and subtracts 2^52, which leaves a value below 2^52 rounded to an
    /// integer by the hardware's correctly rounded addition (no libm `rint` call); values
    /// from 2^52 up are already integers.
    @inlinable
    public static func duration(fromNanoseconds nanoseconds: Double) -> SimDuration {
        guard nanoseconds > 0 else { return .zero }
        guard nanoseconds < Double(sampleNanosecondsMax) else { return .nanoseconds(sampleNanosecondsMax) }
        let rounded = nanoseconds < 0x1p52 ? (nanoseconds + 0x1p52) - 0x1p52 : nanoseconds
        return .nanoseconds(Int64(rounded))
    }

    /// The distribution's mean in nanoseconds, or `nil` where it is infinite (Pareto with
    /// `shape <= 1`). Ignores clamping, which only matters far in the tails.
    public var meanNanoseconds: Double? {
        switch kind {
        case .constant(let value):
            return Double(value.nanoseconds)
        case .uniform(let minimum, let maximum):
            return (Double(minimum.nanoseconds) + Double(maximum.nanoseconds)) / 2
        case .exponential(let mean), .normal(let mean, _):
            return Double(mean.nanoseconds)
        case .logNormal(let median, let sigma):
            return Double(median.nanoseconds) * StableMath.exp(sigma * sigma / 2)
        case .pareto(let scale, let shape):
            return shape > 1 ? Double(scale.nanoseconds) * shape / (shape - 1) : nil
        }
    }

    /// A readable summary: `"exponential(mean 10 ms)"`.
    public var description: String {
        switch kind {
        case .constant(let value): return "constant(\(value))"
        case .uniform(let minimum, let maximum): return "uniform(\(minimum) ... \(maximum))"
        case .exponential(let mean): return "exponential(mean \(mean))"
        case .normal(let mean, let deviation): return "normal(mean \(mean), sd \(deviation))"
        case .logNormal(let median, let sigma): return "logNormal(median \(median), sigma \(sigma))"
        case .pareto(let scale, let shape): return "pareto(scale \(scale), shape \(shape))"
        }
    }
}
