/// Sample mean and variance (Welford's method), with tolerances derived from the sample size.
public struct SampleStatistics {
    /// Number of samples.
    public private(set) var count = 0
    /// Running mean.
    public private(set) var mean = 0.0
    private var squaredDeviations = 0.0

    /// Empty statistics.
    public init() {}

    /// Statistics of `values`.
    public init(_ values: some Sequence<Double>) {
        for value in values { add(value) }
    }

    /// Adds one sample.
    public mutating func add(_ value: Double) {
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        squaredDeviations += delta * (value - mean)
    }

    /// Unbiased sample variance.
    public var variance: Double { count > 1 ? squaredDeviations / Double(count - 1) : 0 }

    /// The half-width within which the sample mean of `count` draws from a distribution with
    /// standard deviation `sigma` falls with overwhelming probability (`z` standard errors).
    public static func meanTolerance(sigma: Double, count: Int, z: Double = 5) -> Double {
        z * sigma / Double(count).squareRoot()
    }

    /// The half-width for the sample variance: its standard error is
    /// sqrt((mu4 - sigma^4 (n-3)/(n-1)) / n) for fourth central moment `mu4`.
    public static func varianceTolerance(variance: Double, fourthCentralMoment: Double, count: Int, z: Double = 5) -> Double {
        let n = Double(count)
        let standardError = ((fourthCentralMoment - variance * variance * (n - 3) / (n - 1)) / n).squareRoot()
        return z * standardError
    }
}
