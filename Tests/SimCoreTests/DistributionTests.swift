import Testing
import ICSimTestSupport
import SimCore

@Suite("Delay distributions")
struct DistributionTests {
    static let draws = 200_000

    /// Samples `distribution` `draws` times from a fixed stream, as nanoseconds.
    func samples(_ distribution: DelayDistribution, seed: UInt64 = 9) -> [Double] {
        var stream = RandomSeed(seed).stream("distribution")
        return (0..<Self.draws).map { _ in Double(stream.duration(distribution).nanoseconds) }
    }

    /// Checks the sample mean (and, given the fourth central moment, the variance) against theory.
    func expectMoments(_ values: [Double], mean: Double, variance: Double, fourthCentralMoment: Double? = nil) {
        let statistics = SampleStatistics(values)
        let meanTolerance = SampleStatistics.meanTolerance(sigma: variance.squareRoot(), count: values.count)
        #expect(abs(statistics.mean - mean) < meanTolerance, "mean \(statistics.mean) vs \(mean) ± \(meanTolerance)")
        if let fourthCentralMoment {
            let tolerance = SampleStatistics.varianceTolerance(variance: variance, fourthCentralMoment: fourthCentralMoment, count: values.count)
            #expect(abs(statistics.variance - variance) < tolerance, "variance \(statistics.variance) vs \(variance) ± \(tolerance)")
        }
    }

    @Test func constantAlwaysGivesItsValue() throws {
        let values = samples(try .constant(.milliseconds(7)))
        #expect(values.allSatisfy { $0 == 7_000_000 })
    }

    @Test func uniformMatchesItsMoments() throws {
        let values = samples(try .uniform(minimum: .milliseconds(10), maximum: .milliseconds(30)))
        #expect(values.allSatisfy { $0 >= 10_000_000 && $0 <= 30_000_000 })
        let width = 20_000_001.0  // integer nanoseconds in [10 ms, 30 ms]
        expectMoments(values, mean: 20_000_000, variance: (width * width - 1) / 12,
                      fourthCentralMoment: width * width * width * width / 80)
    }

    @Test func exponentialMatchesItsMoments() throws {
        let mean = 5_000_000.0
        let values = samples(try .exponential(mean: .milliseconds(5)))
        #expect(values.allSatisfy { $0 >= 0 })
        expectMoments(values, mean: mean, variance: mean * mean, fourthCentralMoment: 9 * mean * mean * mean * mean)
    }

    @Test func normalMatchesItsMoments() throws {
        let sd = 10_000_000.0
        let values = samples(try .normal(mean: .milliseconds(100), standardDeviation: .milliseconds(10)))
        expectMoments(values, mean: 100_000_000, variance: sd * sd, fourthCentralMoment: 3 * sd * sd * sd * sd)
        let withinOneSd = values.filter { abs($0 - 100_000_000) <= sd }.count
        let fraction = Double(withinOneSd) / Double(values.count)
        #expect(abs(fraction - 0.682_689) < 0.006)
    }

    @Test func normalIsClampedAtZero() throws {
        let values = samples(try .normal(mean: .milliseconds(1), standardDeviation: .milliseconds(10)))
        #expect(values.allSatisfy { $0 >= 0 })
        #expect(values.contains(0))
    }

    @Test func logNormalMatchesItsMedianAndMean() throws {
        let median = 40_000_000.0
        let sigma = 0.5
        let values = samples(try .logNormal(median: .milliseconds(40), sigma: sigma))
        let below = Double(values.filter { $0 < median }.count) / Double(values.count)
        #expect(abs(below - 0.5) < 0.006)  // 5 sd of a proportion at n = 200,000 is 0.0056
        let growth = 1.284_025_416_687_741_5  // e^(sigma^2)
        let mean = median * growth.squareRoot()
        expectMoments(values, mean: mean, variance: median * median * growth * (growth - 1))
    }

    @Test func paretoMatchesItsMoments() throws {
        let scale = 1_000_000.0
        let shape = 5.0
        let values = samples(try .pareto(scale: .milliseconds(1), shape: shape))
        #expect(values.allSatisfy { $0 >= scale })
        let mean = shape * scale / (shape - 1)
        let variance = scale * scale * shape / ((shape - 1) * (shape - 1) * (shape - 2))
        expectMoments(values, mean: mean, variance: variance)
    }

    @Test func heavyTailsAreClampedNotOverflowing() throws {
        var stream = RandomSeed(10).stream("tail")
        let distribution = try DelayDistribution.pareto(scale: .seconds(1), shape: 0.01)
        for _ in 0..<10_000 {
            let value = stream.duration(distribution)
            #expect(value >= .seconds(1) && value.nanoseconds <= DelayDistribution.sampleNanosecondsMax)
        }
    }

    @Test func invalidParametersAreRejectedWithTheirName() {
        #expect(throws: DistributionError.negativeDuration(parameter: "mean", value: .milliseconds(-1))) {
            try DelayDistribution.exponential(mean: .milliseconds(-1))
        }
        #expect(throws: DistributionError.emptyRange(minimum: .seconds(2), maximum: .seconds(1))) {
            try DelayDistribution.uniform(minimum: .seconds(2), maximum: .seconds(1))
        }
        #expect(throws: DistributionError.self) { try DelayDistribution.pareto(scale: .seconds(1), shape: 0) }
        #expect(throws: DistributionError.self) { try DelayDistribution.pareto(scale: .seconds(1), shape: .nan) }
        #expect(throws: DistributionError.self) { try DelayDistribution.logNormal(median: .seconds(1), sigma: -1) }
        #expect(throws: DistributionError.self) { try DelayDistribution.logNormal(median: .seconds(1), sigma: .infinity) }
    }

    @Test func theoreticalMeansAreReported() throws {
        #expect(try DelayDistribution.uniform(minimum: .zero, maximum: .milliseconds(2)).meanNanoseconds == 1_000_000)
        #expect(try DelayDistribution.pareto(scale: .seconds(1), shape: 1).meanNanoseconds == nil)
        #expect(try DelayDistribution.exponential(mean: .seconds(1)).description == "exponential(mean 1.000 s)")
    }
}
