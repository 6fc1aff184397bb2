import Foundation

/// One benchmark: a named workload that does `units` units of work per run and returns a
/// checksum of its results (printed, so the optimizer cannot discard the work).
struct Benchmark {
    /// Name used for filtering and in the table.
    let name: String
    /// What one unit is ("events", "bytes", ...).
    let unit: String
    /// Units of work per run.
    let units: Int
    /// Does the work once; returns a value that depends on all of it.
    let body: () -> UInt64
}

/// What the harness measured for one benchmark.
struct Measurement {
    let benchmark: Benchmark
    /// Wall-clock seconds of each timed run, sorted.
    let seconds: [Double]
    let checksum: UInt64

    var median: Double { seconds[seconds.count / 2] }
    /// (slowest - fastest) / median, as a percentage.
    var spreadPercent: Double { (seconds[seconds.count - 1] - seconds[0]) / median * 100 }
    var unitsPerSecond: Double { Double(benchmark.units) / median }
}

/// A dependency-free harness in the style of swift-nio's performance tester: warm-up runs,
/// then N timed runs, reporting median and spread.
struct Harness {
    var warmupRuns = 1
    var timedRuns = 10
    var filter: String?

    func measure(_ benchmark: Benchmark) -> Measurement {
        var checksum: UInt64 = 0
        for _ in 0..<warmupRuns { checksum &+= benchmark.body() }
        let clock = ContinuousClock()
        var seconds: [Double] = []
        for _ in 0..<timedRuns {
            let start = clock.now
            checksum &+= benchmark.body()
            let elapsed = clock.now - start
            let (whole, attoseconds) = elapsed.components
            seconds.append(Double(whole) + Double(attoseconds) * 1e-18)
        }
        return Measurement(benchmark: benchmark, seconds: seconds.sorted(), checksum: checksum)
    }

    /// Times `subject` and `peer` alternately, `timedRuns` times each, and returns the median
    /// of the per-pair time ratios (subject / peer), with a checksum of all the work: host
    /// speed drifts on shared machines, and adjacent runs see nearly the same speed.
    func medianRatio(_ subject: Benchmark, to peer: Benchmark) -> (ratio: Double, checksum: UInt64) {
        let clock = ContinuousClock()
        var sink: UInt64 = 0
        func seconds(_ benchmark: Benchmark) -> Double {
            let start = clock.now
            sink &+= benchmark.body()
            let (whole, attoseconds) = (clock.now - start).components
            return Double(whole) + Double(attoseconds) * 1e-18
        }
        for _ in 0..<warmupRuns {
            _ = seconds(subject)
            _ = seconds(peer)
        }
        let ratios = (0..<timedRuns).map { _ in seconds(subject) / seconds(peer) }.sorted()
        return (ratios[ratios.count / 2], sink)
    }

    func run(_ benchmarks: [Benchmark]) -> [Measurement] {
        // An exact name selects that benchmark alone; otherwise the filter is a substring.
        let exact = benchmarks.filter { $0.name == filter }
        let selected = exact.isEmpty ? benchmarks.filter { filter.map($0.name.contains) ?? true } : exact
        print(pad("benchmark", 26) + pad("median", 12) + pad("spread", 9) + pad("throughput", 24) + "checksum")
        return selected.map { benchmark in
            let measurement = measure(benchmark)
            print(pad(benchmark.name, 26)
                  + pad(String(format: "%.4f s", measurement.median), 12)
                  + pad(String(format: "%.1f%%", measurement.spreadPercent), 9)
                  + pad(String(format: "%.3g %@/s", measurement.unitsPerSecond, benchmark.unit), 24)
                  + String(measurement.checksum, radix: 16))
            return measurement
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
