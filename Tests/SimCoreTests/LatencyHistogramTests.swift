import Testing
@testable import SimCore

@Suite("Latency histogram")
struct LatencyHistogramTests {
    @Test func smallValuesAreExact() {
        var histogram = LatencyHistogram()
        for value in 1...50 { histogram.record(.nanoseconds(Int64(value))) }
        #expect(histogram.quantile(1, 2) == .nanoseconds(25))
        #expect(histogram.quantile(99, 100) == .nanoseconds(50))
        #expect(histogram.quantile(0, 1) == .nanoseconds(1))
        #expect(histogram.mean == .nanoseconds(25))
        #expect(histogram.count == 50)
    }

    @Test func largeValuesAreWithinOnePercent() {
        var histogram = LatencyHistogram()
        for millisecond in 1...1_000 { histogram.record(.milliseconds(Int64(millisecond))) }
        let checks: [(UInt64, Int64)] = [(50, 500), (95, 950), (99, 990)]
        for (percent, expectedMilliseconds) in checks {
            guard let value = histogram.quantile(percent, 100) else {
                Issue.record("no quantile")
                continue
            }
            let expected = Double(expectedMilliseconds) * 1_000_000
            let error = (Double(value.nanoseconds) - expected) / expected
            #expect(error >= 0 && error < 1.0 / 128, "p\(percent) = \(value)")
        }
        #expect(histogram.quantile(1, 1) == .milliseconds(1_000))
        #expect(histogram.minimum == .milliseconds(1) && histogram.maximum == .milliseconds(1_000))
    }

    @Test func mergedHistogramsEqualOneOverAllValues() {
        var whole = LatencyHistogram()
        var parts = [LatencyHistogram(), LatencyHistogram(), LatencyHistogram()]
        for value in 0..<3_000 {
            let duration = SimDuration.nanoseconds(Int64(value) * 7_919 % 5_000_000)
            whole.record(duration)
            parts[value % 3].record(duration)
        }
        var merged = LatencyHistogram()
        for part in parts { merged.merge(part) }
        #expect(merged == whole)
        #expect(merged.quantile(999, 1_000) == whole.quantile(999, 1_000))
        var empty = LatencyHistogram()
        empty.merge(LatencyHistogram())
        #expect(empty == LatencyHistogram() && empty.minimum == nil)
    }

    @Test func emptyHistogramHasNoQuantiles() {
        let histogram = LatencyHistogram()
        #expect(histogram.quantile(1, 2) == nil && histogram.mean == nil && histogram.maximum == nil)
    }

    @Test func bucketsTileTheValueRange() {
        // Every bucket's upper edge maps back to the bucket, and the next value to the next bucket.
        for bucket in 0..<(256 + 56 * 128 - 1) {
            let edge = LatencyHistogram.upperEdge(of: bucket)
            #expect(LatencyHistogram.bucket(of: edge) == bucket)
            #expect(LatencyHistogram.bucket(of: edge + 1) == bucket + 1)
        }
    }
}
